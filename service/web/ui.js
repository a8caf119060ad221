/* fanwen DOM helpers shared by the page views and the add-in pane (window.FanwenUi); text only, no innerHTML. */
(function (global) {
  "use strict";

  /** el("span", {class: "x", title: "y", dataset: {id: 1}}, "text", childNode, …) */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null || value === false) return;
      if (name === "class") node.className = value;
      else if (name === "dataset") Object.keys(value).forEach(function (k) { node.dataset[k] = value[k]; });
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(parent, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); return; }
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /** kind: "info" | "loading" | "empty" | "error" | "success" | "warn" | "" (hide) */
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
      announcer = el("div", { class: "visually-hidden sr-only", role: "status", "aria-live": "polite" });
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    global.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function truncate(text, n) {
    text = String(text || "");
    return text.length > n ? text.slice(0, n) + "…" : text;
  }

  function busy(button, on) {
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
  }

  /** localStorage get (one argument) or set/remove (two); never throws. */
  function store(key, value) {
    try {
      if (arguments.length < 2) return global.localStorage.getItem(key) || "";
      if (value) global.localStorage.setItem(key, value);
      else global.localStorage.removeItem(key);
      return true;
    } catch (e) {
      return arguments.length < 2 ? "" : false;
    }
  }

  /** Promise<boolean>: the async clipboard where allowed, else a textarea and execCommand("copy"). */
  function copyText(text) {
    text = String(text === undefined || text === null ? "" : text);
    var clipboard = global.navigator && navigator.clipboard;
    var viaClipboard = clipboard && typeof clipboard.writeText === "function"
      ? clipboard.writeText(text).then(function () { return true; }, function () { return false; })
      : Promise.resolve(false);
    return viaClipboard.then(function (ok) { return ok || copyWithTextarea(text); });
  }

  function copyWithTextarea(text) {
    var active = document.activeElement;
    var area = el("textarea", { readonly: true, "aria-hidden": "true", class: "copy-buffer" });
    area.value = text;
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (active && active.focus) active.focus();
    return ok;
  }

  /** Show the server's upload_types on a file input (accept) and in its hint ("（.txt、.md）"). */
  function showFileTypes(input, hint, types) {
    if (!Array.isArray(types) || !types.length) return;
    input.setAttribute("accept", types.join(","));
    if (hint) hint.textContent = "（" + types.join("、") + "）";
  }

  /** Why the server would refuse this file ("" = fine or unknown): type and size from its limits. */
  function fileProblem(file, limits) {
    var types = limits.upload_types, dot = file.name.lastIndexOf(".");
    var ext = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (Array.isArray(types) && types.length && types.indexOf(ext) < 0) {
      return "不支持的文件格式“" + (ext || file.name) + "”，请上传 " + types.join("、") + " 文件。";
    }
    if (limits.max_upload_bytes && file.size > limits.max_upload_bytes) {
      return "文件超过 " + megabytes(limits.max_upload_bytes) + " MB 的上限。";
    }
    return "";
  }

  function megabytes(bytes) { return Math.round(bytes / 104857.6) / 10; }

  global.FanwenUi = {
    el: el, append: append, clear: clear, showMessage: showMessage, announce: announce,
    truncate: truncate, busy: busy, store: store, copyText: copyText,
    showFileTypes: showFileTypes, fileProblem: fileProblem
  };
})(window);
