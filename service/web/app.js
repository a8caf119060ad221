/* fanwen page shell: URL state, tabs, health line and window.fanwen, which the view files register with. */
(function () {
  "use strict";

  /*
   * window.fanwen, for the view files (search.js, docs.js, draft.js, check.js) and for tests:
   *   fanwen.client                    FanwenApi client (sends the API key kept by the 文档管理 view)
   *   fanwen.api(path, options)        = fanwen.client.request
   *   fanwen.limits()                  Promise of GET api/health's limits ({} when health fails)
   *   fanwen.renderHit / renderText    the shared hit renderer (hit.js)
   *   fanwen.state                     {q, role, doc, k, view}, mirrored in the URL
   *   fanwen.views[name] = {init(), show()}; fanwen.showView(name)
   * Events on document: "fanwen:view" (detail.view), "fanwen:documents" (detail.documents).
   */
  var VIEWS = ["search", "docs", "draft", "check"];
  var DEFAULT_K = 10;
  var NO_EXEMPLARS = ["docs"];  // views without exemplar text: the footer's XX legend means nothing there
  var KEY_STORAGE = "fanwen.apiKey";
  var ui = window.FanwenUi;

  function apiKey() {
    var input = document.getElementById("api-key");
    return (input && input.value.trim()) || ui.store(KEY_STORAGE);
  }

  var client = window.FanwenApi.createClient({ apiKey: apiKey });
  var state = { q: "", role: "", doc: "", k: DEFAULT_K, view: "search" };

  /* ---------- URL ---------- */

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    state.q = params.get("q") || "";
    var role = params.get("role") || "";
    state.role = window.FanwenHit.isRole(role) ? role : "";
    state.doc = params.get("doc") || "";
    var k = parseInt(params.get("k") || "", 10);
    state.k = k >= 1 ? k : DEFAULT_K;  // the server says when k is above its max_k
    var view = window.location.hash.replace(/^#/, "");
    state.view = VIEWS.indexOf(view) >= 0 ? view : "search";
  }

  function writeUrl(push) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.role) params.set("role", state.role);
    if (state.doc) params.set("doc", state.doc);
    if (state.k !== DEFAULT_K) params.set("k", String(state.k));
    var qs = params.toString();
    var url = window.location.pathname + (qs ? "?" + qs : "") +
      (state.view !== "search" ? "#" + state.view : "");
    if (url === window.location.pathname + window.location.search + window.location.hash) return;
    if (push) window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  }

  /* ---------- health ---------- */

  function loadHealth() {
    var node = document.getElementById("health");
    return client.health().then(function (data) {
      var parts = [];
      if (data.documents !== undefined) parts.push(data.documents + " 篇文档");
      if (data.chunks !== undefined) parts.push(data.chunks + " 个段落");
      node.textContent = parts.join(" · ");
      node.title = data.model ? "向量模型：" + data.model : "";
      node.dataset.kind = data.status === "ok" ? "ok" : "warn";
    }, function (error) {
      node.textContent = "服务状态未知";
      node.title = error.message;
      node.dataset.kind = "error";
    });
  }

  /* ---------- tabs ---------- */

  function showView(name, options) {
    options = options || {};
    if (VIEWS.indexOf(name) < 0) name = "search";
    state.view = name;
    document.querySelectorAll('[role="tab"][data-view]').forEach(function (tab) {
      var selected = tab.dataset.view === name;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
      if (selected && options.focus) tab.focus();
    });
    if (options.updateUrl !== false) writeUrl(false);
    var footer = document.getElementById("site-footer");
    if (footer) footer.hidden = NO_EXEMPLARS.indexOf(name) >= 0;
    var view = fanwen.views[name];
    if (view && view.show) view.show();
    document.dispatchEvent(new CustomEvent("fanwen:view", { detail: { view: name } }));
  }

  var TAB_KEYS = {
    ArrowRight: function (i, n) { return (i + 1) % n; },
    ArrowLeft: function (i, n) { return (i - 1 + n) % n; },
    Home: function () { return 0; },
    End: function (i, n) { return n - 1; }
  };

  function initTabs() {
    var tabs = Array.prototype.slice.call(document.querySelectorAll('[role="tab"][data-view]'));
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { showView(tab.dataset.view); });
      tab.addEventListener("keydown", function (event) {
        var move = TAB_KEYS[event.key];
        if (!move) return;
        event.preventDefault();
        showView(tabs[move(index, tabs.length)].dataset.view, { focus: true });
      });
    });
  }

  /* ---------- start ---------- */

  function isInPageAnchor() {
    // #source-1 in the 查重 view is an anchor inside the current view, not a view to switch to
    var hash = window.location.hash.replace(/^#/, "");
    return hash !== "" && VIEWS.indexOf(hash) < 0;
  }

  function onNavigate() {
    if (isInPageAnchor()) return;
    var before = [state.q, state.role, state.doc, state.k].join("\u0000");
    readUrl();
    showView(state.view, { updateUrl: false });
    var search = fanwen.views.search;
    if (search && before !== [state.q, state.role, state.doc, state.k].join("\u0000")) search.run({ push: false });
  }

  function start() {
    readUrl();
    initTabs();
    VIEWS.forEach(function (name) {
      var view = fanwen.views[name];
      if (view && view.init) view.init();
    });
    showView(state.view, { updateUrl: false });
    window.addEventListener("popstate", onNavigate);
    window.addEventListener("hashchange", function () {
      if (isInPageAnchor()) return;
      readUrl();
      showView(state.view, { updateUrl: false });
    });
    loadHealth();
    document.dispatchEvent(new CustomEvent("fanwen:start"));
  }

  var fanwen = window.fanwen = {
    client: client,
    api: client.request,
    apiUrl: client.url,
    ApiError: window.FanwenApi.ApiError,
    limits: client.limits,
    loadHealth: loadHealth,
    renderHit: window.FanwenHit.renderHit,
    renderText: window.FanwenHit.renderText,
    state: state,
    DEFAULT_K: DEFAULT_K,
    KEY_STORAGE: KEY_STORAGE,
    views: {},
    showView: showView,
    writeUrl: writeUrl,
    docLabel: function (docId, title) { return title || docId || ""; }  // docs.js knows better
  };

  document.addEventListener("DOMContentLoaded", start);
})();
