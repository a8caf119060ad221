/* fanwen 检索 view: the 更多相似 and 上下文 panels that open under a result card. */
(function () {
  "use strict";

  var fanwen = window.fanwen, ui = window.FanwenUi, hits = window.FanwenHit;
  var el = ui.el;
  var SIMILAR_K = 5;
  var counter = 0;

  function panelFor(extra, kind) {
    var panel = extra.querySelector(":scope > ." + kind);
    if (!panel) panel = extra.appendChild(el("section", { class: "hit-panel " + kind, id: "p-" + kind + "-" + (++counter) }));
    return panel;
  }

  /** Open or close a panel; load() fills it the first time it opens (again after a failure). */
  function toggle(button, panel, load) {
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-controls", panel.id);
    button.setAttribute("aria-expanded", open ? "false" : "true");
    panel.hidden = open;
    if (open || panel.dataset.loaded === "true") return;
    panel.dataset.loaded = "loading";
    ui.clear(panel);
    var status = el("p", { class: "message", role: "status" });
    panel.appendChild(status);
    load(panel, status).then(function () { panel.dataset.loaded = "true"; }, function (error) {
      ui.showMessage(status, error.message, "error");
      panel.dataset.loaded = "false";
    });
  }

  function similar(button, hit, extra) {
    toggle(button, panelFor(extra, "similar-panel"), function (panel, status) {
      panel.insertBefore(el("h3", { class: "panel-title" }, "与“" + ui.truncate(hit.text, 24) + "”相似的段落"), status);
      ui.showMessage(status, "正在查找相似段落…", "loading");
      return fanwen.api("api/chunks/" + encodeURIComponent(hit.id) + "/similar", { params: { k: SIMILAR_K } })
        .then(function (data) {
          var others = (data.hits || []).filter(function (h) { return h.id !== hit.id; });
          if (!others.length) { ui.showMessage(status, "没有找到相似的段落。", "empty"); return; }
          ui.showMessage(status, "", "");
          panel.appendChild(el("div", { class: "hit-list" }, others.map(function (h) {
            return fanwen.renderHitCard(h, { nested: true, actions: ["copy", "context"] });
          })));
        });
    });
  }

  function contextBlock(kind, label, record, emptyText) {
    var block = el("div", { class: "ctx " + kind }, el("p", { class: "ctx-label" }, label));
    if (!record) {
      block.appendChild(el("p", { class: "ctx-none" }, emptyText));
      return block;
    }
    var heading = hits.headingPath(record);
    if (heading) block.appendChild(el("p", { class: "ctx-heading" }, heading));
    block.appendChild(el("p", { class: "text" }, hits.renderText(record.text, record.highlights, record.placeholders)));
    return block;
  }

  function context(button, hit, extra) {
    toggle(button, panelFor(extra, "context-panel"), function (panel, status) {
      ui.showMessage(status, "正在读取上下文…", "loading");
      return fanwen.api("api/chunks/" + encodeURIComponent(hit.id)).then(function (data) {
        ui.showMessage(status, "", "");
        var chunk = data.chunk || hit;
        var current = {
          text: chunk.text, heading_path: chunk.heading_path, heading: chunk.heading,
          placeholders: chunk.placeholders,
          // keep the query highlights when the chunk is the same text as the hit
          highlights: chunk.text === hit.text ? hit.highlights : chunk.highlights
        };
        panel.insertBefore(el("h3", { class: "panel-title" },
          "上下文 · " + fanwen.docLabel(chunk.doc || hit.doc, data.title || hit.title)), status);
        panel.appendChild(contextBlock("ctx-prev", "上一段", data.previous, "（已是文档开头）"));
        panel.appendChild(contextBlock("ctx-current", "本段", current, ""));
        panel.appendChild(contextBlock("ctx-next", "下一段", data.next, "（已是文档末尾）"));
      });
    });
  }

  fanwen.panels = { similar: similar, context: context };
})();
