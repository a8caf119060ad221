"""Packaging for the fanwen editor add-in (Word and WPS).

The task pane itself is static: ``service/addin/`` is served at ``/addin/`` (``taskpane.html``,
``taskpane.js``, ``host.js``, ``taskpane.css``, ``icons/``). What depends on the address the
server is reached at is rendered here, from a base URL such as ``https://fanwen.example.org``
(scheme + host [+ port] [+ path prefix], no query, no fragment):

* :func:`word_manifest` - the Word add-in manifest (``manifest.xml``, XML manifest format 1.1,
  TaskPaneApp for the Document host, with a ribbon button on the Home tab).
* :func:`wps_addin_files` - a WPS 加载项 (jsaddin, online mode): ``ribbon.xml``, ``main.js``,
  ``index.html``, ``manifest.xml``, the button icon, and the two XML snippets that tell WPS where
  the add-in lives (``publish.xml`` for one user, ``jsplugins.xml`` for central deployment).
  WPS fetches ``<url>ribbon.xml`` and ``<url>index.html`` from the ``url`` written there, which is
  :data:`WPS_ADDIN_PATH` under the base URL, so the server must answer
  ``GET {base}/addin/wps/<name>`` with ``wps_addin_files(base)[<name>]``.
* :func:`wps_addin_zip` - the same files as a zip (for installing the jsaddin folder by hand).
* :func:`validate_word_manifest` - check a manifest against the official XSDs stored in
  ``service/addin/schemas/`` (offline; needs ``xmlschema`` or ``lxml``).

Suggested routes (registered before the ``/addin`` static mount so they are not shadowed)::

    GET /addin/manifest.xml          -> word_manifest(base)          application/xml
    GET /addin/wps/{name}            -> wps_addin_files(base)[name]  by suffix (.xml/.js/.html/.svg)
    GET /addin/wps.zip               -> wps_addin_zip(base)          application/zip

Only the standard library is needed to render; validation imports xmlschema or lxml lazily.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as _xml_escape

__all__ = [
    "ADDIN_DIR", "SCHEMA_DIR", "MANIFEST_SCHEMA", "DEFAULT_ADDIN_ID", "TASKPANE_PATH",
    "WORD_MANIFEST_PATH", "WPS_ADDIN_PATH", "WPS_ADDIN_NAME", "normalize_base_url",
    "word_manifest", "wps_addin_files", "wps_addin_zip", "validate_word_manifest",
    "media_type",
]

ADDIN_DIR = Path(__file__).resolve().parent.parent / "addin"
SCHEMA_DIR = ADDIN_DIR / "schemas"
MANIFEST_SCHEMA = SCHEMA_DIR / "OfficeAppManifestV1_1.xsd"

#: Fixed add-in id. Keep it stable: Office identifies (and caches) an add-in by this GUID.
DEFAULT_ADDIN_ID = "5f0b7c3e-2a9d-4c61-9e8f-6d2b1a4c7e90"
TASKPANE_PATH = "/addin/taskpane.html"
WORD_MANIFEST_PATH = "/addin/manifest.xml"
WPS_ADDIN_PATH = "/addin/wps/"
WPS_ADDIN_NAME = "fanwen"

DISPLAY_NAME = "范文检索"
PROVIDER = "fanwen"
DESCRIPTION = "检索述职报告范文段落：按开头、成效、问题、原因、措施筛选，一键插入光标处。"

_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
_VERSION = re.compile(r"^[0-9]{1,5}(\.[0-9]{1,5}){0,3}$")
# Characters that never belong in a URL; rejecting them keeps the manifest honest (escaping is
# still applied to everything else, e.g. "&" or "'").
_BAD_URL_CHARS = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")


def normalize_base_url(base_url: str) -> str:
    """Return ``base_url`` without a trailing slash; ValueError unless it is a plain http(s) URL."""
    if not isinstance(base_url, str):
        raise ValueError(f"base_url must be a string, got {type(base_url).__name__}")
    url = base_url.strip()
    if _BAD_URL_CHARS.search(url):
        raise ValueError(f"base_url contains characters not allowed in a URL: {base_url!r}")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
    if not parts.hostname:
        raise ValueError(f"base_url has no host: {base_url!r}")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ValueError(f"base_url must not have a query or fragment: {base_url!r}")
    if parts.username or parts.password:
        raise ValueError(f"base_url must not carry credentials: {base_url!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as error:
        raise ValueError(f"base_url has an invalid port: {base_url!r}") from error
    return url.rstrip("/")


def _origin(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme.lower()}://{parts.netloc}"


def _attr(value: str) -> str:
    """Escape for a double-quoted XML attribute."""
    return _xml_escape(value, {'"': "&quot;", "'": "&apos;"})


def _text(value: str) -> str:
    return _xml_escape(value)


def _js_string(value: str) -> str:
    """A JavaScript string literal, safe to place in a .js file or an inline <script>."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---------------------------------------------------------------------------------------------
# Word (Office.js) manifest
# ---------------------------------------------------------------------------------------------

