/*
 * fanwen 任务窗格：检索范文段落并插入文档。接口见 docs/api.md。
 * 宿主差异（Word / WPS / 浏览器）都在 host.js 的 FanwenHost 适配层里。
 */
(function () {
  "use strict";

  var K = 10;             // 每次检索的结果数
  var SIMILAR_K = 5;      // “更多相似”的结果数
  var STORE_SERVER = "fanwen.addin.serverUrl";
  var STORE_KEY = "fanwen.addin.apiKey";
  var ROLE_LABELS = { opening: "开头", achievements: "成效", problems: "问题", causes: "原因", plans: "措施", closing: "结尾" };

  var $ = function (id) { return document.getElementById(id); };
  var els = {
    app: $("app"), badge: $("hostBadge"), form: $("searchForm"), query: $("query"),
    searchBtn: $("searchBtn"), fromSelection: $("fromSelection"), chips: $("roleChips"),
    message: $("message"), resultsHead: $("resultsHead"), resultsTitle: $("resultsTitle"),
    backBtn: $("backBtn"), results: $("results"), settings: $("settings"),
    settingsForm: $("settingsForm"), serverUrl: $("serverUrl"), apiKey: $("apiKey"),
    testConnection: $("testConnection"), resetSettings: $("resetSettings"),
    settingsInfo: $("settingsInfo"), template: $("resultTemplate")
  };

  var state = {
    host: null,            // FanwenHost 适配器，检测完成前为 null
    hostReady: null,       // Promise<adapter>
    role: "",
    seq: 0,                // 每次请求 +1，旧请求的响应被丢弃
    controller: null,
    lastSearch: null       // {title, hits} —— “更多相似”之后可返回
  };

  // ---------------- 设置（localStorage） ----------------
  function storageGet(key) {
    try { return window.localStorage.getItem(key) || ""; } catch (e) { return ""; }
  }
  function storageSet(key, value) {
    try {
      if (value) { window.localStorage.setItem(key, value); } else { window.localStorage.removeItem(key); }
      return true;
    } catch (e) { return false; }
  }
  function defaultServer() {
    var loc = window.location;
    return /^https?:$/.test(loc.protocol) ? loc.origin : "";
  }
  function serverBase() {
    return (storageGet(STORE_SERVER) || defaultServer()).trim().replace(/\/+$/, "");
  }
  function apiKey() { return storageGet(STORE_KEY).trim(); }

  function fillSettings() {
    els.serverUrl.value = storageGet(STORE_SERVER);
    els.serverUrl.placeholder = defaultServer() ? "默认：" + defaultServer() : "例如 https://fanwen.example.org";
    els.apiKey.value = apiKey();
    var base = serverBase();
    els.settingsInfo.textContent = base ? "当前服务器：" + base : "尚未设置服务器地址。";
  }

  function saveSettings(event) {
    if (event) { event.preventDefault(); }
    var url = els.serverUrl.value.trim().replace(/\/+$/, "");
    if (url && !/^https?:\/\/[^\s/]+/i.test(url)) {
      showMessage("error", "服务器地址应以 http:// 或 https:// 开头。");
      els.serverUrl.focus();
      return false;
    }
    var ok = storageSet(STORE_SERVER, url) && storageSet(STORE_KEY, els.apiKey.value.trim());
    fillSettings();
    showMessage(ok ? "success" : "warn", ok ? "设置已保存。" : "设置无法保存到本地存储，仅本次有效。");
    return true;
  }

  // ---------------- 消息 ----------------
  function showMessage(kind, text) {
    els.message.hidden = !text;
    els.message.className = "message " + (kind || "info");
    els.message.dataset.kind = kind || "info";
    els.message.textContent = text || "";
  }
  function clearMessage() { showMessage("", ""); }

  // ---------------- 请求 ----------------
  function ApiError(kind, message, status) {
    this.kind = kind; this.message = message; this.status = status || 0;
  }

  function request(path, params) {
    var base = serverBase();
    if (!base) {
      return Promise.reject(new ApiError("config", "请先在“设置”中填写服务器地址。"));
    }
    var url = base + path;
    var query = new URLSearchParams();
    Object.keys(params || {}).forEach(function (name) {
      var value = params[name];
      if (value !== undefined && value !== null && value !== "") { query.append(name, String(value)); }
    });
    if (String(query)) { url += "?" + String(query); }

    var headers = { "Accept": "application/json" };
    if (apiKey()) { headers["X-API-Key"] = apiKey(); }
    if (state.controller) { state.controller.abort(); }
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    state.controller = controller;

    return fetch(url, { method: "GET", headers: headers, signal: controller ? controller.signal : undefined })
      .catch(function (error) {
        if (error && error.name === "AbortError") { throw new ApiError("aborted", ""); }
        var hint = "";
        if (window.location.protocol === "https:" && /^http:/i.test(base)) {
          hint = "任务窗格通过 HTTPS 打开时，服务器地址也必须是 HTTPS。";
        }
        throw new ApiError("network", "无法连接到范文服务器（" + base + "）。请检查网络，或在“设置”中确认服务器地址。" + hint);
      })
      .then(function (response) {
        return response.text().then(function (body) {
          var data = null;
          try { data = body ? JSON.parse(body) : null; } catch (e) { data = null; }
          if (!response.ok) {
            var detail = data && data.error && data.error.message ? data.error.message : "";
            var text = detail ? "服务器返回错误：" + detail : "服务器返回错误（HTTP " + response.status + "）。";
            if (response.status === 401) { text += " 请在“设置”中填写正确的 API 密钥。"; }
            throw new ApiError("http", text, response.status);
          }
          if (data === null) {
            throw new ApiError("http", "服务器返回了无法识别的内容（HTTP " + response.status + "）。", response.status);
          }
          return data;
        });
      });
  }

  // ---------------- 结果渲染 ----------------
  function segments(text, highlights, placeholders) {
    var n = text.length;
    var marks = new Array(n);
    function paint(spans, value) {
      (spans || []).forEach(function (span, index) {
        if (!span || span.length < 2) { return; }
        var start = Math.max(0, Math.min(n, span[0] | 0));
        var end = Math.max(start, Math.min(n, span[1] | 0));
        for (var i = start; i < end; i += 1) { marks[i] = typeof value === "function" ? value(index) : value; }
      });
    }
    paint(highlights, "hl");
    paint(placeholders, function (index) { return "slot" + index; }); // 占位符优先于高亮
    var out = [];
    var i = 0;
    while (i < n) {
      var mark = marks[i] || "";
      var j = i + 1;
      while (j < n && (marks[j] || "") === mark) { j += 1; }
      out.push({ text: text.slice(i, j), mark: mark });
      i = j;
    }
    return out;
  }

  function renderText(container, hit) {
    container.textContent = "";
    segments(hit.text || "", hit.highlights, hit.placeholders).forEach(function (seg) {
      var node;
      if (seg.mark.indexOf("slot") === 0) {
        node = document.createElement("span");
        node.className = "slot";
        node.title = "占位符：插入后请替换为实际内容";
        node.textContent = seg.text;
      } else if (seg.mark === "hl") {
        node = document.createElement("mark");
        node.className = "hl";
        node.textContent = seg.text;
      } else {
        node = document.createTextNode(seg.text);
      }
      container.appendChild(node);
    });
  }

  function sourceLine(hit) {
    var title = hit.title || hit.doc || "";
    var heading = hit.heading || (hit.heading_path || []).join(" › ");
    return heading ? title + " › " + heading : title;
  }

  function setResultsState(name, seq) {
    els.results.dataset.state = name;
    if (seq !== undefined) { els.results.dataset.seq = String(seq); }
  }

  function renderHits(hits, title, options) {
    options = options || {};
    els.results.textContent = "";
    els.resultsHead.hidden = false;
    els.resultsTitle.textContent = title;
    els.backBtn.hidden = !options.back;
    hits.forEach(function (hit, index) {
      var item = els.template.content.firstElementChild.cloneNode(true);
      item.dataset.id = String(hit.id);
      item.dataset.index = String(index);
      var role = item.querySelector(".role-label");
      role.textContent = hit.role_label || ROLE_LABELS[hit.role] || hit.role || "";
      role.dataset.role = hit.role || "";
      role.hidden = !role.textContent;
      item.querySelector(".source").textContent = sourceLine(hit);
      renderText(item.querySelector(".result-text"), hit);
      item.querySelector(".act-insert").addEventListener("click", function () { insertHit(hit, item); });
      item.querySelector(".act-copy").addEventListener("click", function () { copyHit(hit); });
      item.querySelector(".act-similar").addEventListener("click", function () { similar(hit); });
      els.results.appendChild(item);
    });
  }

  // ---------------- 检索 ----------------
  function describe(data, count) {
    var parts = ["共 " + count + " 条"];
    var roles = (data.roles || []).map(function (r) { return ROLE_LABELS[r] || r; });
    if (roles.length) { parts.push(roles.join("、")); }
    if (data.terms && data.terms.length) { parts.push("关键词：" + data.terms.join(" ")); }
    return parts.join(" · ");
  }

  function search() {
    var q = els.query.value.trim();
    if (!q) {
      showMessage("info", "请输入检索词，或在文档中选中文字后点“用选中文字查找”。");
      els.query.focus();
      return Promise.resolve();
    }
    var seq = ++state.seq;
    setResultsState("loading", seq);
    els.searchBtn.disabled = true;
    showMessage("info", "正在检索…");
    return request("/api/search", { q: q, k: K, role: state.role })
      .then(function (data) {
        if (seq !== state.seq) { return; }
        var hits = data.hits || [];
        var title = describe(data, hits.length);
        state.lastSearch = { title: title, hits: hits };
        renderHits(hits, title);
        if (hits.length) {
          clearMessage();
          setResultsState("done", seq);
        } else {
          showMessage("info", "没有找到相关段落，换个说法试试，或把段落类型改为“全部”。");
          setResultsState("empty", seq);
        }
      })
      .catch(function (error) {
        if (seq !== state.seq || (error && error.kind === "aborted")) { return; }
        fail(error, seq);
      })
      .then(function () { if (seq === state.seq) { els.searchBtn.disabled = false; } });
  }

  function fail(error, seq) {
    var text = error && error.message ? error.message : "出现未知错误。";
    if (!(error instanceof ApiError)) { text = "出现错误：" + text; }
    showMessage("error", text);
    els.results.textContent = "";
    els.resultsHead.hidden = true;
    setResultsState("error", seq);
  }

  function similar(hit) {
    var seq = ++state.seq;
    setResultsState("loading", seq);
    showMessage("info", "正在查找相似段落…");
    return request("/api/chunks/" + encodeURIComponent(hit.id) + "/similar", { k: SIMILAR_K })
      .then(function (data) {
        if (seq !== state.seq) { return; }
        var hits = data.hits || [];
        var snippet = (hit.text || "").slice(0, 14) + ((hit.text || "").length > 14 ? "…" : "");
        renderHits(hits, "与「" + snippet + "」相似的段落（" + hits.length + " 条）", { back: !!state.lastSearch });
        if (hits.length) { clearMessage(); setResultsState("done", seq); }
        else { showMessage("info", "没有找到相似段落。"); setResultsState("empty", seq); }
        window.scrollTo(0, 0);
      })
      .catch(function (error) {
        if (seq !== state.seq || (error && error.kind === "aborted")) { return; }
        fail(error, seq);
      });
  }

  function back() {
    if (!state.lastSearch) { return; }
    var seq = ++state.seq;
    renderHits(state.lastSearch.hits, state.lastSearch.title);
    clearMessage();
    setResultsState(state.lastSearch.hits.length ? "done" : "empty", seq);
  }

  // ---------------- 文档操作 ----------------
  function host() { return state.hostReady; }

  function insertHit(hit, item) {
    return host().then(function (adapter) {
      return adapter.insertText(hit.text).then(function (result) {
        if (result && result.copied) {
          showMessage("success", "浏览器模式无法直接写入文档，已将段落复制到剪贴板，请粘贴到文档中。");
        } else {
          var slots = (hit.placeholders || []).length;
          showMessage("success", "已插入到文档" + (slots ? "，请替换其中 " + slots + " 处占位符。" : "。"));
        }
        if (item) { item.classList.add("inserted"); }
      });
    }).catch(function (error) {
      showMessage("error", "插入失败：" + (error && error.message ? error.message : "宿主未响应") + "。可先点“复制”再手动粘贴。");
    });
  }

  function copyHit(hit) {
    return window.FanwenHost.copyText(hit.text).then(function () {
      showMessage("success", "已复制到剪贴板。");
    }, function () {
      showMessage("error", "无法访问剪贴板，请手动选中段落文字复制。");
    });
  }

  function searchSelection() {
    return host().then(function (adapter) {
      return adapter.getSelection().then(function (text) {
        if (!text) {
          showMessage("info", adapter.kind === "browser"
            ? "浏览器模式下读不到文档选区，请直接在检索框输入文字。"
            : "请先在文档中选中一段文字。");
          return;
        }
        els.query.value = text.slice(0, 500);
        return search();
      });
    }).catch(function (error) {
      showMessage("error", "读取选中文字失败：" + (error && error.message ? error.message : "宿主未响应") + "。");
    });
  }

  function setRole(role) {
    state.role = role;
    Array.prototype.forEach.call(els.chips.querySelectorAll(".chip"), function (chip) {
      chip.setAttribute("aria-pressed", chip.dataset.role === role ? "true" : "false");
    });
    if (els.query.value.trim()) { search(); }
  }

  // ---------------- 启动 ----------------
  function startHost() {
    state.hostReady = window.FanwenHost.detect().then(function (adapter) {
      state.host = adapter;
      els.app.dataset.host = adapter.kind;
      els.badge.textContent = adapter.label;
      els.badge.title = adapter.kind === "browser"
        ? "浏览器模式：插入 = 复制到剪贴板" + (adapter.reason ? "（" + adapter.reason + "）" : "")
        : "已连接 " + adapter.label + "：插入到光标处";
      return adapter;
    });
  }

  function testConnection() {
    if (!saveSettings()) { return; }
    showMessage("info", "正在连接…");
    request("/api/health", {}).then(function (data) {
      var docs = data.documents != null ? data.documents + " 篇报告" : "";
      var chunks = data.chunks != null ? data.chunks + " 个段落" : "";
      showMessage("success", "连接成功" + (docs || chunks ? "：" + [docs, chunks].filter(Boolean).join("，") : "") + "。");
    }).catch(function (error) {
      if (error && error.kind === "aborted") { return; }
      showMessage("error", error && error.message ? error.message : "连接失败。");
    });
  }

  els.form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  els.fromSelection.addEventListener("click", searchSelection);
  els.chips.addEventListener("click", function (event) {
    var chip = event.target.closest ? event.target.closest(".chip") : null;
    if (chip) { setRole(chip.dataset.role || ""); }
  });
  els.backBtn.addEventListener("click", back);
  els.settingsForm.addEventListener("submit", saveSettings);
  els.testConnection.addEventListener("click", testConnection);
  els.resetSettings.addEventListener("click", function () {
    els.serverUrl.value = "";
    els.apiKey.value = "";
    saveSettings();
  });

  fillSettings();
  if (!serverBase()) { els.settings.open = true; }
  startHost();

  // 便于调试与测试
  window.FanwenPane = { K: K, SIMILAR_K: SIMILAR_K, search: search, segments: segments, serverBase: serverBase, state: state };
})();
