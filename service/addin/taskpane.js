/* fanwen 任务窗格：检索范文段落并插入文档；请求与渲染用 /static/api.js、hit.js、ui.js，宿主差异在 host.js。 */
(function () {
  "use strict";

  var K = 10;             // 每次检索的结果数
  var SIMILAR_K = 5;      // “更多相似”的结果数
  var STORE_SERVER = "fanwen.addin.serverUrl";
  var STORE_KEY = "fanwen.addin.apiKey";
  var ui = window.FanwenUi, hits = window.FanwenHit;

  var $ = function (id) { return document.getElementById(id); };
  var els = {
    app: $("app"), badge: $("hostBadge"), form: $("searchForm"), query: $("query"),
    searchBtn: $("searchBtn"), fromSelection: $("fromSelection"), chips: $("roleChips"),
    message: $("message"), resultsHead: $("resultsHead"), resultsTitle: $("resultsTitle"),
    backBtn: $("backBtn"), results: $("results"), settings: $("settings"),
    settingsForm: $("settingsForm"), serverUrl: $("serverUrl"), apiKey: $("apiKey"),
    testConnection: $("testConnection"), resetSettings: $("resetSettings"), settingsInfo: $("settingsInfo"),
    connectionResult: $("connectionResult")
  };

  var state = {
    hostReady: null,       // Promise<adapter>
    role: "",
    seq: 0,                // 每次请求 +1，旧请求的响应被丢弃
    controller: null,
    lastSearch: null       // {title, hits} —— “更多相似”之后可返回
  };

  // ---------------- 设置（localStorage）：默认服务器 = 提供本窗格的服务器 ----------------
  function defaultServer() { return window.FanwenApi.SCRIPT_BASE.replace(/\/+$/, ""); }
  function serverBase() { return (ui.store(STORE_SERVER) || defaultServer()).trim().replace(/\/+$/, ""); }
  function apiKey() { return ui.store(STORE_KEY).trim(); }

  var client = window.FanwenApi.createClient({ base: serverBase, apiKey: apiKey });

  function fillSettings() {
    els.serverUrl.value = ui.store(STORE_SERVER);
    els.serverUrl.placeholder = "默认：" + defaultServer();
    els.apiKey.value = apiKey();
    els.settingsInfo.textContent = "当前服务器：" + serverBase();
  }

  function saveSettings(event) {
    if (event) { event.preventDefault(); }
    var url = els.serverUrl.value.trim().replace(/\/+$/, "");
    if (url && !/^https?:\/\/[^\s/]+/i.test(url)) {
      showMessage("error", "服务器地址应以 http:// 或 https:// 开头。");
      els.serverUrl.focus();
      return false;
    }
    var ok = ui.store(STORE_SERVER, url) && ui.store(STORE_KEY, els.apiKey.value.trim());
    fillSettings();
    client.forgetLimits();  // another server may have other limits
    applyLimits();
    showMessage(ok ? "success" : "warn", ok ? "设置已保存。" : "设置无法保存到本地存储，仅本次有效。");
    return true;
  }

  // ---------------- 消息与请求 ----------------
  function showMessage(kind, text) { ui.showMessage(els.message, text, kind); }

  function explain(error) {
    var text = (error && error.message) || "出现未知错误。";
    if (error && error.code === "network") {
      text += " 可在“设置”中确认服务器地址。";
      if (window.location.protocol === "https:" && /^http:/i.test(serverBase())) {
        text += "任务窗格通过 HTTPS 打开时，服务器地址也必须是 HTTPS。";
      }
    }
    if (error && error.status === 401) { text += " 请在“设置”中填写正确的 API 密钥。"; }
    return text;
  }

  /** GET on the configured server; a newer request aborts the one still running. */
  function request(path, params) {
    if (state.controller) { state.controller.abort(); }
    state.controller = new AbortController();
    return client.request(path, { params: params, signal: state.controller.signal });
  }

  /** Query length and input limit from GET /api/health of the configured server. */
  function applyLimits() {
    return client.limits().then(function (limits) {
      if (limits.max_query_chars) { els.query.maxLength = limits.max_query_chars; }
      else { els.query.removeAttribute("maxlength"); }
      return limits;
    });
  }

  // ---------------- 结果 ----------------
  function actionButton(className, text, onClick) {
    var button = ui.el("button", { type: "button", class: className }, text);
    button.addEventListener("click", onClick);
    return button;
  }

  function renderResult(hit, index) {
    var item = ui.el("li", { class: "result", dataset: { id: hit.id, index: index } });
    item.appendChild(hits.renderHit(hit, { actions: [
      actionButton("primary act-insert", "插入", function () { insertHit(hit, item); }),
      actionButton("act-copy", "复制", function () { copyHit(hit); }),
      actionButton("act-similar", "更多相似", function () { similar(hit); })
    ] }));
    return item;
  }

  function setResultsState(name, seq) {
    els.results.dataset.state = name;
    els.results.dataset.seq = String(seq);
  }

  function renderHits(list, title, options) {
    ui.clear(els.results);
    els.resultsHead.hidden = false;
    els.resultsTitle.textContent = title;
    els.backBtn.hidden = !(options && options.back);
    list.forEach(function (hit, index) { els.results.appendChild(renderResult(hit, index)); });
  }

  /** Render a finished request: results with a title, or the empty message. */
  function showHits(seq, list, title, emptyText, options) {
    renderHits(list, title, options);
    if (list.length) { showMessage("", ""); } else { showMessage("info", emptyText); }
    setResultsState(list.length ? "done" : "empty", seq);
  }

  function fail(seq) {
    return function (error) {
      if (seq !== state.seq || (error && error.name === "AbortError")) { return; }
      showMessage("error", explain(error));
      ui.clear(els.results);
      els.resultsHead.hidden = true;
      setResultsState("error", seq);
    };
  }

  // ---------------- 检索 ----------------
  function describe(data, count) {
    var parts = ["共 " + count + " 条"];
    var roles = (data.roles || []).map(hits.roleName);
    if (roles.length) {
      parts.push(roles.join("、") + (data.role_source === "filter" ? "（按筛选，替换检索词中的类型）" : "（按检索词）"));
    }
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
    return request("api/search", { q: q, k: K, role: state.role }).then(function (data) {
      if (seq !== state.seq) { return; }
      var list = data.hits || [];
      state.lastSearch = { title: describe(data, list.length), hits: list };
      hits.pressChip(els.chips, data.roles || []);  // the roles applied, whether chosen here or read from the query
      showHits(seq, list, state.lastSearch.title, "没有找到相关段落，换个说法试试，或把段落类型改为“全部”。");
      if (data.weak && list.length) { showMessage("warn", "未找到与“" + q + "”直接相关的段落，以下是最接近的段落。"); }
    }).catch(fail(seq)).then(function () { if (seq === state.seq) { els.searchBtn.disabled = false; } });
  }

  function similar(hit) {
    var seq = ++state.seq;
    setResultsState("loading", seq);
    showMessage("info", "正在查找相似段落…");
    return request("api/chunks/" + encodeURIComponent(hit.id) + "/similar", { k: SIMILAR_K }).then(function (data) {
      if (seq !== state.seq) { return; }
      var list = data.hits || [];
      var title = "与「" + ui.truncate(hit.text, 14) + "」相似的段落（" + list.length + " 条）";
      showHits(seq, list, title, "没有找到相似段落。", { back: !!state.lastSearch });
      window.scrollTo(0, 0);
    }).catch(fail(seq));
  }

  function back() {
    if (!state.lastSearch) { return; }
    var seq = ++state.seq;
    showHits(seq, state.lastSearch.hits, state.lastSearch.title, "");
  }

  // ---------------- 文档操作 ----------------
  function hostError(error) { return error && error.message ? error.message : "宿主未响应"; }

  function insertHit(hit, item) {
    return state.hostReady.then(function (adapter) {
      return adapter.insertText(hit.text).then(function (result) {
        var slots = (hit.placeholders || []).length;
        showMessage("success", result && result.copied
          ? "浏览器模式无法直接写入文档，已将段落复制到剪贴板，请粘贴到文档中。"
          : "已插入到文档" + (slots ? "，请替换其中 " + slots + " 处占位符。" : "。"));
        item.classList.add("inserted");
      });
    }).catch(function (error) {
      showMessage("error", "插入失败：" + hostError(error) + "。可先点“复制”再手动粘贴。");
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
    return Promise.all([state.hostReady, applyLimits()]).then(function (ready) {
      var adapter = ready[0], max = ready[1].max_query_chars;
      return adapter.getSelection().then(function (text) {
        if (!text) {
          showMessage("info", adapter.kind === "browser"
            ? "浏览器模式下读不到文档选区，请直接在检索框输入文字。"
            : "请先在文档中选中一段文字。");
          return;
        }
        els.query.value = max ? text.slice(0, max) : text;  // no limit known: the server says
        return search();
      });
    }).catch(function (error) {
      showMessage("error", "读取选中文字失败：" + hostError(error) + "。");
    });
  }

  function setRole(role) {
    state.role = role;
    hits.pressChip(els.chips, role);
    if (els.query.value.trim()) { search(); }
  }

  // ---------------- 启动 ----------------
  function startHost() {
    state.hostReady = window.FanwenHost.detect().then(function (adapter) {
      els.app.dataset.host = adapter.kind;
      els.badge.textContent = adapter.label;
      els.badge.title = adapter.kind === "browser"
        ? "浏览器模式：插入 = 复制到剪贴板" + (adapter.reason ? "（" + adapter.reason + "）" : "")
        : "已连接 " + adapter.label + "：插入到光标处";
      return adapter;
    });
  }

  /** The answer shows next to the button, where the user is looking (the message area is off screen). */
  function testConnection() {
    if (!saveSettings()) { return; }
    var out = els.connectionResult;
    ui.showMessage(out, "正在连接…", "info");
    client.health().then(function (data) {
      var parts = [data.documents != null ? data.documents + " 篇报告" : "", data.chunks != null ? data.chunks + " 个段落" : ""];
      var counts = parts.filter(Boolean).join("，");
      ui.showMessage(out, "连接成功" + (counts ? "：" + counts : "") + "。", "success");
    }).catch(function (error) { ui.showMessage(out, explain(error), "error"); });
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

  hits.renderRoleChips(els.chips, "");
  fillSettings();
  startHost();
  applyLimits();

  // 便于调试与测试
  window.FanwenPane = { K: K, SIMILAR_K: SIMILAR_K, search: search, serverBase: serverBase, state: state, client: client };
})();
