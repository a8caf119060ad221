"""The WPS 加载项 (jsaddin, online mode) rendered for this server's address: ribbon.xml, main.js, index.html,
manifest.xml, the icon, and publish.xml / jsplugins.xml that tell WPS where the add-in lives."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .addin_package import (DESCRIPTION, DISPLAY_NAME, TASKPANE_PATH, WPS_ADDIN_NAME, WPS_ADDIN_PATH, _attr, _js_string,
                            _text, normalize_base_url)


WPS_ICON_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">
  <rect x="1" y="1" width="30" height="30" rx="6" fill="#b91c1c"/>
  <rect x="6.5" y="4.5" width="15.5" height="22" rx="2" fill="#fff"/>
  <path d="M9.5 9.6h9.5M9.5 13.4h9.5M9.5 17.3h9.5" stroke="#dc7878" stroke-width="1.8"/>
  <circle cx="20.5" cy="19.8" r="6.9" fill="#b91c1c"/>
  <circle cx="20.5" cy="19.8" r="4.7" fill="none" stroke="#fff" stroke-width="1.8"/>
  <path d="M24.3 23.7l3.6 3.6" stroke="#fff" stroke-width="3.2" stroke-linecap="round"/>
</svg>
"""


def _wps_main_js(base: str) -> str:
    taskpane = base + TASKPANE_PATH + "?host=wps"
    return f"""// fanwen WPS 加载项入口（由 fanwen 生成，服务器：{base}）
// WPS 先加载 index.html（它引用本文件），再按 ribbon.xml 调用下面的回调函数。
var FANWEN_SERVER = {_js_string(base)};
var FANWEN_TASKPANE_URL = {_js_string(taskpane)};
var FANWEN_TASKPANE_KEY = "fanwen_taskpane_id";

function fanwenApp() {{
    return window.Application || window.wps;
}}

// ribbon.xml 的 onLoad 回调，WPS 启动加载项时最先执行。
function OnAddinLoad(ribbonUI) {{
    var app = fanwenApp();
    if (app && typeof app.ribbonUI !== "object") {{
        app.ribbonUI = ribbonUI;
    }}
    return true;
}}

// 打开或切换范文检索任务窗格（wps.CreateTaskPane）。
function FanwenToggleTaskPane() {{
    var app = fanwenApp();
    if (!app) {{
        alert("未检测到 WPS 加载项环境。");
        return;
    }}
    var storage = app.PluginStorage;
    var id = storage ? storage.getItem(FANWEN_TASKPANE_KEY) : null;
    var pane = null;
    if (id) {{
        try {{ pane = app.GetTaskPane(id); }} catch (e) {{ pane = null; }}
    }}
    if (pane) {{
        pane.Visible = !pane.Visible;
        return;
    }}
    pane = app.CreateTaskPane(FANWEN_TASKPANE_URL);
    if (storage) {{
        storage.setItem(FANWEN_TASKPANE_KEY, pane.ID);
    }}
    try {{ pane.DockPosition = 2; }} catch (e) {{ /* 2 = msoCTPDockPositionRight */ }}
    pane.Visible = true;
}}

function OnAction(control) {{
    if (control && control.Id === "btnFanwenPane") {{
        FanwenToggleTaskPane();
    }}
    return true;
}}

function GetImage(control) {{
    return "fanwen.svg";
}}
"""


def wps_addin_files(base_url: str) -> dict[str, str]:
    """Render the WPS jsaddin for a server reached at ``base_url``: file name -> text.

    Online mode: WPS reads ``ribbon.xml`` and ``index.html`` from ``{base}/addin/wps/`` (the
    ``url`` in publish.xml / jsplugins.xml). The same files, put in a folder under
    ``jsaddons/``, also work offline, since the task pane URL inside main.js is absolute.
    """
    base = normalize_base_url(base_url)
    addin_url = base + WPS_ADDIN_PATH
    pane_url = base + TASKPANE_PATH
    name = WPS_ADDIN_NAME

    # No XML declaration: WPS's deployment check expects the file to start with "<customUI".
    ribbon = f"""<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui" onLoad="OnAddinLoad">
  <ribbon startFromScratch="false">
    <tabs>
      <tab id="fanwenTab" label="{_attr(DISPLAY_NAME)}">
        <group id="fanwenGroup" label="{_attr(DISPLAY_NAME)}">
          <button id="btnFanwenPane" label="{_attr(DISPLAY_NAME)}" size="large"
                  screentip="打开范文检索任务窗格"
                  supertip="{_attr('从 ' + pane_url + ' 检索述职报告范文段落，插入到光标处')}"
                  onAction="OnAction" getImage="GetImage" visible="true" enabled="true"/>
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""

    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<JsPlugin>
  <ApiVersion>1.0.0</ApiVersion>
  <Name>{_text(name)}</Name>
  <Description>{_text(DISPLAY_NAME + '：' + DESCRIPTION + '（服务器：' + base + '）')}</Description>
</JsPlugin>
"""

    index = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{_text(DISPLAY_NAME)}</title>
<!-- WPS 加载项入口：WPS 启动时加载本页面，main.js 提供 ribbon.xml 的回调函数。 -->
<script type="text/javascript" src="main.js"></script>
</head>
<body></body>
</html>
"""

    publish = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- 单用户安装：合并到 jsaddons/publish.xml（Windows: %APPDATA%\\kingsoft\\wps\\jsaddons\\publish.xml，
     Linux: ~/.local/share/Kingsoft/wps/jsaddons/publish.xml），然后重启 WPS。 -->
<jsplugins>
  <jspluginonline name="{_attr(name)}" type="wps" url="{_attr(addin_url)}" debug="" enable="enable_dev" install="null" customDomain=""/>
</jsplugins>
"""

    jsplugins = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- 集中部署：把本文件放到服务器上，并在 WPS 的 oem.ini 中设置
     [Support] JsApiPlugin=true 与 [Server] JSPluginsServer=<本文件的地址>。 -->
<jsplugins>
  <jspluginonline name="{_attr(name)}" type="wps" url="{_attr(addin_url)}"/>
</jsplugins>
"""

    return {
        "manifest.xml": manifest,
        "ribbon.xml": ribbon,
        "index.html": index,
        "main.js": _wps_main_js(base),
        "fanwen.svg": WPS_ICON_SVG,
        "publish.xml": publish,
        "jsplugins.xml": jsplugins,
    }


def wps_addin_zip(base_url: str) -> bytes:
    """The jsaddin as a zip: a ``fanwen/`` folder (copy it into ``jsaddons``) + publish.xml."""
    files = wps_addin_files(base_url)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            target = name if name in ("publish.xml", "jsplugins.xml") else f"{WPS_ADDIN_NAME}/{name}"
            archive.writestr(target, text.encode("utf-8"))
    return buffer.getvalue()


_MEDIA_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".zip": "application/zip",
}


def media_type(name: str) -> str:
    """Content type to serve one of the rendered files with."""
    return _MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
