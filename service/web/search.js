/* fanwen 检索 view: the query form, role chips, document filter and the result list. */
(function () {
  "use strict";

  var fanwen = window.fanwen, ui = window.FanwenUi, hits = window.FanwenHit;
  var el = ui.el, state = fanwen.state;
  var MSG = {
    emptyQuery: "请输入要检索的内容，例如：问题原因 党建业务融合。",
    loading: "正在检索…",
    noHits: "没有找到匹配的范文段落。可以换个说法，或取消段落类型、文档筛选后再试。",
    weak: "未找到与“{q}”直接相关的段落，以下是最接近的段落。",
    roleQuery: "段落类型按检索词：{roles}。点选其他类型会替换它，点“全部”恢复。",
    roleFilter: "段落类型按筛选：{roles}（替换检索词中的段落类型）。点“全部”取消筛选。",
    nearLimit: "已输入 {n} / {max} 字，接近上限。",
    overLimit: "已输入 {n} 字，超过 {max} 字上限，检索会被拒绝，请删减。"
  };
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }
  var K_STEP = 10;
  var seq = 0, abort = null, stale = false;

  function $(id) { return document.getElementById(id); }

  function syncControls() {
    var q = $("q");
    if (q.value !== state.q) q.value = state.q;
    hits.pressChip(document.querySelector("#view-search .chips"), state.role);
    showRoleNote(null);
    fillDocFilter();
    document.title = state.q ? state.q + " · 范文检索" : "范文检索 · fanwen";
  }

  // data-state (idle | loading | done | empty | error) and data-seq (one per search) let tests
  // and other scripts wait for a search to finish.
  function setResultsState(value) {
    var results = $("results");
    results.dataset.state = value;
    results.dataset.seq = String(seq);
    results.setAttribute("aria-busy", value === "loading" ? "true" : "false");
  }

  function run(options) {
    options = options || {};
    if (abort) abort.abort();
    var mine = ++seq;
    stale = false;
    fanwen.writeUrl(!!options.push);
    syncControls();
    ui.clear($("results"));
    if (!state.q) {
      ui.showMessage($("message"), MSG.emptyQuery, "info");
      setResultsState("idle");
      return Promise.resolve(null);
    }
    ui.showMessage($("message"), MSG.loading, "loading");
    setResultsState("loading");
    abort = new AbortController();
    // A link may carry a k above the server's max_k (pages add up): ask for what the server allows.
    return fanwen.limits().then(function (limits) {
      return fetchPage(0, Math.min(state.k, limits.max_k || state.k));
    }).then(function (data) {
      if (mine === seq) renderResults(data);
      return mine === seq ? data : null;
    }, function (error) {
      if (mine !== seq || (error && error.name === "AbortError")) return null;
      ui.clear($("results"));
      ui.showMessage($("message"), "检索失败：" + error.message, "error");
      setResultsState("error");
      return null;
    });
  }

  function fetchPage(offset, k) {
    return fanwen.api("api/search", {
      params: { q: state.q, k: k, offset: offset || undefined, role: state.role, doc: state.doc }, signal: abort.signal
    });
  }

  function summary(data, count) {
    var parts = ["找到 " + count + " 个段落" + (data.more ? "，还有更多" : "")];
    if (Array.isArray(data.terms) && data.terms.length) parts.push("关键词：" + data.terms.join("、"));
    return parts.join(" · ");
  }

  /** The chips show the roles the server applied; the note says where they came from. */
  function showRoleNote(data) {
    var roles = data && Array.isArray(data.roles) ? data.roles : [];
    var note = $("role-note"), names = roles.map(hits.roleName).join("、");
    if (data) hits.pressChip(document.querySelector("#view-search .chips"), roles);
    var text = !roles.length ? "" : fill(data.role_source === "filter" ? MSG.roleFilter : MSG.roleQuery, { roles: names });
    ui.showMessage(note, text, "info");
  }

  function renderResults(data) {
    var results = $("results");
    var list = Array.isArray(data.hits) ? data.hits : [];
    ui.clear(results);
    showRoleNote(data);
    results.dataset.weak = data.weak ? "true" : "false";
    if (!list.length) {
      ui.showMessage($("message"), MSG.noHits, "empty");
      setResultsState("empty");
      return;
    }
    showSummary(data, list.length);
    list.forEach(function (hit) { results.appendChild(card(hit)); });
    if (data.more) results.appendChild(moreButton());
    setResultsState("done");
  }

  function showSummary(data, count) {
    var text = summary(data, count);
    if (data.weak) text = fill(MSG.weak, { q: state.q }) + " " + text;
    ui.showMessage($("message"), text, data.weak ? "warn" : "success");
  }

  /** 显示更多: the next page (offset = hits shown), appended; k in the URL grows so a reload shows them all. */
  function moreButton() {
    var more = el("button", { type: "button", class: "btn btn-more", id: "more-results" }, "显示更多结果");
    more.addEventListener("click", function () {
      var results = $("results"), mine = seq, shown = results.querySelectorAll(":scope > .hit").length;
      ui.busy(more, true);
      setResultsState("loading");
      fetchPage(shown, K_STEP).then(function (data) {
        if (mine !== seq) return;
        more.remove();
        (data.hits || []).forEach(function (hit) { results.appendChild(card(hit)); });
        state.k = results.querySelectorAll(":scope > .hit").length;
        fanwen.writeUrl(false);
        showSummary(data, state.k);
        if (data.more) results.appendChild(moreButton());
        setResultsState("done");
      }, function (error) {
        if (mine !== seq || (error && error.name === "AbortError")) return;
        ui.busy(more, false);
        ui.showMessage($("message"), "加载更多失败：" + error.message, "error");
        setResultsState("error");
      });
    });
    return more;
  }

  /** Warn before the query reaches the server's max_query_chars (GET /api/health limits). */
  function watchLength() {
    var q = $("q"), hint = $("q-limit");
    fanwen.limits().then(function (limits) {
      var max = limits.max_query_chars;
      if (!max) return;
      var check = function () {
        var n = q.value.length, values = { n: n, max: max };
        var text = n > max ? fill(MSG.overLimit, values) : n >= max * 0.9 ? fill(MSG.nearLimit, values) : "";
        ui.showMessage(hint, text, "warn");
      };
      q.addEventListener("input", check);
      check();
    });
  }

  /* ---------- one result card: the shared renderer plus this view's buttons ---------- */

  function button(className, text, attrs) {
    var b = el("button", { type: "button", class: "btn btn-small " + className }, text);
    Object.keys(attrs || {}).forEach(function (name) { b.setAttribute(name, attrs[name]); });
    return b;
  }

  /** actions: "copy" | "similar" | "context" (default all three); nested: inside another card. */
  function card(hit, options) {
    options = options || {};
    var actions = options.actions || ["copy", "similar", "context"];
    var extra = el("div", { class: "hit-extra" });
    var bar = [];
    if (actions.indexOf("copy") >= 0) {
      var copy = button("btn-copy", "复制", { title: "复制段落原文" });
      copy.addEventListener("click", function () { onCopy(copy, hit.text); });
      bar.push(copy);
    }
    [["similar", "btn-similar", "更多相似"], ["context", "btn-context", "上下文"]].forEach(function (a) {
      if (actions.indexOf(a[0]) < 0) return;
      var b = button(a[1], a[2], { "aria-expanded": "false" });
      b.addEventListener("click", function () { fanwen.panels[a[0]](b, hit, extra); });
      bar.push(b);
    });
    var node = hits.renderHit(hit, { title: fanwen.docLabel(hit.doc, hit.title), nested: options.nested, actions: bar });
    node.appendChild(extra);
    return node;
  }

  function onCopy(button, text) {
    ui.copyText(text).then(function (ok) {
      button.textContent = ok ? "已复制" : "复制失败";
      button.classList.toggle("is-done", ok);
      button.classList.toggle("is-failed", !ok);
      ui.announce(ok ? "段落已复制到剪贴板" : "复制失败，请手动选择文字复制");
      window.clearTimeout(button._resetTimer);
      button._resetTimer = window.setTimeout(function () {
        button.textContent = "复制";
        button.classList.remove("is-done", "is-failed");
      }, 2000);
    });
  }

  /* ---------- filters ---------- */

  function fillDocFilter() {
    var select = $("doc-filter");
    var wanted = state.doc, known = false;
    ui.clear(select);
    select.appendChild(el("option", { value: "" }, "全部文档"));
    (fanwen.documents || []).forEach(function (d) {
      if (d.id === wanted) known = true;
      select.appendChild(el("option", { value: d.id }, fanwen.docLabel(d.id, d.title)));
    });
    if (wanted && !known) {
      // A shared link may name a document this server does not list (yet); keep the filter visible.
      select.appendChild(el("option", { value: wanted }, "文档 " + wanted));
    }
    select.value = wanted;
  }

  function searchWith(change) {
    change();
    state.q = $("q").value.trim();
    return run({ push: true });
  }

  function init() {
    var chips = document.querySelector("#view-search .chips");
    hits.renderRoleChips(chips, state.role);
    $("search-form").addEventListener("submit", function (event) {
      event.preventDefault();
      searchWith(function () { state.k = fanwen.DEFAULT_K; });
    });
    watchLength();
    chips.addEventListener("click", function (event) {
      var chip = event.target.closest(".chip");
      if (chip) searchWith(function () { state.role = chip.dataset.role || ""; });
    });
    $("doc-filter").addEventListener("change", function (event) {
      searchWith(function () { state.doc = event.target.value; });
    });
    document.addEventListener("fanwen:documents", fillDocFilter);
    document.addEventListener("fanwen:corpus", function () { stale = true; });
    document.addEventListener("fanwen:start", function () { run({ push: false }); });
    syncControls();
  }

  function show() { if (stale && state.q) run({ push: false }); }

  fanwen.views.search = { init: init, show: show, run: run };
  fanwen.renderHitCard = card;
  fanwen.search = function (q, filters) {
    if (q !== undefined) state.q = String(q).trim();
    if (filters && filters.role !== undefined) state.role = filters.role;
    if (filters && filters.doc !== undefined) state.doc = filters.doc;
    fanwen.showView("search");
    return run({ push: true });
  };
})();
