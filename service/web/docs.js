/* fanwen 文档管理 view: the document list (and the labels other views show), upload, delete, API key. */
(function () {
  "use strict";

  var fanwen = window.fanwen, ui = window.FanwenUi;
  var el = ui.el;
  var documents = [], labels = {};

  function $(id) { return document.getElementById(id); }

  /* ---------- document labels: several reports may share a generic title ---------- */

  function fileStem(path) {
    return String(path || "").split(/[\\/]/).pop().replace(/\.[^.]+$/, "");
  }

  function computeLabels() {
    var counts = {};
    documents.forEach(function (d) { var t = d.title || d.id; counts[t] = (counts[t] || 0) + 1; });
    labels = {};
    documents.forEach(function (d) {
      var t = d.title || d.id;
      if (counts[t] < 2) { labels[d.id] = t; return; }
      var extra = fileStem(d.path) || d.id;  // the file name tells them apart
      labels[d.id] = extra.indexOf(t) >= 0 ? extra : t + "（" + (extra !== t ? extra : d.id) + "）";
    });
  }

  function docLabel(docId, title) { return labels[docId] || title || docId || ""; }

  function loadDocuments() {
    var message = $("docs-message");
    return fanwen.api("api/documents").then(function (data) {
      documents = Array.isArray(data.documents) ? data.documents : [];
      computeLabels();
      renderList();
      if (message.dataset.kind === "error") ui.showMessage(message, "", "");
      document.dispatchEvent(new CustomEvent("fanwen:documents", { detail: { documents: documents } }));
      return documents;
    }, function (error) {
      ui.showMessage(message, "读取文档列表失败：" + error.message, "error");
      if (!documents.length) ui.clear($("doc-list"));
      return documents;
    });
  }

  /* ---------- list ---------- */

  function formatDate(value) {
    var d = new Date(value);
    if (!value || isNaN(d.getTime())) return value ? String(value) : "";
    function pad(n) { return n < 10 ? "0" + n : String(n); }
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function count(value) { return value === undefined ? "" : String(value); }

  function row(d) {
    var label = docLabel(d.id, d.title);
    var del = el("button", { type: "button", class: "btn btn-small btn-danger btn-delete",
      dataset: { id: d.id }, "aria-label": "删除《" + label + "》" }, "删除");
    del.addEventListener("click", function () { deleteDocument(d, del); });
    return el("tr", { dataset: { id: d.id } },
      el("td", { class: "doc-name" }, el("span", { class: "doc-title" }, label),
        d.path ? el("span", { class: "doc-path" }, String(d.path).split(/[\\/]/).pop()) : null),
      el("td", { class: "num doc-chunks" }, count(d.chunks)),
      el("td", { class: "num" }, count(d.chars)),
      el("td", { class: "doc-format" }, d.format || ""),
      el("td", { class: "doc-added" }, formatDate(d.added)),
      el("td", { class: "actions" }, del));
  }

  function renderList() {
    var list = $("doc-list");
    ui.clear(list);
    if (!documents.length) {
      list.appendChild(el("p", { class: "message", "data-kind": "empty" }, "还没有入库的文档，请先上传。"));
      return;
    }
    var heads = ["标题", "段落数", "字数", "格式", "入库时间"].map(function (name, i) {
      return el("th", { scope: "col", class: i === 1 || i === 2 ? "num" : null }, name);
    });
    heads.push(el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "操作")));
    list.appendChild(el("table", { class: "doc-table" },
      el("caption", { class: "visually-hidden" }, "已入库文档"),
      el("thead", null, el("tr", null, heads)),
      el("tbody", null, documents.map(row))));
  }

  /* ---------- changes ---------- */

  function afterCorpusChange() {
    document.dispatchEvent(new CustomEvent("fanwen:corpus"));
    fanwen.loadHealth();
    return loadDocuments();
  }

  function keyHint(error, hint) { return error.status === 401 ? hint : ""; }

  function deleteDocument(doc, button) {
    var label = docLabel(doc.id, doc.title);
    if (!window.confirm("确定删除《" + label + "》吗？\n它的 " + (doc.chunks || 0) + " 个段落将从检索库中移除。")) {
      return Promise.resolve(false);
    }
    var message = $("docs-message");
    button.disabled = true;
    ui.showMessage(message, "正在删除《" + label + "》…", "loading");
    return fanwen.api("api/documents/" + encodeURIComponent(doc.id), { method: "DELETE" }).then(function (data) {
      ui.showMessage(message, "已删除《" + label + "》，移除 " + (data.chunks || 0) + " 个段落。", "success");
      if (fanwen.state.doc === doc.id) { fanwen.state.doc = ""; fanwen.writeUrl(false); }
      return afterCorpusChange().then(function () { return true; });
    }, function (error) {
      button.disabled = false;
      ui.showMessage(message, "删除失败：" + error.message + keyHint(error, " 请在上方填写正确的 API 密钥。"), "error");
      return false;
    });
  }

  /* ---------- upload ---------- */

  function present(value) {
    // The contract says booleans; the library reports lists of document ids. Accept both.
    return Array.isArray(value) ? value.length > 0 : !!value;
  }

  function skippedItem(skipped) {
    var item = el("li", null, "跳过：", el("strong", { class: "report-skipped" }, skipped.length ? String(skipped.length) : "无"));
    if (!skipped.length) return item;
    item.appendChild(el("ul", null, skipped.map(function (s) {
      return el("li", null, typeof s === "string" ? s
        : [s.path || s.file || s.name, s.reason || s.message].filter(Boolean).join("：") || JSON.stringify(s));
    })));
    return item;
  }

  function renderReport(report, data) {
    var doc = data.document || {}, r = data.report || {};
    var label = doc.title || doc.id || "文档";
    ui.showMessage(report, "", "success");
    report.hidden = false;
    report.appendChild(el("p", { class: "report-title" }, present(r.unchanged) ? "《" + label + "》内容没有变化，索引保持不变。"
      : present(r.replaced) ? "已用新文件替换《" + label + "》。" : "已入库《" + label + "》。"));
    var items = el("ul", { class: "report-items" },
      el("li", null, "段落数：", el("strong", { class: "report-chunks" }, String(r.chunks !== undefined ? r.chunks : (doc.chunks || 0)))),
      el("li", null, "去除的模板行：", el("strong", { class: "report-boilerplate" }, String(r.boilerplate_lines || 0))),
      skippedItem(Array.isArray(r.skipped) ? r.skipped : []));
    if (typeof r.duplicates === "number" && r.duplicates > 0) {
      items.appendChild(el("li", null, "与已有段落重复或近似：", el("strong", { class: "report-duplicates" }, String(r.duplicates))));
    }
    report.appendChild(items);
  }

  function upload(event) {
    event.preventDefault();
    var input = $("upload-file"), report = $("upload-report");
    var file = input.files && input.files[0];
    if (!file) {
      ui.showMessage(report, "请先选择要上传的文件。", "error");
      return Promise.resolve(null);
    }
    return fanwen.limits().then(function (limits) {
      var problem = ui.fileProblem(file, limits);
      if (problem) { ui.showMessage(report, problem, "error"); return null; }
      return send(file);
    });
  }

  function send(file) {
    var report = $("upload-report"), button = $("upload-button");
    var form = new FormData();
    form.append("file", file, file.name);
    button.disabled = true;
    button.textContent = "正在入库…";
    ui.showMessage(report, "正在上传并建立索引《" + file.name + "》，请稍候…", "loading");
    return fanwen.api("api/documents", { method: "POST", form: form }).then(function (data) {
      renderReport(report, data);
      $("upload-file").value = "";
      return afterCorpusChange().then(function () { return data; });
    }, function (error) {
      ui.showMessage(report, "上传失败：" + error.message + keyHint(error, " 请填写正确的 API 密钥后重试。"), "error");
      return null;
    }).then(function (result) {
      button.disabled = false;
      button.textContent = "上传并入库";
      return result;
    });
  }

  function init() {
    var keyInput = $("api-key");
    keyInput.value = ui.store(fanwen.KEY_STORAGE);
    keyInput.addEventListener("input", function () { ui.store(fanwen.KEY_STORAGE, keyInput.value.trim()); });
    $("upload-form").addEventListener("submit", upload);
    $("docs-refresh").addEventListener("click", function () { loadDocuments(); });
    document.addEventListener("fanwen:start", function () {
      if (fanwen.state.view !== "docs") loadDocuments();  // showing the view loads them already
      fanwen.limits().then(function (limits) {
        ui.showFileTypes($("upload-file"), $("upload-types"), limits.upload_types);
      });
    });
  }

  fanwen.views.docs = { init: init, show: loadDocuments };
  fanwen.docLabel = docLabel;
  fanwen.loadDocuments = loadDocuments;
  Object.defineProperty(fanwen, "documents", { get: function () { return documents.slice(); } });
})();
