"""Packaging for the fanwen editor add-in (Word and WPS).

The task pane itself is static: ``service/addin/`` is served at ``/addin/`` (``taskpane.html``,
``taskpane.js``, ``host.js``, ``taskpane.css``, ``icons/``). What depends on the address the
server is reached at is rendered here, from a base URL such as ``https://fanwen.example.org``
(scheme + host [+ port] [+ path prefix], no query, no fragment):

* :func:`word_manifest` - the Word add-in manifest (``manifest.xml``, XML manifest format 1.1,
  TaskPaneApp for the Document host, with a ribbon button on the Home tab).
* :func:`wps_package.wps_addin_files` - a WPS 加载项 (jsaddin, online mode): ``ribbon.xml``, ``main.js``,
  ``index.html``, ``manifest.xml``, the button icon, and the two XML snippets that tell WPS where
  the add-in lives (``publish.xml`` for one user, ``jsplugins.xml`` for central deployment).
  WPS fetches ``<url>ribbon.xml`` and ``<url>index.html`` from the ``url`` written there, which is
  :data:`WPS_ADDIN_PATH` under the base URL, so the server must answer
  ``GET {base}/addin/wps/<name>`` with ``wps_addin_files(base)[<name>]``.
* :func:`wps_package.wps_addin_zip` - the same files as a zip (for installing the jsaddin folder by hand).
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
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as _xml_escape

__all__ = [
    "ADDIN_DIR", "SCHEMA_DIR", "MANIFEST_SCHEMA", "DEFAULT_ADDIN_ID", "TASKPANE_PATH",
    "WORD_MANIFEST_PATH", "WPS_ADDIN_PATH", "WPS_ADDIN_NAME", "normalize_base_url",
    "word_manifest", "validate_word_manifest",
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
