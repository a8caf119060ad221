/* fanwen 检索 view: the query form, role chips, document filter and the result list. */
(function () {
  "use strict";

  var fanwen = window.fanwen, ui = window.FanwenUi, hits = window.FanwenHit;
  var el = ui.el, state = fanwen.state;
  var MSG = {
    emptyQuery: "请输入要检索的内容，例如：问题原因 党建业务融合。",
    loading: "正在检索…",
    noHits: "没有找到匹配的范文段落。可以换个说法，或取消段落类型、文档筛选后再试。"
  };
  var K_STEP = 10;
  var seq = 0, abort = null, stale = false;

  function $(id) { return document.getElementById(id); }

  function syncControls() {
    var q = $("q");
    if (q.value !== state.q) q.value = state.q;
    hits.pressChip(document.querySelector("#view-search .chips"), state.role);
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
    return fanwen.api("api/search", {
      params: { q: state.q, k: state.k, role: state.role, doc: state.doc }, signal: abort.signal
    }).then(function (data) {
      if (mine !== seq) return null;
      return fanwen.limits().then(function (limits) { if (mine === seq) renderResults(data, limits); return data; });
    }, function (error) {
      if (mine !== seq || (error && error.name === "AbortError")) return null;
      ui.clear($("results"));
      ui.showMessage($("message"), "检索失败：" + error.message, "error");
      setResultsState("error");
      return null;
    });
  }

  function summary(data, count) {
    var parts = ["找到 " + count + " 个段落"];
    if (Array.isArray(data.roles) && data.roles.length) parts.push("段落类型：" + data.roles.map(hits.roleName).join("、"));
    if (Array.isArray(data.terms) && data.terms.length) parts.push("关键词：" + data.terms.join("、"));
    return parts.join(" · ");
  }

  function renderResults(data, limits) {
    var results = $("results");
    var list = Array.isArray(data.hits) ? data.hits : [];
    ui.clear(results);
    if (!list.length) {
      ui.showMessage($("message"), MSG.noHits, "empty");
      setResultsState("empty");
      return;
    }
    ui.showMessage($("message"), summary(data, list.length), "success");
    list.forEach(function (hit) { results.appendChild(card(hit)); });
    var maxK = limits.max_k || Infinity;  // unknown limit: the server answers if k is too large
    if (list.length >= state.k && state.k < maxK) results.appendChild(moreButton(maxK));
    setResultsState("done");
  }

  function moreButton(maxK) {
    var more = el("button", { type: "button", class: "btn btn-more", id: "more-results" }, "显示更多结果");
    more.addEventListener("click", function () {
      state.k = Math.min(maxK, state.k + K_STEP);
      run({ push: false });
    });
    return more;
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
