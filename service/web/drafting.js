/* fanwen 提纲 / 查重 views: fill #view-draft and #view-check using window.fanwen from app.js.
 *
 * 提纲: POST api/draft → sections of slots, each with its exemplar, citation and two alternates; a swap
 * records slot key → chunk id in `choices`, which the Word / Markdown export sends back so the file
 * matches the page. 查重: POST api/check with JSON text or a multipart file; copied passages are shown
 * as <mark class="copied"> in the draft with a numbered source list.
 * All text goes into the page as text nodes; nothing uses innerHTML.
 */
(function () {
  "use strict";

  var NUMERALS = "一二三四五六七八九十";
  var MAX_CHARS = 50000;
  var MSG = {
    emptyTopic: "请输入述职报告的题目，例如：街道党工委书记 抓基层党建工作述职。",
    drafting: "正在从范文库组织提纲…",
    exporting: "正在生成文件…",
    emptyDraft: "请粘贴要检查的文稿，或选择一个文件。",
    tooLong: "文稿超过 50000 字，请分段检查。",
    checking: "正在查重…",
    network: "无法连接到服务，请确认服务已启动后重试。"
  };

  function start() {
    var fw = window.fanwen;
    var draftView = document.getElementById("view-draft");
    var checkView = document.getElementById("view-check");
    if (!fw) return;
    if (draftView) initDraft(fw, draftView);
    if (checkView) initCheck(fw, checkView);
  }

  /* ---------- shared helpers ---------- */

  function ordinal(role, n) {
    var word = n <= 10 ? NUMERALS.charAt(n - 1) : String(n);
    if (role === "achievements" || role === "plans") return "（" + word + "）";
    if (role === "problems" || role === "causes") return word + "是";
    return "";
  }

  function sourceName(fw, record) {
    return fw.docLabel(record.doc, record.title);
  }

  /** Text with [start, end) spans wrapped in <mark class="…">. */
  function markSpans(fw, text, spans, className) {
    var frag = document.createDocumentFragment();
    var last = 0;
    (spans || []).slice().sort(function (a, b) { return a[0] - b[0]; }).forEach(function (span) {
      var s = Math.max(last, Math.min(text.length, span[0]));
      var e = Math.max(s, Math.min(text.length, span[1]));
      if (e <= s) return;
      frag.appendChild(document.createTextNode(text.slice(last, s)));
      frag.appendChild(fw.el("mark", { class: className }, text.slice(s, e)));
      last = e;
    });
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function errorText(error) {
    return (error && error.message) || MSG.network;
  }

  function busy(button, on) {
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
  }

  /** POST JSON and save the answer as a file; errors keep the shared {"error": …} shape. */
  function download(fw, path, body, filename) {
    var headers = { "Content-Type": "application/json" };
    var keys = fw.keyHeaders ? fw.keyHeaders() : {};
    Object.keys(keys).forEach(function (k) { headers[k] = keys[k]; });
    return fetch(fw.apiUrl(path), { method: "POST", headers: headers, body: JSON.stringify(body) })
      .then(function (response) {
        if (response.ok) return response.blob();
        return response.text().then(function (text) {
          var message = "请求失败（HTTP " + response.status + "）。";
          try { message = JSON.parse(text).error.message || message; } catch (e) { /* keep */ }
          throw new fw.ApiError(message, response.status);
        });
      }, function () { throw new fw.ApiError(MSG.network, 0, "network"); })
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = fw.el("a", { href: url, download: filename, hidden: true });
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
        window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      });
  }

  function safeFilename(title, ext) {
    return (String(title || "提纲").replace(/[\\/:*?"<>|\s]+/g, "") || "提纲") + ext;
  }

  /* ---------- 提纲 ---------- */

  function initDraft(fw, view) {
    var el = fw.el;
    var state = { outline: null, request: null, choices: {} };

    var topic = el("input", { id: "draft-topic", type: "text", autocomplete: "off", required: true,
      placeholder: "例如：街道党工委书记 抓基层党建工作述职", "aria-describedby": "draft-hint" });
    var focus = el("input", { id: "draft-focus", type: "text", autocomplete: "off",
      placeholder: "可留空，例如：两新组织 社区治理" });
    var points = el("input", { id: "draft-points", type: "number", min: "1", max: "10", value: "4" });
    var rewrite = el("input", { id: "draft-rewrite", type: "checkbox" });
    var submit = el("button", { type: "submit", class: "btn btn-primary", id: "draft-button" }, "生成提纲");
    var form = el("form", { class: "draft-form", id: "draft-form", autocomplete: "off" },
      el("div", { class: "field field-wide" }, el("label", { for: "draft-topic" }, "题目"), topic),
      el("div", { class: "field field-wide" }, el("label", { for: "draft-focus" }, "重点（可选）"), focus),
      el("div", { class: "field field-narrow" }, el("label", { for: "draft-points" }, "成效/打算条数"), points),
      el("label", { class: "check-option", for: "draft-rewrite" }, rewrite, " 用语言模型改写（需服务器配置）"),
      submit);
    var hint = el("p", { class: "hint", id: "draft-hint" },
      "按“开头—主要做法和成效—存在的问题及原因—下一步打算”组织，每段取一条范文并附两条备选，可随时替换。");
    var message = el("div", { class: "message", role: "status", "aria-live": "polite", id: "draft-message" });
    var tools = el("div", { class: "draft-tools", hidden: true });
    var exportWord = el("button", { type: "button", class: "btn", id: "draft-export-docx" }, "导出 Word");
    var exportMd = el("button", { type: "button", class: "btn", id: "draft-export-md" }, "导出 Markdown");
    tools.appendChild(exportWord);
    tools.appendChild(exportMd);
    var result = el("div", { class: "draft-result", id: "draft-result", "aria-live": "polite" });
    fw.clear(view);
    [el("div", { class: "panel" }, form, hint), message, tools, result].forEach(function (n) { view.appendChild(n); });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = topic.value.trim();
      if (!text) { fw.showMessage(message, MSG.emptyTopic, "error"); topic.focus(); return; }
      var n = Math.max(1, Math.min(10, parseInt(points.value, 10) || 4));
      var body = { topic: text, focus: focus.value.trim(), counts: { achievements: n, plans: n },
        rewrite: rewrite.checked };
      busy(submit, true);
      fw.showMessage(message, MSG.drafting, "loading");
      fw.api("api/draft", { method: "POST", json: body, headers: fw.keyHeaders() }).then(function (data) {
        state.outline = data;
        state.request = body;
        state.choices = {};
        var warnings = data.warnings || [];
        fw.showMessage(message, warnings.length ? "提示：" + warnings.join("；") : "", warnings.length ? "info" : "");
        render();
      }, function (error) {
        fw.showMessage(message, errorText(error), "error");
      }).then(function () { busy(submit, false); });
    });

    function exportAs(format, ext, button) {
      if (!state.request) return;
      var body = {};
      Object.keys(state.request).forEach(function (k) { body[k] = state.request[k]; });
      body.format = format;
      body.choices = state.choices;
      busy(button, true);
      fw.showMessage(message, MSG.exporting, "loading");
      download(fw, "api/draft", body, safeFilename(state.outline.title, ext)).then(function () {
        fw.showMessage(message, "", "");
      }, function (error) {
        fw.showMessage(message, errorText(error), "error");
      }).then(function () { busy(button, false); });
    }
    exportWord.addEventListener("click", function () { exportAs("docx", ".docx", exportWord); });
    exportMd.addEventListener("click", function () { exportAs("markdown", ".md", exportMd); });

    function render() {
      var outline = state.outline;
      fw.clear(result);
      tools.hidden = !outline;
      if (!outline) return;
      result.appendChild(el("h2", { class: "draft-title" }, outline.title || ""));
      (outline.sections || []).forEach(function (section) {
        var box = el("section", { class: "draft-section", dataset: { section: section.key } });
        if (section.heading) box.appendChild(el("h3", { class: "draft-heading" }, section.heading));
        var counters = {}, seen = {};
        (section.slots || []).forEach(function (slot) {
          var sub = (section.subheadings || {})[slot.role];
          if (sub && !seen[slot.role]) box.appendChild(el("h4", { class: "draft-subheading" }, sub));
          seen[slot.role] = true;
          counters[slot.role] = (counters[slot.role] || 0) + 1;
          box.appendChild(renderSlot(slot, ordinal(slot.role, counters[slot.role])));
        });
        result.appendChild(box);
      });
    }

    function citation(record, prefix) {
      var parts = [prefix + "《" + sourceName(fw, record) + "》"];
      if (record.heading) parts.push(record.heading);
      parts.push("段落 #" + record.id);
      return el("p", { class: "draft-cite" }, parts.join(" · "));
    }

    function renderSlot(slot, number) {
      var card = el("article", { class: "draft-slot", dataset: { key: slot.key, id: slot.chosen.id } });
      var text = el("p", { class: "draft-text" });
      if (number) text.appendChild(el("span", { class: "draft-ordinal" }, number));
      text.appendChild(fw.renderText(slot.text, [], slot.placeholders));
      card.appendChild(el("div", { class: "draft-slot-head" },
        el("span", { class: "role role-" + slot.role }, fw.roleLabel(slot.role, slot.role_label)),
        slot.rewritten ? el("span", { class: "draft-flag" }, "已改写") : null));
      card.appendChild(text);
      card.appendChild(citation(slot.chosen, slot.rewritten ? "改写自：" : "出处："));
      var alternates = slot.alternates || [];
      if (!alternates.length) return card;
      var panelId = "alt-" + slot.key;
      var toggle = el("button", { type: "button", class: "btn btn-small", "aria-expanded": "false",
        "aria-controls": panelId }, "备选（" + alternates.length + "）");
      var panel = el("div", { class: "draft-alternates", id: panelId, hidden: true });
      alternates.forEach(function (alt, index) {
        var use = el("button", { type: "button", class: "btn btn-small draft-use",
          dataset: { id: alt.id } }, "换用这一条");
        use.addEventListener("click", function () { swap(slot, index); });
        panel.appendChild(el("div", { class: "draft-alternate" },
          el("p", { class: "draft-text" }, fw.renderText(alt.body, [], alt.placeholders)),
          citation(alt, "出处："), use));
      });
      toggle.addEventListener("click", function () {
        var open = panel.hidden;
        panel.hidden = !open;
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
      card.appendChild(el("div", { class: "draft-actions" }, toggle));
      card.appendChild(panel);
      return card;
    }

    function swap(slot, index) {
      var alt = slot.alternates[index];
      slot.alternates[index] = slot.chosen;
      slot.chosen = alt;
      slot.text = alt.body;
      slot.placeholders = alt.placeholders;
      slot.rewritten = false;
      state.choices[slot.key] = alt.id;
      render();
      var card = result.querySelector('[data-key="' + slot.key + '"] .btn');
      if (card) card.focus();
    }
  }

  /* ---------- 查重 ---------- */

  function initCheck(fw, view) {
    var el = fw.el;
    var text = el("textarea", { id: "check-text", rows: "10", placeholder: "粘贴要检查的文稿（不超过 50000 字）",
      "aria-describedby": "check-count" });
    var count = el("p", { class: "hint", id: "check-count" }, "0 字");
    var file = el("input", { id: "check-file", type: "file", accept: ".txt,.md,.docx,.pdf" });
    var threshold = el("select", { id: "check-threshold" },
      [["0.3", "30%"], ["0.5", "50%（默认）"], ["0.7", "70%"], ["0.9", "90%"]].map(function (o) {
        return el("option", { value: o[0], selected: o[0] === "0.5" }, o[1]);
      }));
    var submit = el("button", { type: "submit", class: "btn btn-primary", id: "check-button" }, "检查");
    var form = el("form", { class: "check-form", id: "check-form" },
      el("div", { class: "field" }, el("label", { for: "check-text" }, "文稿"), text, count),
      el("div", { class: "check-row" },
        el("div", { class: "field" }, el("label", { for: "check-file" }, "或选择文件（.txt、.md、.docx、.pdf）"), file),
        el("div", { class: "field" }, el("label", { for: "check-threshold" }, "一句中重复字数达到"), threshold),
        submit));
    var message = el("div", { class: "message", role: "status", "aria-live": "polite", id: "check-message" });
    var result = el("div", { class: "check-result", id: "check-result", "aria-live": "polite" });
    fw.clear(view);
    [el("div", { class: "panel" }, form), message, result].forEach(function (n) { view.appendChild(n); });

    text.addEventListener("input", function () {
      count.textContent = text.value.length + " 字" + (text.value.length > MAX_CHARS ? "（超过 50000 字）" : "");
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var options = { method: "POST", headers: fw.keyHeaders() };
      if (file.files && file.files.length) {
        var data = new FormData();
        data.append("file", file.files[0]);
        data.append("threshold", threshold.value);
        options.form = data;
      } else {
        if (!text.value.trim()) { fw.showMessage(message, MSG.emptyDraft, "error"); text.focus(); return; }
        if (text.value.length > MAX_CHARS) { fw.showMessage(message, MSG.tooLong, "error"); return; }
        options.json = { text: text.value, threshold: Number(threshold.value) };
      }
      busy(submit, true);
      fw.showMessage(message, MSG.checking, "loading");
      fw.api("api/check", options).then(function (report) {
        fw.showMessage(message, "", "");
        render(report);
      }, function (error) {
        fw.clear(result);
        fw.showMessage(message, errorText(error), "error");
      }).then(function () { busy(submit, false); });
    });

    function render(report) {
      fw.clear(result);
      var matches = (report.matches || []).slice().sort(function (a, b) { return a.start - b.start; });
      var share = Math.round((report.share || 0) * 1000) / 10;
      result.appendChild(el("p", { class: "check-summary", dataset: { share: report.share } },
        "共 " + report.sentences + " 句，其中 ", el("strong", null, String(matches.length)),
        " 句与范文库重复；重复字数占全文 ", el("strong", { class: "check-share" }, share + "%"), "。"));
      var body = el("div", { class: "check-text" });
      var draft = String(report.text || ""), last = 0;
      matches.forEach(function (m, i) {
        body.appendChild(document.createTextNode(draft.slice(last, m.start)));
        var sentence = el("span", { class: "copied-sentence", id: "copied-" + (i + 1),
          title: "与范文重复 " + Math.round(m.ratio * 100) + "%" });
        sentence.appendChild(markSpans(fw, draft.slice(m.start, m.end), m.spans, "copied"));
        body.appendChild(sentence);
        body.appendChild(el("a", { class: "copy-ref", href: "#source-" + (i + 1) }, "[" + (i + 1) + "]"));
        last = m.end;
      });
      body.appendChild(document.createTextNode(draft.slice(last)));
      result.appendChild(body);
      if (!matches.length) {
        result.appendChild(el("p", { class: "hint" }, "没有发现与范文库重复的句子。"));
        return;
      }
      var list = el("ol", { class: "check-sources" });
      matches.forEach(function (m, i) {
        var src = m.source;
        list.appendChild(el("li", { id: "source-" + (i + 1) },
          el("p", { class: "draft-cite" }, "[" + (i + 1) + "] 重复 " + Math.round(m.ratio * 100) + "% · 出处：《" +
            sourceName(fw, src) + "》" + (src.heading ? " · " + src.heading : "") + " · 段落 #" + src.id),
          el("blockquote", { class: "check-source-text" }, markSpans(fw, src.text, src.spans, "copied"))));
      });
      result.appendChild(el("h3", { class: "check-sources-title" }, "重复来源"));
      result.appendChild(list);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
