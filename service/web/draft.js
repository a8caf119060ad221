/* fanwen 提纲 view: POST api/draft → sections of slots with exemplar, citation and alternates; Word/Markdown export. */
(function () {
  "use strict";

  // A swap records slot key → chunk id in `choices`, which the export sends back so the file
  // matches the page.
  var fanwen = window.fanwen, ui = window.FanwenUi, hits = window.FanwenHit;
  var el = ui.el;
  var NUMERALS = "一二三四五六七八九十";
  var MSG = {
    emptyTopic: "请输入述职报告的题目，例如：街道党工委书记 抓基层党建工作述职。",
    drafting: "正在从范文库组织提纲…",
    exporting: "正在生成文件…"
  };
  var view, form, message, tools, result;
  var state = { outline: null, request: null, choices: {} };

  function ordinal(role, n) {
    var word = n <= 10 ? NUMERALS.charAt(n - 1) : String(n);
    if (role === "achievements" || role === "plans") return "（" + word + "）";
    if (role === "problems" || role === "causes") return word + "是";
    return "";
  }

  function field(className, label, input) {
    return el("div", { class: "field " + className }, el("label", { for: input.id }, label), input);
  }

  function buildForm() {
    var topic = el("input", { id: "draft-topic", type: "text", autocomplete: "off", required: true,
      placeholder: "例如：街道党工委书记 抓基层党建工作述职", "aria-describedby": "draft-hint" });
    var focus = el("input", { id: "draft-focus", type: "text", autocomplete: "off", placeholder: "可留空，例如：两新组织 社区治理" });
    var points = el("input", { id: "draft-points", type: "number", min: "1", max: "10", value: "4" });
    var rewrite = el("input", { id: "draft-rewrite", type: "checkbox" });
    return el("form", { class: "draft-form", id: "draft-form", autocomplete: "off" },
      field("field-wide", "题目", topic), field("field-wide", "重点（可选）", focus),
      field("field-narrow", "成效/打算条数", points),
      el("label", { class: "check-option", for: "draft-rewrite" }, rewrite, " 用语言模型改写（需服务器配置）"),
      el("button", { type: "submit", class: "btn btn-primary", id: "draft-button" }, "生成提纲"));
  }

  function requestBody() {
    var n = Math.max(1, Math.min(10, parseInt(form.elements["draft-points"].value, 10) || 4));
    return { topic: form.elements["draft-topic"].value.trim(), focus: form.elements["draft-focus"].value.trim(),
      counts: { achievements: n, plans: n }, rewrite: form.elements["draft-rewrite"].checked };
  }

  function submit(event) {
    event.preventDefault();
    var body = requestBody(), button = form.elements["draft-button"];
    if (!body.topic) { ui.showMessage(message, MSG.emptyTopic, "error"); form.elements["draft-topic"].focus(); return; }
    ui.busy(button, true);
    ui.showMessage(message, MSG.drafting, "loading");
    fanwen.api("api/draft", { method: "POST", json: body }).then(function (data) {
      state = { outline: data, request: body, choices: {} };
      ui.showMessage(message, "", "");
      render();
    }, function (error) {
      ui.showMessage(message, error.message, "error");
    }).then(function () { ui.busy(button, false); });
  }

  /* ---------- export ---------- */

  function saveFile(blob, filename) {
    var url = URL.createObjectURL(blob);
    var link = el("a", { href: url, download: filename, hidden: true });
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function safeFilename(title, ext) {
    return (String(title || "提纲").replace(/[\\/:*?"<>|\s]+/g, "") || "提纲") + ext;
  }

  function exportAs(format, ext, button) {
    if (!state.request) return;
    var body = JSON.parse(JSON.stringify(state.request));
    body.format = format;
    body.choices = state.choices;
    body.citations = tools.querySelector("#draft-export-citations").checked;  // a text to hand in has none
    ui.busy(button, true);
    ui.showMessage(message, MSG.exporting, "loading");
    fanwen.api("api/draft", { method: "POST", json: body, as: "blob" }).then(function (blob) {
      saveFile(blob, safeFilename(state.outline.title, ext));
      ui.showMessage(message, "", "");
    }, function (error) {
      ui.showMessage(message, error.message, "error");
    }).then(function () { ui.busy(button, false); });
  }

  /* ---------- outline ---------- */

  function render() {
    var outline = state.outline;
    ui.clear(result);
    tools.hidden = !outline;
    if (!outline) return;
    var warnings = outline.warnings || [];
    // In the result, not the status line: they describe this outline and must outlast an export's messages.
    if (warnings.length) {
      result.appendChild(el("div", { class: "draft-warnings", id: "draft-warnings", role: "note" },
        el("strong", {}, "提示"), el("ul", {}, warnings.map(function (w) { return el("li", {}, w); }))));
    }
    result.appendChild(el("h2", { class: "draft-title" }, outline.title || ""));
    (outline.sections || []).forEach(function (section) { result.appendChild(renderSection(section)); });
  }

  function renderSection(section) {
    var box = el("section", { class: "draft-section", dataset: { section: section.key } });
    if (section.heading) box.appendChild(el("h3", { class: "draft-heading" }, section.heading));
    var counters = {};
    (section.slots || []).forEach(function (slot) {
      var sub = (section.subheadings || {})[slot.role];
      if (sub && !counters[slot.role]) box.appendChild(el("h4", { class: "draft-subheading" }, sub));
      counters[slot.role] = (counters[slot.role] || 0) + 1;
      box.appendChild(renderSlot(slot, ordinal(slot.role, counters[slot.role])));
    });
    return box;
  }

  function citation(record, prefix) {
    var parts = [prefix + "《" + fanwen.docLabel(record.doc, record.title) + "》"];
    if (record.heading) parts.push(record.heading);
    parts.push("段落 #" + record.id);
    return el("p", { class: "draft-cite" }, parts.join(" · "));
  }

  function renderSlot(slot, number) {
    var card = el("article", { class: "draft-slot", dataset: { key: slot.key, id: slot.chosen.id } },
      el("div", { class: "draft-slot-head" }, hits.roleBadge(slot),
        slot.rewritten ? el("span", { class: "draft-flag" }, "已改写") : null),
      el("p", { class: "draft-text" }, number ? el("span", { class: "draft-ordinal" }, number) : null,
        hits.renderText(slot.text, [], slot.placeholders)),
      citation(slot.chosen, slot.rewritten ? "改写自：" : "出处："));
    var alternates = slot.alternates || [];
    if (alternates.length) ui.append(card, alternatesBlock(slot, alternates));
    return card;
  }

  function alternatesBlock(slot, alternates) {
    var panelId = "alt-" + slot.key;
    var toggle = el("button", { type: "button", class: "btn btn-small", "aria-expanded": "false",
      "aria-controls": panelId }, "备选（" + alternates.length + "）");
    var panel = el("div", { class: "draft-alternates", id: panelId, hidden: true }, alternates.map(function (alt, index) {
      var use = el("button", { type: "button", class: "btn btn-small draft-use", dataset: { id: alt.id } }, "换用这一条");
      use.addEventListener("click", function () { swap(slot, index); });
      return el("div", { class: "draft-alternate" },
        el("p", { class: "draft-text" }, hits.renderText(alt.body, [], alt.placeholders)), citation(alt, "出处："), use);
    }));
    toggle.addEventListener("click", function () {
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
    });
    return [el("div", { class: "draft-actions" }, toggle), panel];
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
    var button = result.querySelector('[data-key="' + slot.key + '"] .btn');
    if (button) button.focus();
  }

  function init() {
    view = document.getElementById("view-draft");
    form = buildForm();
    message = el("div", { class: "message", role: "status", "aria-live": "polite", id: "draft-message" });
    var word = el("button", { type: "button", class: "btn", id: "draft-export-docx" }, "导出 Word");
    var markdown = el("button", { type: "button", class: "btn", id: "draft-export-md" }, "导出 Markdown");
    var cite = el("input", { id: "draft-export-citations", type: "checkbox" });
    tools = el("div", { class: "draft-tools", hidden: true }, word, markdown,
      el("label", { class: "check-option", for: "draft-export-citations" }, cite, " 导出时附出处"));
    result = el("div", { class: "draft-result", id: "draft-result", "aria-live": "polite" });
    var hint = el("p", { class: "hint", id: "draft-hint" },
      "按“开头—主要做法和成效—存在的问题及原因—下一步打算”组织，每段取一条范文并附两条备选，可随时替换。");
    ui.clear(view);
    ui.append(view, [el("div", { class: "panel" }, form, hint), message, tools, result]);
    form.addEventListener("submit", submit);
    word.addEventListener("click", function () { exportAs("docx", ".docx", word); });
    markdown.addEventListener("click", function () { exportAs("markdown", ".md", markdown); });
  }

  fanwen.views.draft = { init: init };
})();
