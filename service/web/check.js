/* fanwen 查重 view: POST api/check (JSON text or a file); copied passages marked, with a numbered source list. */
(function () {
  "use strict";

  var fanwen = window.fanwen, ui = window.FanwenUi;
  var el = ui.el;
  var MSG = {
    emptyDraft: "请粘贴要检查的文稿，或选择一个文件。",
    checking: "正在查重…",
    nothing: "没有发现与范文库重复的句子。"
  };
  var THRESHOLDS = [["0.3", "30%"], ["0.5", "50%（默认）"], ["0.7", "70%"], ["0.9", "90%"]];
  var form, text, count, file, threshold, message, result;
  var lastInput = "text";  // "text" or "file": the input the user touched last is the one checked
  var maxChars = 0;  // from GET api/health; 0 = unknown, the server checks

  function buildForm() {
    text = el("textarea", { id: "check-text", rows: "10", placeholder: "粘贴要检查的文稿", "aria-describedby": "check-count" });
    count = el("p", { class: "hint", id: "check-count" }, "0 字");
    file = el("input", { id: "check-file", type: "file" });
    threshold = el("select", { id: "check-threshold" }, THRESHOLDS.map(function (o) {
      return el("option", { value: o[0], selected: o[0] === "0.5" }, o[1]);
    }));
    return el("form", { class: "check-form", id: "check-form" },
      el("div", { class: "field" }, el("label", { for: "check-text" }, "文稿"), text, count),
      el("div", { class: "check-row" },
        el("div", { class: "field" }, el("label", { for: "check-file" }, "或选择文件", el("span", { id: "check-types" })), file),
        el("div", { class: "field" }, el("label", { for: "check-threshold" }, "一句中重复字数达到"), threshold),
        el("button", { type: "submit", class: "btn btn-primary", id: "check-button" }, "检查")));
  }

  function applyLimits(limits) {
    maxChars = limits.max_check_chars || 0;
    if (maxChars) text.setAttribute("placeholder", "粘贴要检查的文稿（不超过 " + maxChars + " 字）");
    ui.showFileTypes(file, document.getElementById("check-types"), limits.upload_types);
    updateCount();
  }

  function updateCount() {
    var n = text.value.length;
    count.textContent = n + " 字" + (maxChars && n > maxChars ? "（超过 " + maxChars + " 字）" : "");
  }

  /** Which input to check: whichever the user touched last (a file picked after typing wins, and the other way). */
  function chosenInput() {
    var hasFile = file.files && file.files.length, hasText = text.value.trim() !== "";
    if (hasFile && (lastInput === "file" || !hasText)) return "file";
    return "text";
  }

  /** The request options, or a message saying why there is nothing to send. */
  function requestOptions() {
    if (chosenInput() === "file") {  // the server says why a file is refused
      var data = new FormData();
      data.append("file", file.files[0]);
      data.append("threshold", threshold.value);
      return { method: "POST", form: data, source: "文件《" + file.files[0].name + "》" };
    }
    if (!text.value.trim()) return MSG.emptyDraft;
    if (maxChars && text.value.length > maxChars) return "文稿超过 " + maxChars + " 字，请分段检查。";
    return { method: "POST", json: { text: text.value, threshold: Number(threshold.value) }, source: "粘贴的文稿" };
  }

  function submit(event) {
    event.preventDefault();
    var button = form.querySelector("#check-button");
    fanwen.limits().then(function () {
      var options = requestOptions();
      if (typeof options === "string") {
        ui.showMessage(message, options, "error");
        if (options === MSG.emptyDraft) text.focus();
        return null;
      }
      ui.busy(button, true);
      ui.showMessage(message, MSG.checking, "loading");
      return fanwen.api("api/check", options).then(function (report) {
        ui.showMessage(message, "", "");
        render(report, options.source);
      }, function (error) {
        ui.clear(result);
        ui.showMessage(message, error.message, "error");
      }).then(function () { ui.busy(button, false); });
    });
  }

  /** Text with [start, end) spans wrapped in <mark class="copied">. */
  function markSpans(value, spans) {
    var frag = document.createDocumentFragment(), last = 0;
    (spans || []).slice().sort(function (a, b) { return a[0] - b[0]; }).forEach(function (span) {
      var s = Math.max(last, Math.min(value.length, span[0]));
      var e = Math.max(s, Math.min(value.length, span[1]));
      if (e <= s) return;
      ui.append(frag, [value.slice(last, s), el("mark", { class: "copied" }, value.slice(s, e))]);
      last = e;
    });
    frag.appendChild(document.createTextNode(value.slice(last)));
    return frag;
  }

  function percent(ratio) { return Math.round(ratio * 100) + "%"; }

  function renderDraft(draft, matches) {
    var body = el("div", { class: "check-text" }), last = 0;
    matches.forEach(function (m, i) {
      ui.append(body, [draft.slice(last, m.start),
        el("span", { class: "copied-sentence", id: "copied-" + (i + 1), title: "与范文重复 " + percent(m.ratio) },
          markSpans(draft.slice(m.start, m.end), m.spans)),
        el("a", { class: "copy-ref", href: "#source-" + (i + 1) }, "[" + (i + 1) + "]")]);
      last = m.end;
    });
    body.appendChild(document.createTextNode(draft.slice(last)));
    return body;
  }

  function renderSources(matches) {
    return el("ol", { class: "check-sources" }, matches.map(function (m, i) {
      var src = m.source;
      return el("li", { id: "source-" + (i + 1) },
        el("p", { class: "draft-cite" }, "[" + (i + 1) + "] 重复 " + percent(m.ratio) + " · 出处：《" +
          fanwen.docLabel(src.doc, src.title) + "》" + (src.heading ? " · " + src.heading : "") + " · 段落 #" + src.id),
        el("blockquote", { class: "check-source-text" }, markSpans(src.text, src.spans)));
    }));
  }

  function render(report, source) {
    ui.clear(result);
    var matches = (report.matches || []).slice().sort(function (a, b) { return a.start - b.start; });
    var share = Math.round((report.share || 0) * 1000) / 10;
    result.appendChild(el("p", { class: "check-source", id: "check-source" }, "检查的是：" + source));
    result.appendChild(el("p", { class: "check-summary", dataset: { share: report.share } },
      "共 " + report.sentences + " 句，其中 ", el("strong", null, String(matches.length)),
      " 句与范文库重复；重复字数占全文 ", el("strong", { class: "check-share" }, share + "%"), "。"));
    result.appendChild(renderDraft(String(report.text || ""), matches));
    if (!matches.length) {
      result.appendChild(el("p", { class: "hint" }, MSG.nothing));
      return;
    }
    result.appendChild(el("h3", { class: "check-sources-title" }, "重复来源"));
    result.appendChild(renderSources(matches));
  }

  function init() {
    var view = document.getElementById("view-check");
    form = buildForm();
    message = el("div", { class: "message", role: "status", "aria-live": "polite", id: "check-message" });
    result = el("div", { class: "check-result", id: "check-result", "aria-live": "polite" });
    ui.clear(view);
    ui.append(view, [el("div", { class: "panel" }, form), message, result]);
    text.addEventListener("input", function () { lastInput = "text"; updateCount(); });
    file.addEventListener("change", function () { if (file.files && file.files.length) lastInput = "file"; });
    form.addEventListener("submit", submit);
    document.addEventListener("fanwen:start", function () { fanwen.limits().then(applyLimits); });
  }

  fanwen.views.check = { init: init };
})();
