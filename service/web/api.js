/* fanwen API client shared by the page, the 提纲/查重 views and the add-in pane (window.FanwenApi). */
(function (global) {
  "use strict";

  var MSG = {
    network: "无法连接到范文服务器（{base}），请检查网络或确认服务已启动后重试。",
    badResponse: "服务器返回了无法识别的数据（HTTP {status}）。",
    http: "请求失败（HTTP {status}）。"
  };

  // This file is served at <server>/static/api.js; <server>/ is where the API lives by default.
  var SCRIPT_BASE = (function () {
    try {
      var src = document.currentScript && document.currentScript.src;
      if (src && /\/static\/[^/]*$/.test(new URL(src).pathname)) return new URL("..", src).href;
    } catch (e) { /* fall through */ }
    return new URL(".", document.baseURI).href;
  })();

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }

  function ApiError(message, status, code) {
    this.name = "ApiError";
    this.message = message;
    this.status = status || 0;
    this.code = code || "";
  }
  ApiError.prototype = Object.create(Error.prototype);
  ApiError.prototype.constructor = ApiError;

  function withSlash(base) {
    base = String(base || "").trim();
    return base ? base.replace(/\/*$/, "/") : SCRIPT_BASE;
  }

  function buildUrl(base, path, params) {
    var url = new URL(String(path).replace(/^\/+/, ""), withSlash(base));
    Object.keys(params || {}).forEach(function (name) {
      var value = params[name];
      (Array.isArray(value) ? value : [value]).forEach(function (v) {
        if (v !== undefined && v !== null && v !== "") url.searchParams.append(name, String(v));
      });
    });
    return url.href;
  }

  function buildInit(options, key) {
    // the page and the pane are Chinese, whatever language the browser itself prefers
    var headers = { "Accept": "application/json", "Accept-Language": "zh-CN" };
    if (key) headers["X-API-Key"] = key;
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
    return init;
  }

  function parseJson(body) {
    if (!body) return null;
    try { return JSON.parse(body); } catch (e) { return undefined; }
  }

  /** A failed response becomes an ApiError carrying the server's {"error": {code, message}}. */
  function errorFrom(response) {
    return response.text().then(function (body) {
      var err = (parseJson(body) || {}).error || {};
      var message = typeof err.message === "string" && err.message ? err.message
        : fill(MSG.http, { status: response.status });
      throw new ApiError(message, response.status, err.code);
    });
  }

  function readJson(response) {
    return response.text().then(function (body) {
      var data = parseJson(body);
      if (data === undefined || (data !== null && typeof data !== "object")) {
        throw new ApiError(fill(MSG.badResponse, { status: response.status }), response.status, "bad_response");
      }
      return data || {};
    });
  }

  /**
   * createClient({base, apiKey}) — base: server URL or a function returning it ("" = this script's
   * server); apiKey: function returning the key sent as X-API-Key ("" = none).
   */
  function createClient(config) {
    config = config || {};
    var limitsPromise = null;

    function base() {
      var value = typeof config.base === "function" ? config.base() : config.base;
      return withSlash(value);
    }

    function url(path, params) { return buildUrl(base(), path, params); }

    /** options: method, params, json, form, headers, signal, as ("json" | "blob"). */
    function request(path, options) {
      options = options || {};
      var key = config.apiKey ? config.apiKey() : "";
      var target = url(path, options.params);
      return fetch(target, buildInit(options, key)).then(function (response) {
        if (!response.ok) return errorFrom(response);
        return options.as === "blob" ? response.blob() : readJson(response);
      }, function (error) {
        if (error && error.name === "AbortError") throw error;
        throw new ApiError(fill(MSG.network, { base: base().replace(/\/$/, "") }), 0, "network");
      });
    }

    /** GET api/health; the limits it reports are what limits() answers from then on. */
    function health() {
      var pending = request("api/health");
      var mine = limitsPromise = pending.then(function (data) { return data.limits || {}; }, function () {
        if (limitsPromise === mine) limitsPromise = null;  // try again next time
        return {};
      });
      return pending;
    }

    /** Promise of the server's limits; {} when health fails, and callers then skip their own checks. */
    function limits() {
      if (!limitsPromise) health().catch(function () { /* limits() answers {} */ });
      return limitsPromise;
    }

    function forget() { limitsPromise = null; }

    return { base: base, url: url, request: request, health: health, limits: limits, forgetLimits: forget };
  }

  global.FanwenApi = { createClient: createClient, ApiError: ApiError, SCRIPT_BASE: SCRIPT_BASE, MSG: MSG };
})(window);
