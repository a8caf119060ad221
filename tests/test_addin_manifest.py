"""Add-in packaging (service.addin_package): the Word manifest against the official XSDs, offline,
and the WPS jsaddin files. No server and no network: the schemas live in service/addin/schemas/."""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from fanwen.service.http import addin_package as pkg
from fanwen.service.http import wps_package

BASE = "https://fanwen.example.org:8443"
NS = {
    "o": "http://schemas.microsoft.com/office/appforoffice/1.1",
    "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
    "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "cu": "http://schemas.microsoft.com/office/2006/01/customui",
}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


@pytest.fixture(scope="module")
def schema():
    xmlschema = pytest.importorskip("xmlschema")
    # Every import resolves inside SCHEMA_DIR; "local" forbids any remote fetch.
    return xmlschema.XMLSchema10(str(pkg.MANIFEST_SCHEMA), base_url=str(pkg.SCHEMA_DIR), allow="local")


@pytest.fixture(scope="module")
def manifest() -> str:
    return pkg.word_manifest(BASE)


def errors(schema, text: str) -> list:
    return list(schema.iter_errors(io.BytesIO(text.encode("utf-8"))))


# ---------- Word manifest ----------

def test_manifest_validates_against_official_schema(schema, manifest):
    assert errors(schema, manifest) == []
    assert pkg.validate_word_manifest(manifest) == []


def test_manifest_validates_with_lxml_too(manifest):
    etree = pytest.importorskip("lxml.etree")
    xsd = etree.XMLSchema(etree.parse(str(pkg.MANIFEST_SCHEMA)))
    doc = etree.fromstring(manifest.encode("utf-8"))
    assert xsd.validate(doc), [str(e) for e in xsd.error_log]


def test_manifest_content(manifest):
    root = ET.fromstring(manifest)
    assert root.tag == f"{{{NS['o']}}}OfficeApp"
    assert root.get(XSI_TYPE) == "TaskPaneApp"
    assert root.findtext("o:Id", namespaces=NS) == pkg.DEFAULT_ADDIN_ID
    assert root.findtext("o:Version", namespaces=NS) == "1.0.0.0"
    assert [h.get("Name") for h in root.findall("o:Hosts/o:Host", NS)] == ["Document"]
    assert root.findtext("o:Permissions", namespaces=NS) == "ReadWriteDocument"
    source = root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue")
    assert source == BASE + "/addin/taskpane.html"
    assert root.find("o:IconUrl", NS).get("DefaultValue") == BASE + "/addin/icons/icon-32.png"
    assert root.find("o:HighResolutionIconUrl", NS).get("DefaultValue") == BASE + "/addin/icons/icon-64.png"
    assert [d.text for d in root.findall("o:AppDomains/o:AppDomain", NS)] == [BASE]

    # The ribbon button opens the same task pane.
    overrides = root.find("ov:VersionOverrides", NS)
    assert overrides is not None
    button = overrides.find(".//ov:Control", NS)
    assert button.get(XSI_TYPE) == "Button"
    action = button.find("ov:Action", NS)
    assert action.get(XSI_TYPE) == "ShowTaskpane"
    resid = action.find("ov:SourceLocation", NS).get("resid")
    urls = {u.get("id"): u.get("DefaultValue") for u in overrides.findall(".//bt:Urls/bt:Url", NS)}
    assert urls[resid] == BASE + "/addin/taskpane.html"
    # Every resid used is defined once in Resources.
    defined = [e.get("id") for e in overrides.find("ov:Resources", NS).iter() if e.get("id")]
    assert len(defined) == len(set(defined))
    used = {e.get("resid") for e in overrides.iter() if e.get("resid")}
    assert used <= set(defined)


def test_manifest_custom_id_and_version(schema):
    text = pkg.word_manifest(BASE + "/", addin_id="{12345678-1234-1234-1234-1234567890AB}", version="2.3")
    assert errors(schema, text) == []
    assert "<Id>{12345678-1234-1234-1234-1234567890AB}</Id>" in text
    assert "<Version>2.3</Version>" in text
    assert BASE + "//addin" not in text  # the trailing slash is dropped