def word_manifest(base_url: str, addin_id: str = DEFAULT_ADDIN_ID, version: str = "1.0.0.0") -> str:
    """Render the Word task-pane add-in manifest for a server reached at ``base_url``."""
    base = normalize_base_url(base_url)
    if not _GUID.match(addin_id or ""):
        raise ValueError(f"addin_id must be a GUID, got {addin_id!r}")
    if not _VERSION.match(version or ""):
        raise ValueError(f"version must look like 1.0.0.0, got {version!r}")

    taskpane = _attr(base + TASKPANE_PATH)
    icon = {size: _attr(f"{base}/addin/icons/icon-{size}.png") for size in (16, 32, 64, 80)}
    help_url = _attr(base + "/")
    origin = _text(_origin(base))

    def image_list(indent: str) -> str:
        return "\n".join(
            f'{indent}<bt:Image size="{size}" resid="Fanwen.Icon{size}"/>' for size in (16, 32, 80)
        )

    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- fanwen Word add-in manifest, generated for {_text(base)} -->
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
           xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
           xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides"
           xsi:type="TaskPaneApp">
  <Id>{_text(addin_id)}</Id>
  <Version>{_text(version)}</Version>
  <ProviderName>{_text(PROVIDER)}</ProviderName>
  <DefaultLocale>zh-CN</DefaultLocale>
  <DisplayName DefaultValue="{_attr(DISPLAY_NAME)}"/>
  <Description DefaultValue="{_attr(DESCRIPTION)}"/>
  <IconUrl DefaultValue="{icon[32]}"/>
  <HighResolutionIconUrl DefaultValue="{icon[64]}"/>
  <SupportUrl DefaultValue="{help_url}"/>
  <AppDomains>
    <AppDomain>{origin}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Document"/>
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="WordApi" MinVersion="1.1"/>
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue="{taskpane}"/>
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Document">
        <DesktopFormFactor>
          <GetStarted>
            <Title resid="Fanwen.GetStarted.Title"/>
            <Description resid="Fanwen.GetStarted.Desc"/>
            <LearnMoreUrl resid="Fanwen.Help.Url"/>
          </GetStarted>
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <OfficeTab id="TabHome">
              <Group id="Fanwen.Group">
                <Label resid="Fanwen.Group.Label"/>
                <Icon>
{image_list("                  ")}
                </Icon>
                <Control xsi:type="Button" id="Fanwen.OpenPane">
                  <Label resid="Fanwen.Button.Label"/>
                  <Supertip>
                    <Title resid="Fanwen.Button.Label"/>
                    <Description resid="Fanwen.Button.Tip"/>
                  </Supertip>
                  <Icon>
{image_list("                    ")}
                  </Icon>
                  <Action xsi:type="ShowTaskpane">
                    <TaskpaneId>FanwenTaskpane</TaskpaneId>
                    <SourceLocation resid="Fanwen.Taskpane.Url"/>
                    <Title resid="Fanwen.Button.Label"/>
                  </Action>
                </Control>
              </Group>
            </OfficeTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
        <bt:Image id="Fanwen.Icon16" DefaultValue="{icon[16]}"/>
        <bt:Image id="Fanwen.Icon32" DefaultValue="{icon[32]}"/>
        <bt:Image id="Fanwen.Icon80" DefaultValue="{icon[80]}"/>
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Fanwen.Taskpane.Url" DefaultValue="{taskpane}"/>
        <bt:Url id="Fanwen.Help.Url" DefaultValue="{help_url}"/>
      </bt:Urls>
      <bt:ShortStrings>
        <bt:String id="Fanwen.Group.Label" DefaultValue="范文"/>
        <bt:String id="Fanwen.Button.Label" DefaultValue="{_attr(DISPLAY_NAME)}"/>
        <bt:String id="Fanwen.GetStarted.Title" DefaultValue="范文检索已就绪"/>
      </bt:ShortStrings>
      <bt:LongStrings>
        <bt:String id="Fanwen.Button.Tip" DefaultValue="打开范文检索窗格：用选中文字查找述职报告范文段落，插入到光标处。"/>
        <bt:String id="Fanwen.GetStarted.Desc" DefaultValue="在“开始”选项卡点击“范文检索”打开任务窗格。"/>
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>
</OfficeApp>
"""


def validate_word_manifest(manifest: str | bytes) -> list[str]:
    """Validate a manifest against the stored XSDs; return the problems found ([] = valid).

    Uses xmlschema when installed, else lxml. Works offline: every schema is read from
    :data:`SCHEMA_DIR`.
    """
    data = manifest.encode("utf-8") if isinstance(manifest, str) else manifest
    try:
        import xmlschema
    except ImportError:  # pragma: no cover - exercised only where xmlschema is missing
        xmlschema = None
    if xmlschema is not None:
        schema = _xmlschema_schema()
        try:
            errors = list(schema.iter_errors(io.BytesIO(data)))
        except Exception as error:  # not well-formed XML and the like
            return [f"{type(error).__name__}: {error}"]
        return [f"{e.path or '/'}: {e.reason or e.message}" for e in errors]
    from lxml import etree  # pragma: no cover

    schema = etree.XMLSchema(etree.parse(str(MANIFEST_SCHEMA)))  # pragma: no cover
    try:  # pragma: no cover
        doc = etree.fromstring(data)
    except etree.XMLSyntaxError as error:  # pragma: no cover
        return [f"XMLSyntaxError: {error}"]
    if schema.validate(doc):  # pragma: no cover
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]  # pragma: no cover


_SCHEMA_CACHE: dict[str, object] = {}


def _xmlschema_schema():
    if "xmlschema" not in _SCHEMA_CACHE:
        import xmlschema

        # base_url pins every xs:import to the local folder; nothing is fetched from the network.
        _SCHEMA_CACHE["xmlschema"] = xmlschema.XMLSchema10(
            str(MANIFEST_SCHEMA), base_url=str(SCHEMA_DIR), allow="local")
    return _SCHEMA_CACHE["xmlschema"]


# ---------------------------------------------------------------------------------------------
# WPS jsaddin
# ---------------------------------------------------------------------------------------------

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
