/*
 * fanwen 任务窗格的宿主适配层：同一套页面服务 WPS、Word 和普通浏览器。
 *
 *   FanwenHost.detect() -> Promise<adapter>
 *   adapter = { kind: "wps" | "word" | "browser", label, canInsert,
 *               getSelection(): Promise<string>, insertText(text): Promise<{copied: boolean}> }
 *
 * 检测顺序：
 *   1. WPS：window.Application（或 window.wps）带 Selection —— WPS 加载项注入的 JS API；
 *   2. Word：Office.js 可用（页面已有 window.Office，或在 Office 宿主中加载
 *      appsforoffice.microsoft.com 的 office.js），Office.onReady 在超时前回报 Word 宿主，且有 Word.run；
 *   3. 浏览器：以上都不成立，或 office.js 加载失败/超时。插入 = 复制到剪贴板。
 * office.js 只在像是 Office 宿主时才加载（地址带 _host_Info，或 ?host=word）；?host=browser 跳过检测。
 */
(function (global) {
  "use strict";

  var OFFICE_JS_URL = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";
  var OFFICE_TIMEOUT_MS = 5000;

  function cleanSelection(text) {
    // Word/WPS 的选区文本可能带段落标记 \r、单元格标记 \u0007 等。
    return String(text == null ? "" : text)
      .replace(/[\r\u0007\u000b\f]+/g, "\n")
      .replace(/\n{2,}/g, "\n")
      .trim();
  }

  // ---------- 剪贴板（浏览器模式的“插入”和所有模式的“复制”）：共用 /static/ui.js 的 copyText ----------
  function copyText(text) {
    return global.FanwenUi.copyText(text).then(function (ok) {
      if (!ok) { throw new Error("copy failed"); }
    });
  }

  // ---------- WPS ----------
  function wpsApplication() {
    var app = global.Application || global.wps;
    return app && app.Selection ? app : null;
  }

  function wpsAdapter(app) {
    return {
      kind: "wps",
      label: "WPS 文字",
      canInsert: true,
      getSelection: function () {
        return new Promise(function (resolve) {
          var sel = app.Selection;
          // 光标未选中内容时（Start == End），Selection.Text 返回光标后的一个字符，视为空选区。
          if (sel && typeof sel.Start === "number" && typeof sel.End === "number" && sel.Start === sel.End) {
            resolve("");
            return;
          }
          resolve(cleanSelection(sel ? sel.Text : ""));
        });
      },
      insertText: function (text) {
        return new Promise(function (resolve) {
          var sel = app.Selection;
          if (sel && typeof sel.TypeText === "function") {
            sel.TypeText(text); // 有选区时替换选区（与 Word 的“键入内容替换所选内容”一致）
          } else {
            sel.Range.Text = text;
          }
          resolve({ copied: false });
        });
      }
    };
  }

  // ---------- Word (Office.js) ----------
  function wordAdapter() {
    return {
      kind: "word",
      label: "Word",
      canInsert: true,
      getSelection: function () {
        return global.Word.run(function (ctx) {
          var range = ctx.document.getSelection();
          range.load("text");
          return ctx.sync().then(function () { return cleanSelection(range.text); });
        });
      },
      insertText: function (text) {
        return global.Word.run(function (ctx) {
          var range = ctx.document.getSelection();
          var inserted = range.insertText(text, "Replace");
          if (inserted && typeof inserted.select === "function") {
            inserted.select("End"); // 光标停在插入内容之后
          }
          return ctx.sync().then(function () { return { copied: false }; });
        });
      }
    };
  }

  // ---------- 浏览器 ----------
  function browserAdapter(reason) {
    return {
      kind: "browser",
      label: "浏览器",
      reason: reason || "",
      canInsert: false,
      getSelection: function () {
        var sel = global.getSelection ? global.getSelection() : null;
        return Promise.resolve(cleanSelection(sel ? sel.toString() : ""));
      },
      insertText: function (text) {
        return copyText(text).then(function () { return { copied: true }; });
      }
    };
  }

  function queryHost() {
    try {
      var value = new URLSearchParams(global.location.search).get("host");
      return value ? value.toLowerCase() : "";
    } catch (e) {
      return "";
    }
  }

  function looksLikeOffice() {
    var where = String(global.location.search) + String(global.location.hash);
    if (/[?&#]_host_Info=/i.test(where)) { return true; }
    try {
      if (global.sessionStorage && global.sessionStorage.getItem("hostInfoValue")) { return true; }
    } catch (e) { /* sessionStorage 不可用 */ }
    return false;
  }

  function loadOfficeJs() {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = OFFICE_JS_URL;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("office.js 加载失败")); };
      document.head.appendChild(script);
    });
  }

  function withTimeout(promise, ms, message) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error(message)); }, ms);
      promise.then(function (value) { clearTimeout(timer); resolve(value); },
                   function (error) { clearTimeout(timer); reject(error); });
    });
  }

  function officeReady() {
    return new Promise(function (resolve, reject) {
      var Office = global.Office;
      if (!Office || typeof Office.onReady !== "function") {
        reject(new Error("Office.js 不可用"));
        return;
      }
      try {
        var maybe = Office.onReady(function (info) { resolve(info || {}); });
        if (maybe && typeof maybe.then === "function") {
          maybe.then(function (info) { resolve(info || {}); }, reject);
        }
      } catch (e) {
        reject(e);
      }
    });
  }

  function isWordHost(info) {
    var Office = global.Office || {};
    var host = (info && info.host) || (Office.context && Office.context.host) || "";
    var word = (Office.HostType && Office.HostType.Word) || "Word";
    return (host === word || host === "Word") && !!(global.Word && typeof global.Word.run === "function");
  }

  function waitFor(probe, ms) {
    return new Promise(function (resolve) {
      var started = Date.now();
      (function poll() {
        var value = probe();
        if (value || Date.now() - started >= ms) { resolve(value || null); return; }
        setTimeout(poll, 100);
      })();
    });
  }

  function detect(options) {
    options = options || {};
    var forced = options.host || queryHost();
    if (forced === "browser") {
      return Promise.resolve(browserAdapter("已按 ?host=browser 使用浏览器模式"));
    }
    var app = wpsApplication();
    if (app) {
      return Promise.resolve(wpsAdapter(app));
    }
    if (forced === "wps") {
      // 由 WPS 加载项打开（main.js 在地址后加 ?host=wps）：稍等 JS API 注入。
      return waitFor(wpsApplication, options.timeoutMs || OFFICE_TIMEOUT_MS).then(function (found) {
        return found ? wpsAdapter(found) : browserAdapter("未检测到 WPS 的 JS API（window.Application）");
      });
    }
    var officePresent = !!(global.Office && typeof global.Office.onReady === "function");
    if (!officePresent && !(forced === "word" || looksLikeOffice())) {
      return Promise.resolve(browserAdapter("未检测到 Word 或 WPS"));
    }
    var timeout = options.timeoutMs || OFFICE_TIMEOUT_MS;
    var loading = officePresent ? Promise.resolve() : loadOfficeJs();
    return withTimeout(loading.then(officeReady), timeout, "Office.js 初始化超时")
      .then(function (info) {
        return isWordHost(info) ? wordAdapter() : browserAdapter("Office 宿主不是 Word");
      })
      .catch(function (error) {
        return browserAdapter(error && error.message ? error.message : "Office.js 不可用");
      });
  }

  global.FanwenHost = {
    detect: detect,
    copyText: copyText,
    cleanSelection: cleanSelection,
    OFFICE_JS_URL: OFFICE_JS_URL
  };
})(window);