def test_icons_referenced_by_manifest_exist(manifest):
    for url in set(re.findall(r'"(https://[^"]+\.png)"', manifest)):
        name = url.rsplit("/addin/", 1)[1]
        data = (pkg.ADDIN_DIR / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name


def test_url_is_xml_escaped(schema):
    base = "http://127.0.0.1:8000/fan&wen'x"
    text = pkg.word_manifest(base)
    assert "fan&amp;wen" in text and "fan&wen" not in text
    assert errors(schema, text) == []
    root = ET.fromstring(text)  # well-formed, and the value round-trips
    assert root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == base + "/addin/taskpane.html"


@pytest.mark.parametrize("bad", [
    "ftp://example.org", "file:///tmp/x", "javascript:alert(1)", "example.org", "//example.org",
    "", "   ", "https://", "http://exa mple.org", 'http://example.org/"><x', "https://example.org/?a=1",
    "https://example.org/#top", "https://user:pw@example.org", "http://example.org:99999",
])
def test_non_http_base_url_raises(bad):
    with pytest.raises(ValueError):
        pkg.word_manifest(bad)
    with pytest.raises(ValueError):
        wps_package.wps_addin_files(bad)


def test_bad_id_or_version_raises():
    with pytest.raises(ValueError):
        pkg.word_manifest(BASE, addin_id="not-a-guid")
    with pytest.raises(ValueError):
        pkg.word_manifest(BASE, version="v1")


# ---------- the check itself can fail ----------

def test_missing_id_fails_validation(schema, manifest):
    broken = re.sub(r"\s*<Id>[^<]*</Id>", "", manifest, count=1)
    assert broken != manifest
    found = errors(schema, broken)
    assert found, "a manifest without <Id> must not validate"
    assert pkg.validate_word_manifest(broken)


@pytest.mark.parametrize("mutate", [
    lambda m: m.replace("<Permissions>ReadWriteDocument</Permissions>", "<Permissions>Everything</Permissions>"),
    lambda m: m.replace('xsi:type="TaskPaneApp"', 'xsi:type="NoSuchApp"'),
    lambda m: re.sub(r"\s*<Supertip>.*?</Supertip>", "", m, count=1, flags=re.S),  # inside VersionOverrides
    lambda m: m.replace("<Version>1.0.0.0</Version>", "<Version>one</Version>"),
    lambda m: m.replace("<DefaultLocale>zh-CN</DefaultLocale>", ""),
])
def test_other_breakages_fail_validation(schema, manifest, mutate):
    broken = mutate(manifest)
    assert broken != manifest
    assert errors(schema, broken)


def test_not_xml_is_reported():
    assert pkg.validate_word_manifest("<OfficeApp>")


# ---------- WPS jsaddin ----------

@pytest.fixture(scope="module")
def wps():
    return wps_package.wps_addin_files(BASE + "/")


def test_wps_files_present(wps):
    assert {"manifest.xml", "ribbon.xml", "index.html", "main.js", "publish.xml", "jsplugins.xml"} <= set(wps)
    for name, text in wps.items():
        assert isinstance(text, str) and text.strip(), name
        assert "/" not in name, "served as /addin/wps/<name>: names must be flat"
        assert wps_package.media_type(name) != "application/octet-stream", name


def test_wps_ribbon(wps):
    assert wps["ribbon.xml"].startswith("<customUI"), "WPS's deployment check expects this start"
    root = ET.fromstring(wps["ribbon.xml"].encode("utf-8"))
    assert root.tag == f"{{{NS['cu']}}}customUI"
    assert root.get("onLoad") == "OnAddinLoad"
    tab = root.find("cu:ribbon/cu:tabs/cu:tab", NS)
    assert tab.get("label") == "范文检索"
    button = tab.find("cu:group/cu:button", NS)
    assert button.get("label") == "范文检索"
    assert button.get("onAction") == "OnAction"
    assert BASE + "/addin/taskpane.html" in button.get("supertip")
    # The callbacks the ribbon names exist in main.js, which index.html loads.
    main = wps["main.js"]
    for callback in ("OnAddinLoad", "OnAction", button.get("getImage")):
        assert re.search(rf"function {callback}\(", main), callback
    assert f'"{button.get("id")}"' in main
    assert 'src="main.js"' in wps["index.html"]


def test_wps_main_opens_task_pane_on_server(wps):
    main = wps["main.js"]
    assert "CreateTaskPane(FANWEN_TASKPANE_URL)" in main
    assert f'var FANWEN_TASKPANE_URL = "{BASE}/addin/taskpane.html?host=wps";' in main
    assert f'var FANWEN_SERVER = "{BASE}";' in main


def test_wps_manifest_and_publish_point_at_server(wps):
    manifest = ET.fromstring(wps["manifest.xml"].encode("utf-8"))
    assert manifest.tag == "JsPlugin"
    assert manifest.findtext("Name") == pkg.WPS_ADDIN_NAME
    assert manifest.findtext("ApiVersion")
    assert BASE in manifest.findtext("Description")
    for name in ("publish.xml", "jsplugins.xml"):
        root = ET.fromstring(wps[name].encode("utf-8"))
        assert root.tag == "jsplugins"
        (plugin,) = root.findall("jspluginonline")
        assert plugin.get("name") == pkg.WPS_ADDIN_NAME
        assert plugin.get("type") == "wps"
        assert plugin.get("url") == BASE + "/addin/wps/", "WPS fetches <url>ribbon.xml: it must end with /"


def test_wps_icon_is_svg(wps):
    root = ET.fromstring(wps["fanwen.svg"].encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_wps_escaping():
    base = "http://127.0.0.1:8000/a&b"
    files = wps_package.wps_addin_files(base)
    for name in ("ribbon.xml", "manifest.xml", "publish.xml", "jsplugins.xml"):
        ET.fromstring(files[name].encode("utf-8"))  # still well-formed
    assert "a\\u0026b" in files["main.js"] and "a&b" not in files["main.js"].split("\n", 1)[1]


def test_wps_zip(wps):
    with zipfile.ZipFile(io.BytesIO(wps_package.wps_addin_zip(BASE))) as archive:
        names = set(archive.namelist())
        assert {"publish.xml", "fanwen/ribbon.xml", "fanwen/main.js", "fanwen/index.html"} <= names
        assert archive.read("fanwen/ribbon.xml").decode("utf-8") == wps["ribbon.xml"]
