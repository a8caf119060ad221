/* fanwen hit renderer shared by the page, the 提纲/查重 views and the add-in pane (window.FanwenHit). */
(function (global) {
  "use strict";

  // The one place role names live in JS: hit records carry role_label; search summaries and the
  // filter chips only have role keys. CHIP_ROLES are the roles offered as filters: every role.
  var ROLE_NAMES = {
    opening: "开头", achievements: "成效", problems: "问题",
    causes: "原因", plans: "措施", closing: "结尾"
  };
  var CHIP_ROLES = ["opening", "achievements", "problems", "causes", "plans", "closing"];
  // The server rates each hit on a scale that does not move with the view (relevance.py); the fused
  // score stays in the tooltip for whoever wants to see how the ranking came about.
  var RELEVANCE = { high: "高", medium: "中", low: "低" };
  var ALL_ROLES = "全部";
  var SLOT_TITLE = "待填写";

  function roleName(role) { return ROLE_NAMES[role] || role || ""; }

  function roleLabel(record) { return (record && (record.role_label || roleName(record.role))) || ""; }

  function isRole(role) { return Object.prototype.hasOwnProperty.call(ROLE_NAMES, role); }

  function headingPath(record) {
    if (Array.isArray(record.heading_path) && record.heading_path.length) return record.heading_path.join(" › ");
    return record.heading || "";
  }

  /** Valid [start, end) spans clipped to the text, sorted; with merge, overlapping ones joined. */
  function cleanSpans(spans, length, mergeTouching) {
    var out = [];
    (Array.isArray(spans) ? spans : []).forEach(function (span) {
      if (!Array.isArray(span) || span.length < 2) return;
      var s = Math.max(0, Math.min(length, Math.floor(Number(span[0]))));
      var e = Math.max(0, Math.min(length, Math.floor(Number(span[1]))));
      if (e > s) out.push([s, e]);  // NaN and empty spans fail this test
    });
    out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return out.reduce(function (acc, span) {
      var last = acc[acc.length - 1];
      if (last && (span[0] < last[1] || (mergeTouching && span[0] === last[1]))) last[1] = Math.max(last[1], span[1]);
      else acc.push(span.slice());
      return acc;
    }, []);
  }

  function indexAt(spans, offset) {
    for (var i = 0; i < spans.length; i++) if (spans[i][0] <= offset && offset < spans[i][1]) return i;
    return -1;
  }

  /**
   * The overlap rule, in one place. A placeholder is atomic: each placeholder span (overlapping
   * ones joined) is exactly one slot, never split or shortened by a highlight. A highlight that
   * overlaps a slot is cut at the slot's edges and its part inside the slot is marked inside the
   * slot. So a character is marked iff some highlight covers it, and in a slot iff some placeholder
   * does. Offsets are UTF-16 code units; bad spans are dropped, spans past the end are clipped.
   * Returns runs [{text, slot: index | -1, mark: bool}] in text order.
   */
  function segments(text, highlights, placeholders) {
    text = text === undefined || text === null ? "" : String(text);
    var n = text.length;
    var marks = cleanSpans(highlights, n, true);
    var slots = cleanSpans(placeholders, n, false);
    var cuts = [0, n];
    marks.concat(slots).forEach(function (s) { cuts.push(s[0], s[1]); });
    cuts.sort(function (a, b) { return a - b; });
    var runs = [];
    for (var i = 0; i + 1 < cuts.length; i++) {
      if (cuts[i] === cuts[i + 1]) continue;
      runs.push({ text: text.slice(cuts[i], cuts[i + 1]), slot: indexAt(slots, cuts[i]),
        mark: indexAt(marks, cuts[i]) >= 0 });
    }
    return runs;
  }

  /** DocumentFragment of text nodes, <mark> and <span class="slot"> following segments(). */
  function renderText(text, highlights, placeholders) {
    var frag = document.createDocumentFragment();
    var slotNode = null, slotIndex = -1;
    segments(text, highlights, placeholders).forEach(function (run) {
      if (run.slot < 0) slotNode = null;
      else if (!slotNode || run.slot !== slotIndex) {
        slotNode = frag.appendChild(document.createElement("span"));
        slotNode.className = "slot";
        slotNode.title = SLOT_TITLE;
        slotIndex = run.slot;
      }
      var parent = slotNode || frag;
      var last = parent.lastChild;
      if (run.mark && last && last.nodeName === "MARK") { last.appendChild(document.createTextNode(run.text)); return; }
      var node = run.mark ? document.createElement("mark") : document.createTextNode(run.text);
      if (run.mark) node.textContent = run.text;
      parent.appendChild(node);
    });
    frag.normalize();
    return frag;
  }

  function node(tag, className, text) {
    var out = document.createElement(tag);
    if (className) out.className = className;
    if (text !== undefined) out.textContent = text;
    return out;
  }

  function roleBadge(hit) {
    var role = hit.role || "";
    var badge = node("span", "role role-" + (role || "other"), roleLabel(hit));
    badge.title = "段落类型";
    badge.dataset.role = role;
    return badge;
  }

  /** <p class="source">: title › heading path. */
  function sourceLine(hit, title) {
    var source = node("p", "source");
    var name = source.appendChild(node("span", "doc-title", title || hit.title || hit.doc || ""));
    name.title = hit.doc || "";
    var heading = headingPath(hit);
    if (heading) {
      source.appendChild(node("span", "sep", " › ")).setAttribute("aria-hidden", "true");
      source.appendChild(node("span", "heading", heading));
    }
    return source;
  }

  function scoreBadge(hit) {
    var detail = ["综合得分 " + hit.score.toFixed(3)];
    if (typeof hit.similarity === "number") detail.push("语义相似度 " + hit.similarity.toFixed(3));
    if (hit.vector_rank) detail.push("语义排名 " + hit.vector_rank);
    if (hit.keyword_rank) detail.push("关键词排名 " + hit.keyword_rank);
    if (typeof hit.bigram_coverage === "number") detail.push("字面覆盖 " + Math.round(hit.bigram_coverage * 100) + "%");
    if (Array.isArray(hit.matched_terms) && hit.matched_terms.length) detail.push("命中：" + hit.matched_terms.join("、"));
    if (Array.isArray(hit.related_terms) && hit.related_terms.length) detail.push("相关词命中：" + hit.related_terms.join("、"));
    var level = RELEVANCE[hit.relevance];
    var score = node("span", "score" + (level ? " relevance relevance-" + hit.relevance : ""),
      level ? "相关度 " + level : hit.score.toFixed(3));
    score.title = detail.join("；");
    if (level) score.dataset.relevance = hit.relevance;
    return score;
  }

  /**
   * <article class="hit"> for one hit record: role label, title › heading path, score, the text
   * with marks and slots. options: title (label of the document), nested, actions (nodes for the
   * button bar).
   */
  function renderHit(hit, options) {
    options = options || {};
    var card = node("article", "hit" + (options.nested ? " hit-nested" : ""));
    card.dataset.id = hit.id;
    card.dataset.doc = hit.doc || "";
    card.dataset.role = hit.role || "";
    var head = card.appendChild(node("header", "hit-head"));
    if (roleLabel(hit)) head.appendChild(roleBadge(hit));
    head.appendChild(sourceLine(hit, options.title));
    if (typeof hit.score === "number") head.appendChild(scoreBadge(hit));
    card.appendChild(node("p", "text")).appendChild(renderText(hit.text, hit.highlights, hit.placeholders));
    var bar = card.appendChild(node("div", "hit-actions"));
    (options.actions || []).forEach(function (button) { bar.appendChild(button); });
    return card;
  }

  /** Filter chips for CHIP_ROLES (plus 全部) into a role="group" container. */
  function renderRoleChips(container, selected) {
    container.querySelectorAll(".chip").forEach(function (chip) { chip.remove(); });
    [""].concat(CHIP_ROLES).forEach(function (role) {
      var chip = container.appendChild(node("button", "chip", role ? roleName(role) : ALL_ROLES));
      chip.type = "button";
      chip.dataset.role = role;
      chip.setAttribute("aria-pressed", role === (selected || "") ? "true" : "false");
    });
  }

  /** Press the chips of `roles` (a role key or a list of them); 全部 when there is none. */
  function pressChip(container, roles) {
    var list = (Array.isArray(roles) ? roles : [roles]).filter(Boolean);
    container.querySelectorAll(".chip").forEach(function (chip) {
      var on = chip.dataset.role ? list.indexOf(chip.dataset.role) >= 0 : !list.length;
      chip.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  global.FanwenHit = {
    segments: segments, renderText: renderText, renderHit: renderHit, roleLabel: roleLabel,
    roleName: roleName, isRole: isRole, headingPath: headingPath, sourceLine: sourceLine, roleBadge: roleBadge,
    renderRoleChips: renderRoleChips, pressChip: pressChip, SLOT_TITLE: SLOT_TITLE, RELEVANCE: RELEVANCE
  };
})(window);
