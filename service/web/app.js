/* fanwen search page: plain JS, no framework, no build step.
 *
 * Everything other scripts may reuse is exported as window.fanwen (see the bottom of this file):
 *   fanwen.api(path, options)        -> Promise<data>, throws fanwen.ApiError with a Chinese message
 *   fanwen.renderHit(hit, options)   -> <article class="hit"> for one hit record
 *   fanwen.renderText(text, highlights, placeholders) -> DocumentFragment (marks and slots)
 *   fanwen.copyText(text)            -> Promise<boolean>
 *   fanwen.showMessage(element, text, kind)
 *   fanwen.showView(name)            ("search" | "docs" | "draft" | "check")
 *   fanwen.documents                 (last list from GET /api/documents)
 * Events on document: "fanwen:view" (detail.view) when a tab is shown,
 * "fanwen:documents" (detail.documents) after the document list changed.
 * All text goes into the page with textContent / text nodes; nothing uses innerHTML.
 */
(function () {
  "use strict";

  var ROLE_LABELS = {
    opening: "开头", achievements: "成效", problems: "问题",
    causes: "原因", plans: "措施", closing: "结尾"
  };
  var VIEWS = ["search", "docs", "draft", "check"];
  var DEFAULT_K = 10;
  var MAX_K = 100;
  var KEY_STORAGE = "fanwen.apiKey";
  var UPLOAD_EXTENSIONS = [".txt", ".md", ".docx", ".pdf"];

  var MSG = {
    network: "无法连接到检索服务，请检查网络或确认服务已启动后重试。",
    badResponse: "服务器返回了无法识别的数据。",
    emptyQuery: "请输入要检索的内容，例如：问题原因 党建业务融合。",
    loading: "正在检索…",
    noHits: "没有找到匹配的范文段落。可以换个说法，或取消段落类型、文档筛选后再试。",
    copied: "已复制",
    copyFailed: "复制失败",
    slotTitle: "待填写"
  };

  /* ---------- base URL and API ---------- */

  // The page lives at <base>/ and this script at <base>/static/app.js; API paths are relative to <base>/.
  var BASE = (function () {
    try {
      var src = document.currentScript && document.currentScript.src;
      if (src && /\/static\/[^/]*$/.test(new URL(src).pathname)) {
        return new URL("..", src).href;
      }
    } catch (e) { /* fall through */ }
    return new URL(".", document.baseURI).href;
  })();

  function apiUrl(path, params) {
    var url = new URL(String(path).replace(/^\/+/, ""), BASE);
    if (params) {
      Object.keys(params).forEach(function (name) {
        var value = params[name];
        var values = Array.isArray(value) ? value : [value];
        values.forEach(function (v) {
          if (v !== undefined && v !== null && v !== "") url.searchParams.append(name, String(v));
        });
      });
    }
    return url.href;
  }

  function ApiError(message, status, code) {
    this.name = "ApiError";
    this.message = message;
    this.status = status || 0;
    this.code = code || "";
  }
  ApiError.prototype = Object.create(Error.prototype);
  ApiError.prototype.constructor = ApiError;

  /** fetch + JSON + the shared error shape. options: method, params, json, form, headers, signal. */
  function api(path, options) {
    options = options || {};
    var headers = { "Accept": "application/json" };
    Object.keys(options.headers || {}).forEach(function (name) {
      if (options.headers[name]) headers[name] = options.headers[name];
    });
    var init = { method: options.method || "GET", headers: headers, signal: options.signal };
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.json);
    } else if (options.form) {
      init.body = options.form;  // FormData: the browser sets the multipart boundary
    }
    return fetch(apiUrl(path, options.params), init).then(function (response) {
      return response.text().then(function (body) {
        var data = null;
        if (body) {
          try { data = JSON.parse(body); } catch (e) { data = undefined; }
        }
        if (!response.ok) {
          var err = data && data.error;
          var message = err && typeof err.message === "string" && err.message
            ? err.message
            : "请求失败（HTTP " + response.status + "）。";
          throw new ApiError(message, response.status, err && err.code);
        }
        if (data === undefined) throw new ApiError(MSG.badResponse, response.status, "bad_response");
        return data || {};
      });
    }, function (error) {
      if (error && error.name === "AbortError") throw error;
      throw new ApiError(MSG.network, 0, "network");
    });
  }

  /* ---------- small DOM helpers ---------- */

  function $(selector, root) { return (root || document).querySelector(selector); }

  /** el("span", {class: "x", title: "y", dataset: {id: 1}}, "text", childNode, …) */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === undefined || value === null || value === false) return;
        if (name === "class") node.className = value;
        else if (name === "dataset") Object.keys(value).forEach(function (k) { node.dataset[k] = value[k]; });
        else if (name === "text") node.textContent = value;
        else node.setAttribute(name, value === true ? "" : String(value));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(parent, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); return; }
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /** kind: "info" | "loading" | "empty" | "error" | "success" | "" (hide) */
  function showMessage(node, text, kind) {
    if (!node) return;
    clear(node);
    node.dataset.kind = kind || "";
    node.hidden = !text;
    if (text) append(node, text);
  }

  var announcer = null;
  function announce(text) {
    if (!announcer) {
      announcer = el("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function roleLabel(role, label) {
    return label || ROLE_LABELS[role] || role || "";
  }

  function truncate(text, n) {
    text = String(text || "");
    return text.length > n ? text.slice(0, n) + "…" : text;
  }

  /* ---------- text with highlights and placeholders ---------- */

  function normaliseSpans(spans, length) {
    var out = [];
    if (!Array.isArray(spans)) return out;
    spans.forEach(function (span) {
      if (!Array.isArray(span) || span.length < 2) return;
      var s = Math.max(0, Math.min(length, Math.floor(Number(span[0]))));
      var e = Math.max(0, Math.min(length, Math.floor(Number(span[1]))));
      if (e > s) out.push([s, e]);  // NaN and empty spans fail this test
    });
    out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return out;
  }

  function coveringIndex(spans, a, b) {
    for (var i = 0; i < spans.length; i++) {
      if (spans[i][0] <= a && b <= spans[i][1]) return i;
    }
    return -1;
  }

  /**
   * Text split at every span boundary. Placeholder runs become <span class="slot">, highlight runs
   * <mark>; where they overlap the mark sits inside the slot (a slot is never split by a mark).
   * Offsets are UTF-16 code units, as the API promises. Bad or overlapping spans are tolerated.
   */
  function renderText(text, highlights, placeholders) {
    text = text === undefined || text === null ? "" : String(text);
    var n = text.length;
    var marks = normaliseSpans(highlights, n);
    var slots = normaliseSpans(placeholders, n);
    var cuts = [0, n];
    marks.concat(slots).forEach(function (s) { cuts.push(s[0], s[1]); });
    cuts = cuts.sort(function (a, b) { return a - b; })
      .filter(function (v, i, arr) { return i === 0 || v !== arr[i - 1]; });

    var frag = document.createDocumentFragment();
    var slotNode = null, slotIndex = -1, markNode = null;
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      var piece = text.slice(a, b);
      var si = coveringIndex(slots, a, b);
      var inMark = coveringIndex(marks, a, b) >= 0;
      var container;
      if (si >= 0) {
        if (!slotNode || si !== slotIndex) {
          slotNode = el("span", { class: "slot", title: MSG.slotTitle });
          slotIndex = si;
          frag.appendChild(slotNode);
          markNode = null;
        }
        container = slotNode;
      } else {
        if (slotNode) { slotNode = null; slotIndex = -1; markNode = null; }
        container = frag;
      }
      if (inMark) {
        if (!markNode) { markNode = document.createElement("mark"); container.appendChild(markNode); }
        markNode.appendChild(document.createTextNode(piece));
      } else {
        markNode = null;
        container.appendChild(document.createTextNode(piece));
      }
    }
    frag.normalize();
    return frag;
  }

  /* ---------- documents (titles for labels and the filter) ---------- */

  var documents = [];
  var docLabels = {};

  function fileStem(path) {
    var name = String(path || "").split(/[\\/]/).pop();
    return name.replace(/\.[^.]+$/, "");
  }

  function computeDocLabels() {
    var counts = {};
    documents.forEach(function (d) { var t = d.title || d.id; counts[t] = (counts[t] || 0) + 1; });
    docLabels = {};
    documents.forEach(function (d) {
      var t = d.title || d.id;
      if (counts[t] > 1) {
        // Several reports share a generic title: the file name tells them apart.
        var extra = fileStem(d.path) || d.id;
        if (extra && extra.indexOf(t) >= 0) docLabels[d.id] = extra;
        else docLabels[d.id] = t + "（" + (extra && extra !== t ? extra : d.id) + "）";
      } else {
        docLabels[d.id] = t;
      }
    });
  }

  function docLabel(docId, title) {
    return docLabels[docId] || title || docId || "";
  }

  /* ---------- hit cards ---------- */

  /**
   * options.actions: list of "copy" | "similar" | "context" (default all three)
   * options.nested: true for hits shown inside another card's panel
   */
  function renderHit(hit, options) {
    options = options || {};
    var actions = options.actions || ["copy", "similar", "context"];
    var headingPath = Array.isArray(hit.heading_path) && hit.heading_path.length
      ? hit.heading_path.join(" › ")
      : (hit.heading || "");
    var role = hit.role || "";

    var card = el("article", {
      class: "hit" + (options.nested ? " hit-nested" : ""),
      dataset: { id: hit.id, doc: hit.doc || "", role: role }
    });

    var source = el("p", { class: "source" },
      el("span", { class: "doc-title", title: hit.doc || "" }, docLabel(hit.doc, hit.title)));
    if (headingPath) {
      append(source, [el("span", { class: "sep", "aria-hidden": "true" }, " › "),
        el("span", { class: "heading" }, headingPath)]);
    }
    var head = el("header", { class: "hit-head" });
    if (role || hit.role_label) {
      append(head, el("span", { class: "role role-" + (role || "other"), title: "段落类型" },
        roleLabel(role, hit.role_label)));
    }
    append(head, source);
    if (typeof hit.score === "number") {
      var detail = ["综合得分 " + hit.score.toFixed(3)];
      if (hit.vector_rank) detail.push("语义排名 " + hit.vector_rank);
      if (hit.keyword_rank) detail.push("关键词排名 " + hit.keyword_rank);
      if (Array.isArray(hit.matched_terms) && hit.matched_terms.length) {
        detail.push("命中：" + hit.matched_terms.join("、"));
      }
      append(head, el("span", { class: "score", title: detail.join("；") }, hit.score.toFixed(3)));
    }
    card.appendChild(head);

    var textNode = el("p", { class: "text" });
    textNode.appendChild(renderText(hit.text, hit.highlights, hit.placeholders));
    card.appendChild(textNode);

    var bar = el("div", { class: "hit-actions" });
    var extra = el("div", { class: "hit-extra" });
    if (actions.indexOf("copy") >= 0) {
      var copyBtn = el("button", { type: "button", class: "btn btn-small btn-copy", title: "复制段落原文" }, "复制");
      copyBtn.addEventListener("click", function () { onCopy(copyBtn, hit.text); });
      bar.appendChild(copyBtn);
    }
    if (actions.indexOf("similar") >= 0) {
      var simBtn = el("button", { type: "button", class: "btn btn-small btn-similar", "aria-expanded": "false" }, "更多相似");
      simBtn.addEventListener("click", function () { toggleSimilar(simBtn, hit, extra); });
      bar.appendChild(simBtn);
    }
    if (actions.indexOf("context") >= 0) {
      var ctxBtn = el("button", { type: "button", class: "btn btn-small btn-context", "aria-expanded": "false" }, "上下文");
      ctxBtn.addEventListener("click", function () { toggleContext(ctxBtn, hit, extra); });
      bar.appendChild(ctxBtn);
    }
    card.appendChild(bar);
    card.appendChild(extra);
    return card;
  }

  /* ---------- copy ---------- */

  function copyText(text) {
    text = String(text === undefined || text === null ? "" : text);
    var viaClipboard = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text).then(function () { return true; }, function () { return false; })
      : Promise.resolve(false);
    return viaClipboard.then(function (ok) { return ok || copyWithTextarea(text); });
  }

  function copyWithTextarea(text) {
    var active = document.activeElement;
    var area = el("textarea", { readonly: true, "aria-hidden": "true", class: "copy-buffer" });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (active && active.focus) active.focus();
    return ok;
  }

  function onCopy(button, text) {
    copyText(text).then(function (ok) {
      var label = ok ? MSG.copied : MSG.copyFailed;
      button.textContent = label;
      button.classList.toggle("is-done", ok);
      button.classList.toggle("is-failed", !ok);
      announce(ok ? "段落已复制到剪贴板" : "复制失败，请手动选择文字复制");
      window.clearTimeout(button._resetTimer);
      button._resetTimer = window.setTimeout(function () {
        button.textContent = "复制";
        button.classList.remove("is-done", "is-failed");
      }, 2000);
    });
  }

  /* ---------- similar and context panels ---------- */

  function panelFor(extra, kind) {
    var panel = extra.querySelector(":scope > ." + kind);
    if (!panel) {
      panel = el("section", { class: "hit-panel " + kind, id: "p-" + kind + "-" + (++panelCounter) });
      extra.appendChild(panel);
    }
    return panel;
  }
  var panelCounter = 0;

  function togglePanel(button, panel, load) {
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-controls", panel.id);
    if (open) {
      button.setAttribute("aria-expanded", "false");
      panel.hidden = true;
      return;
    }
    button.setAttribute("aria-expanded", "true");
    panel.hidden = false;
    if (panel.dataset.loaded !== "true") {
      panel.dataset.loaded = "loading";
      load().then(function () { panel.dataset.loaded = "true"; },
        function () { panel.dataset.loaded = "false"; });
    }
  }

  function toggleSimilar(button, hit, extra) {
    var panel = panelFor(extra, "similar-panel");
    togglePanel(button, panel, function () {
      clear(panel);
      panel.appendChild(el("h3", { class: "panel-title" }, "与“" + truncate(hit.text, 24) + "”相似的段落"));
      var status = el("p", { class: "message", role: "status" });
      panel.appendChild(status);
      showMessage(status, "正在查找相似段落…", "loading");
      return api("api/chunks/" + encodeURIComponent(hit.id) + "/similar", { params: { k: 5 } })
        .then(function (data) {
          var hits = (data.hits || []).filter(function (h) { return h.id !== hit.id; });
          if (!hits.length) { showMessage(status, "没有找到相似的段落。", "empty"); return; }
          showMessage(status, "", "");
          var list = el("div", { class: "hit-list" });
          hits.forEach(function (h) {
            list.appendChild(renderHit(h, { nested: true, actions: ["copy", "context"] }));
          });
          panel.appendChild(list);
        }, function (error) {
          showMessage(status, error.message, "error");
          throw error;
        });
    });
  }

  function contextBlock(kind, label, record, emptyText) {
    var block = el("div", { class: "ctx " + kind });
    block.appendChild(el("p", { class: "ctx-label" }, label));
    if (!record) {
      block.appendChild(el("p", { class: "ctx-none" }, emptyText));
      return block;
    }
    var heading = Array.isArray(record.heading_path) ? record.heading_path.join(" › ") : (record.heading || "");
    if (heading) block.appendChild(el("p", { class: "ctx-heading" }, heading));
    var text = el("p", { class: "text" });
    text.appendChild(renderText(record.text, record.highlights, record.placeholders));
    block.appendChild(text);
    return block;
  }

  function toggleContext(button, hit, extra) {
    var panel = panelFor(extra, "context-panel");
    togglePanel(button, panel, function () {
      clear(panel);
      var status = el("p", { class: "message", role: "status" });
      panel.appendChild(status);
      showMessage(status, "正在读取上下文…", "loading");
      return api("api/chunks/" + encodeURIComponent(hit.id)).then(function (data) {
        showMessage(status, "", "");
        var chunk = data.chunk || hit;
        var current = {
          text: chunk.text, heading_path: chunk.heading_path, heading: chunk.heading,
          placeholders: chunk.placeholders,
          // keep the query highlights when the chunk is the same text as the hit
          highlights: chunk.text === hit.text ? hit.highlights : chunk.highlights
        };
        panel.insertBefore(el("h3", { class: "panel-title" },
          "上下文 · " + docLabel(chunk.doc || hit.doc, data.title || hit.title)), status);
        panel.appendChild(contextBlock("ctx-prev", "上一段", data.previous, "（已是文档开头）"));
        panel.appendChild(contextBlock("ctx-current", "本段", current, ""));
        panel.appendChild(contextBlock("ctx-next", "下一段", data.next, "（已是文档末尾）"));
      }, function (error) {
        showMessage(status, error.message, "error");
        throw error;
      });
    });
  }

  /* ---------- search view ---------- */

  var state = { q: "", role: "", doc: "", k: DEFAULT_K, view: "search" };
  var searchSeq = 0;
  var searchAbort = null;
  var searchStale = false;

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    state.q = params.get("q") || "";
    var role = params.get("role") || "";
    state.role = ROLE_LABELS.hasOwnProperty(role) ? role : "";
    state.doc = params.get("doc") || "";
    var k = parseInt(params.get("k") || "", 10);
    state.k = k >= 1 && k <= MAX_K ? k : DEFAULT_K;
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

  function syncControls() {
    var q = $("#q");
    if (q && q.value !== state.q) q.value = state.q;
    document.querySelectorAll(".chip[data-role]").forEach(function (chip) {
      chip.setAttribute("aria-pressed", chip.dataset.role === state.role ? "true" : "false");
    });
    fillDocFilter();
    document.title = state.q ? state.q + " · 范文检索" : "范文检索 · fanwen";
  }

  // data-state (idle | loading | done | empty | error) and data-seq (one per search) let tests
  // and other scripts wait for a search to finish.
  function setResultsState(value) {
    var results = $("#results");
    results.dataset.state = value;
    results.dataset.seq = String(searchSeq);
    results.setAttribute("aria-busy", value === "loading" ? "true" : "false");
  }

  function search(options) {
    options = options || {};
    var results = $("#results");
    var message = $("#message");
    if (searchAbort) searchAbort.abort();
    searchAbort = null;
    var seq = ++searchSeq;
    searchStale = false;
    writeUrl(!!options.push);
    syncControls();

    clear(results);
    if (!state.q) {
      showMessage(message, MSG.emptyQuery, "info");
      setResultsState("idle");
      return Promise.resolve(null);
    }
    showMessage(message, MSG.loading, "loading");
    setResultsState("loading");
    var controller = window.AbortController ? new AbortController() : null;
    searchAbort = controller;
    return api("api/search", {
      params: { q: state.q, k: state.k, role: state.role, doc: state.doc },
      signal: controller ? controller.signal : undefined
    }).then(function (data) {
      if (seq !== searchSeq) return null;
      renderResults(data);
      return data;
    }, function (error) {
      if (seq !== searchSeq || (error && error.name === "AbortError")) return null;
      clear(results);
      showMessage(message, "检索失败：" + (error.message || MSG.network), "error");
      setResultsState("error");
      return null;
    });
  }

  function renderResults(data) {
    var results = $("#results");
    var message = $("#message");
    var hits = Array.isArray(data.hits) ? data.hits : [];
    clear(results);
    if (!hits.length) {
      showMessage(message, MSG.noHits, "empty");
      setResultsState("empty");
      return;
    }
    var parts = ["找到 " + hits.length + " 个段落"];
    if (Array.isArray(data.roles) && data.roles.length) {
      parts.push("段落类型：" + data.roles.map(function (r) { return roleLabel(r); }).join("、"));
    }
    if (Array.isArray(data.terms) && data.terms.length) {
      parts.push("关键词：" + data.terms.join("、"));
    }
    showMessage(message, parts.join(" · "), "success");
    hits.forEach(function (hit) { results.appendChild(renderHit(hit)); });
    if (hits.length >= state.k && state.k < MAX_K) {
      var more = el("button", { type: "button", class: "btn btn-more", id: "more-results" }, "显示更多结果");
      more.addEventListener("click", function () {
        state.k = Math.min(MAX_K, state.k + 10);
        search({ push: false });
      });
      results.appendChild(more);
    }
    setResultsState("done");
  }

  function fillDocFilter() {
    var select = $("#doc-filter");
    if (!select) return;
    var wanted = state.doc;
    clear(select);
    select.appendChild(el("option", { value: "" }, "全部文档"));
    var known = false;
    documents.forEach(function (d) {
      if (d.id === wanted) known = true;
      select.appendChild(el("option", { value: d.id }, docLabel(d.id, d.title)));
    });
    if (wanted && !known) {
      // A shared link may name a document this server does not list (yet); keep the filter visible.
      select.appendChild(el("option", { value: wanted }, "文档 " + wanted));
    }
    select.value = wanted;
  }

  function initSearch() {
    $("#search-form").addEventListener("submit", function (event) {
      event.preventDefault();
      state.q = $("#q").value.trim();
      state.k = DEFAULT_K;
      search({ push: true });
    });
    document.querySelectorAll(".chip[data-role]").forEach(function (chip) {
      chip.addEventListener("click", function () {
        state.role = chip.dataset.role || "";
        state.q = $("#q").value.trim();
        search({ push: true });
      });
    });
    $("#doc-filter").addEventListener("change", function (event) {
      state.doc = event.target.value;
      state.q = $("#q").value.trim();
      search({ push: true });
    });
  }

  /* ---------- documents view ---------- */

  function apiKey() {
    try { return window.localStorage.getItem(KEY_STORAGE) || ""; } catch (e) { return ""; }
  }

  function keyHeaders() {
    var key = ($("#api-key") && $("#api-key").value.trim()) || apiKey();
    return key ? { "X-API-Key": key } : {};
  }

  function loadDocuments() {
    var message = $("#docs-message");
    return api("api/documents").then(function (data) {
      documents = Array.isArray(data.documents) ? data.documents : [];
      computeDocLabels();
      renderDocList();
      fillDocFilter();
      if (message && message.dataset.kind === "error") showMessage(message, "", "");
      document.dispatchEvent(new CustomEvent("fanwen:documents", { detail: { documents: documents } }));
      return documents;
    }, function (error) {
      showMessage(message, "读取文档列表失败：" + error.message, "error");
      var list = $("#doc-list");
      if (list && !documents.length) clear(list);
      return documents;
    });
  }

  function formatDate(value) {
    if (!value) return "";
    var d = new Date(value);
    if (isNaN(d.getTime())) return String(value);
    function pad(n) { return n < 10 ? "0" + n : String(n); }
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function renderDocList() {
    var list = $("#doc-list");
    if (!list) return;
    clear(list);
    if (!documents.length) {
      list.appendChild(el("p", { class: "message", "data-kind": "empty" }, "还没有入库的文档，请先上传。"));
      return;
    }
    var table = el("table", { class: "doc-table" },
      el("caption", { class: "visually-hidden" }, "已入库文档"),
      el("thead", null, el("tr", null,
        el("th", { scope: "col" }, "标题"),
        el("th", { scope: "col", class: "num" }, "段落数"),
        el("th", { scope: "col", class: "num" }, "字数"),
        el("th", { scope: "col" }, "格式"),
        el("th", { scope: "col" }, "入库时间"),
        el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "操作")))));
    var body = el("tbody");
    documents.forEach(function (d) {
      var label = docLabel(d.id, d.title);
      var del = el("button", { type: "button", class: "btn btn-small btn-danger btn-delete",
        dataset: { id: d.id }, "aria-label": "删除《" + label + "》" }, "删除");
      del.addEventListener("click", function () { deleteDocument(d, del); });
      body.appendChild(el("tr", { dataset: { id: d.id } },
        el("td", { class: "doc-name" },
          el("span", { class: "doc-title" }, label),
          d.path ? el("span", { class: "doc-path" }, String(d.path).split(/[\\/]/).pop()) : null),
        el("td", { class: "num doc-chunks" }, d.chunks === undefined ? "" : String(d.chunks)),
        el("td", { class: "num" }, d.chars === undefined ? "" : String(d.chars)),
        el("td", { class: "doc-format" }, d.format || ""),
        el("td", { class: "doc-added" }, formatDate(d.added)),
        el("td", { class: "actions" }, del)));
    });
    table.appendChild(body);
    list.appendChild(table);
  }

  function afterCorpusChange() {
    searchStale = true;
    loadHealth();
    return loadDocuments();
  }

  function deleteDocument(doc, button) {
    var label = docLabel(doc.id, doc.title);
    var ok = window.confirm("确定删除《" + label + "》吗？\n它的 " + (doc.chunks || 0) +
      " 个段落将从检索库中移除。");
    if (!ok) return Promise.resolve(false);
    var message = $("#docs-message");
    button.disabled = true;
    showMessage(message, "正在删除《" + label + "》…", "loading");
    return api("api/documents/" + encodeURIComponent(doc.id), { method: "DELETE", headers: keyHeaders() })
      .then(function (data) {
        showMessage(message, "已删除《" + label + "》，移除 " + (data.chunks || 0) + " 个段落。", "success");
        if (state.doc === doc.id) { state.doc = ""; writeUrl(false); }
        return afterCorpusChange().then(function () { return true; });
      }, function (error) {
        button.disabled = false;
        showMessage(message, "删除失败：" + error.message + (error.status === 401 ? " 请在上方填写正确的 API 密钥。" : ""), "error");
        return false;
      });
  }

  function renderUploadReport(data) {
    var report = $("#upload-report");
    var doc = data.document || {};
    var r = data.report || {};
    clear(report);
    report.dataset.kind = "success";
    report.hidden = false;
    var label = doc.title || doc.id || "文档";
    // The contract says booleans; the library reports lists of document ids. Accept both.
    var unchanged = Array.isArray(r.unchanged) ? r.unchanged.length > 0 : !!r.unchanged;
    var replaced = Array.isArray(r.replaced) ? r.replaced.length > 0 : !!r.replaced;
    var title = unchanged ? "《" + label + "》内容没有变化，索引保持不变。"
      : replaced ? "已用新文件替换《" + label + "》。" : "已入库《" + label + "》。";
    report.appendChild(el("p", { class: "report-title" }, title));
    var items = el("ul", { class: "report-items" },
      el("li", null, "段落数：", el("strong", { class: "report-chunks" }, String(r.chunks !== undefined ? r.chunks : (doc.chunks || 0)))),
      el("li", null, "去除的模板行：", el("strong", { class: "report-boilerplate" }, String(r.boilerplate_lines || 0))));
    var skipped = Array.isArray(r.skipped) ? r.skipped : [];
    var skippedItem = el("li", null, "跳过：", el("strong", { class: "report-skipped" }, skipped.length ? String(skipped.length) : "无"));
    if (skipped.length) {
      var sub = el("ul");
      skipped.forEach(function (s) {
        var text = typeof s === "string" ? s
          : [s.path || s.file || s.name, s.reason || s.message].filter(Boolean).join("：") || JSON.stringify(s);
        sub.appendChild(el("li", null, text));
      });
      skippedItem.appendChild(sub);
    }
    items.appendChild(skippedItem);
    if (typeof r.duplicates === "number" && r.duplicates > 0) {
      items.appendChild(el("li", null, "与已有段落重复或近似：", el("strong", { class: "report-duplicates" }, String(r.duplicates))));
    }
    report.appendChild(items);
  }

  function upload(event) {
    if (event) event.preventDefault();
    var input = $("#upload-file");
    var report = $("#upload-report");
    var button = $("#upload-button");
    var file = input.files && input.files[0];
    if (!file) {
      showMessage(report, "请先选择要上传的文件。", "error");
      return Promise.resolve(null);
    }
    var dot = file.name.lastIndexOf(".");
    var ext = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (UPLOAD_EXTENSIONS.indexOf(ext) < 0) {
      showMessage(report, "不支持的文件格式“" + (ext || file.name) + "”，请上传 .txt、.md、.docx 或 .pdf 文件。", "error");
      return Promise.resolve(null);
    }
    var form = new FormData();
    form.append("file", file, file.name);
    button.disabled = true;
    button.textContent = "正在入库…";
    showMessage(report, "正在上传并建立索引《" + file.name + "》，请稍候…", "loading");
    return api("api/documents", { method: "POST", form: form, headers: keyHeaders() })
      .then(function (data) {
        renderUploadReport(data);
        input.value = "";
        return afterCorpusChange().then(function () { return data; });
      }, function (error) {
        showMessage(report, "上传失败：" + error.message + (error.status === 401 ? " 请填写正确的 API 密钥后重试。" : ""), "error");
        return null;
      })
      .then(function (result) {
        button.disabled = false;
        button.textContent = "上传并入库";
        return result;
      });
  }

  function initDocs() {
    var keyInput = $("#api-key");
    keyInput.value = apiKey();
    keyInput.addEventListener("input", function () {
      try {
        var v = keyInput.value.trim();
        if (v) window.localStorage.setItem(KEY_STORAGE, v);
        else window.localStorage.removeItem(KEY_STORAGE);
      } catch (e) { /* storage disabled: the key is still used for this page */ }
    });
    $("#upload-form").addEventListener("submit", upload);
    $("#docs-refresh").addEventListener("click", function () { loadDocuments(); });
  }

  /* ---------- health ---------- */

  function loadHealth() {
    var node = $("#health");
    return api("api/health").then(function (data) {
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
    if (name === "docs") loadDocuments();
    if (name === "search" && searchStale && state.q) search({ push: false });
    document.dispatchEvent(new CustomEvent("fanwen:view", { detail: { view: name } }));
  }

  function initTabs() {
    var tabs = Array.prototype.slice.call(document.querySelectorAll('[role="tab"][data-view]'));
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { showView(tab.dataset.view); });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
        else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
        else if (event.key === "Home") next = tabs[0];
        else if (event.key === "End") next = tabs[tabs.length - 1];
        if (next) { event.preventDefault(); showView(next.dataset.view, { focus: true }); }
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
    var before = { q: state.q, role: state.role, doc: state.doc, k: state.k };
    readUrl();
    showView(state.view, { updateUrl: false });
    var changed = before.q !== state.q || before.role !== state.role ||
      before.doc !== state.doc || before.k !== state.k;
    if (changed) search({ push: false });
  }

  function start() {
    readUrl();
    initTabs();
    initSearch();
    initDocs();
    syncControls();
    showView(state.view, { updateUrl: false });
    window.addEventListener("popstate", onNavigate);
    window.addEventListener("hashchange", function () {
      if (isInPageAnchor()) return;
      readUrl();
      showView(state.view, { updateUrl: false });
    });
    loadHealth();
    if (state.view !== "docs") loadDocuments();  // showView("docs") already loads them
    search({ push: false });
  }

  window.fanwen = {
    api: api,
    apiUrl: apiUrl,
    ApiError: ApiError,
    el: el,
    clear: clear,
    showMessage: showMessage,
    renderText: renderText,
    renderHit: renderHit,
    copyText: copyText,
    roleLabel: roleLabel,
    docLabel: docLabel,
    ROLE_LABELS: ROLE_LABELS,
    search: function (q, filters) {
      if (q !== undefined) state.q = String(q).trim();
      if (filters && filters.role !== undefined) state.role = filters.role;
      if (filters && filters.doc !== undefined) state.doc = filters.doc;
      showView("search");
      return search({ push: true });
    },
    loadDocuments: loadDocuments,
    showView: showView,
    keyHeaders: keyHeaders,
    state: state,
    get documents() { return documents.slice(); }
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
