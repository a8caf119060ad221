"""Every message a user can see has Chinese (with the English kept): raise sites, API errors, CLI, role names."""
import ast
import re
from pathlib import Path

import pytest
from fastapi import FastAPI, Query
from fastapi.testclient import TestClient

from fanwen.index.errors import (ConfigurationError, CorruptIndex, FanwenError, IndexBusy, InvalidInput, ModelMismatch,
                                 NotFound, UnreadableFile, UnsupportedFormat, unsupported_format)
from fanwen.index.retrieval.intent import validate_roles
from fanwen.service.http.errors import ApiError, install_error_handlers, request_lang, too_large

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u4e00-\u9fff]")
ERRORS = {"FanwenError", "InvalidInput", "UnsupportedFormat", "UnreadableFile", "NotFound", "ModelMismatch",
          "IndexBusy", "ConfigurationError", "CorruptIndex", "ApiError"}


def _literal_text(node) -> str:
    """The constant text of a str literal, f-string or concatenation (what the message always says)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_text(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) + _literal_text(node.right)
    return ""


def _constructions():
    for folder in ("index", "service"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                    if name in ERRORS or name == "RewriteFailed":
                        yield f"{path.relative_to(ROOT)}:{node.lineno}", name, node


def test_every_raise_site_has_a_chinese_message():
    sites = list(_constructions())
    assert len(sites) > 60  # the walk sees the raise sites of index/ and service/
    missing = []
    for where, name, call in sites:
        if name == "RewriteFailed":  # a warning reason, Chinese as it is
            text = _literal_text(call.args[0]) if call.args else ""
        else:
            zh = next((kw.value for kw in call.keywords if kw.arg == "zh"), None)
            text = _literal_text(zh) if zh is not None else ""
        if not HAN.search(text):
            missing.append(f"{where} {name}")
    assert not missing, "messages without Chinese:\n" + "\n".join(missing)


def test_errors_are_chinese_with_english_kept():
    exc = InvalidInput("k must be between 1 and 100, got 0", field="k", zh="条数 k 应在 1 到 100 之间")
    assert str(exc) == exc.text() == "条数 k 应在 1 到 100 之间" and exc.en == exc.text("en") and exc.field == "k"
    assert str(NotFound("unknown document 'x'", zh="范文库里没有文档“x”")) == "范文库里没有文档“x”"
    assert str(FanwenError("plain")) == "plain"  # no Chinese given: the English is still shown
    doc = unsupported_format(".doc", "旧报告.doc", [".txt", ".docx"])
    assert "另存为 .docx" in str(doc) and "save it as .docx" in doc.en
    assert "只能读取 .txt, .docx" in str(unsupported_format(".xls", "a.xls", [".txt", ".docx"]))
    assert "2 MB" in too_large(2 << 20).message and too_large(2 << 20).status == 413


@pytest.mark.parametrize("header, lang", [
    (None, "zh"), ("", "zh"), ("en", "en"), ("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
    ("en;q=0.5, zh-CN;q=0.9", "zh"), ("zh;q=0.3, en-GB;q=0.7", "en"), ("fr-FR, en;q=0.8", "en"),
    ("fr", "zh"), ("en;q=0, zh;q=0.1", "zh"), ("EN-us", "en"), ("en;q=bogus, zh", "zh"), ("*", "zh"),
])
def test_accept_language_is_parsed_with_q_values(header, lang):
    assert request_lang(header) == lang


@pytest.mark.parametrize("names, roles", [
    (["问题"], ["problems"]), ("成效,原因", ["achievements", "causes"]), (["做法", "打算"], ["achievements", "plans"]),
    (["开头、结尾"], ["opening", "closing"]), (["Plans", "措施"], ["plans"]), ("problems，问题", ["problems"]),
])
def test_roles_are_taken_in_chinese_and_english(names, roles):
    assert validate_roles(names) == roles


def test_an_unknown_role_names_the_chinese_labels():
    with pytest.raises(InvalidInput) as info:
        validate_roles(["总结"])
    assert "开头、成效、问题、原因、措施、结尾" in str(info.value) and "opening" in info.value.en


LIBRARY_ERRORS = {
    "invalid": (InvalidInput("bad k", field="k", zh="条数不对"), 400, "invalid_parameter"),
    "missing": (NotFound("unknown document", zh="没有文档"), 404, "not_found"),
    "format": (UnsupportedFormat("bad type", zh="请另存为 .docx"), 415, "unsupported_media_type"),
    "unreadable": (UnreadableFile("empty", zh="文件是空的"), 422, "unreadable_file"),
    "corrupt": (CorruptIndex("damaged", zh="请运行 fanwen index --rebuild"), 422, "unreadable_file"),
    "busy": (IndexBusy("busy", zh="请稍后再试"), 503, "busy"),
    "model": (ModelMismatch("other model", zh="重建索引"), 500, "model_mismatch"),
    "config": (ConfigurationError("no backend", zh="设置有误"), 400, "failed"),
    "key": (ApiError(401, "unauthorized", "missing key", zh="缺少密钥"), 401, "unauthorized"),
    "big": (too_large(1 << 20), 413, "payload_too_large"),
}


@pytest.fixture(scope="module")
def client():
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/fail/{kind}")
    def fail(kind: str):
        if kind == "crash":
            raise RuntimeError("boom")
        raise LIBRARY_ERRORS[kind][0]

    @app.get("/typed")
    def typed(k: int, q: str = Query(..., max_length=5)):
        return {"k": k, "q": q}

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("kind", sorted(LIBRARY_ERRORS))
def test_each_error_code_is_chinese_by_default_and_english_on_request(client, kind):
    exc, status, code = LIBRARY_ERRORS[kind]
    zh, en = client.get(f"/fail/{kind}"), client.get(f"/fail/{kind}", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert zh.status_code == en.status_code == status
    assert zh.json() == {"error": {"code": code, "message": exc.text("zh")}} and HAN.search(exc.text("zh"))
    assert en.json() == {"error": {"code": code, "message": exc.text("en")}} and not HAN.search(exc.text("en"))


def test_unexpected_errors_are_500_in_both_languages(client):
    assert "服务器内部错误" in client.get("/fail/crash").json()["error"]["message"]
    english = client.get("/fail/crash", headers={"Accept-Language": "en"}).json()["error"]
    assert english == {"code": "internal", "message": "internal error: RuntimeError"}


@pytest.mark.parametrize("query, zh, en", [
    ("", "参数 k：缺少这个参数", "k: Field required"),
    ("?k=abc&q=a", "参数 k：应是整数", "k: Input should be a valid integer"),
    ("?k=1&q=abcdefg", "参数 q：太长，最多 5 个字", "q: String should have at most 5 characters"),
])
def test_validation_errors_are_translated(client, query, zh, en):
    response = client.get("/typed" + query)
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_parameter"
    assert zh in response.json()["error"]["message"]
    assert en in client.get("/typed" + query, headers={"Accept-Language": "en"}).json()["error"]["message"]


def test_404_and_405_are_chinese_and_405_says_what_is_allowed(client):
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and missing.json()["error"]["message"].startswith("没有这个地址：/nowhere")
    assert client.get("/nowhere", headers={"Accept-Language": "en"}).json()["error"]["message"] == \
        "no such path: /nowhere"
    wrong = client.post("/typed?k=1&q=a")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET"
    assert wrong.json()["error"] == {"code": "method_not_allowed", "message": "/typed 不接受 POST 请求，只接受 GET"}


def test_405_names_every_method_the_path_answers(live_server):
    import httpx

    response = httpx.request("OPTIONS", f"{live_server}/api/search")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, POST"
    assert httpx.put(f"{live_server}/api/documents/x").headers["Allow"] == "DELETE"
