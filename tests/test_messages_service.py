"""Chinese messages as users meet them: the real server's errors (English on request) and the fanwen command."""
from __future__ import annotations

import io
import json
import shutil

import httpx
import pytest

from conftest import ServerThread, make_app
from fanwen.service.cli.main import main

EN = {"Accept-Language": "en-US,en;q=0.9"}


def scanned_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(50, 50, 200, 200, fill=1)
    pdf.save()
    return buffer.getvalue()


def message(response, status: int, code: str) -> str:
    assert response.status_code == status and response.json()["error"]["code"] == code, response.text
    return response.json()["error"]["message"]


@pytest.mark.parametrize("name, body, status, code, zh, en", [
    ("scan.pdf", None, 422, "unreadable_file", "扫描件无法识别文字，请先做文字识别（OCR）或上传 Word 版", "OCR it first"),
    ("旧版.doc", b"\xd0\xcf\x11\xe0", 415, "unsupported_media_type", "请在 Word/WPS 中另存为 .docx 后再上传", "save it as .docx"),
    ("报告.wps", b"\xd0\xcf\x11\xe0", 415, "unsupported_media_type", "另存为 .docx", "save it as .docx"),
    ("empty.txt", b"", 422, "unreadable_file", "文件是空的", "file is empty"),
    ("fake.docx", b"plain text", 422, "unreadable_file", "无法读取 fake.docx", "corrupt .docx"),
    ("big.txt", "党建".encode() * 400_000, 413, "payload_too_large", "超过 1 MB 的上限", "over the 1 MB limit"),
])
def test_upload_errors_say_what_to_do(writable_server, name, body, status, code, zh, en):
    files = {"file": (name, scanned_pdf() if body is None else body)}
    url = f"{writable_server}/api/documents"
    assert zh in message(httpx.post(url, files=files, timeout=60), status, code)
    assert en in message(httpx.post(url, files=files, headers=EN, timeout=60), status, code)


@pytest.mark.parametrize("params, zh, en", [
    ({"q": "党" * 1001}, "查询有 1001 个字，最多 1000 个字，请删减后再试", "query is 1001 characters long"),
    ({"q": "党建", "k": "abc"}, "条数 k 应是 1 到 100 之间的整数", "k must be a whole number"),
    ({"q": "党建", "role": "总结"}, "未知的段落类型“总结”", "unknown role"),
])
def test_search_errors_are_chinese_and_english_on_request(live_server, params, zh, en):
    url = f"{live_server}/api/search"
    assert zh in message(httpx.get(url, params=params), 400, "invalid_parameter")
    assert en in message(httpx.get(url, params=params, headers=EN), 400, "invalid_parameter")


def test_an_unknown_document_filter_is_a_404_naming_it(live_server):
    url, params = f"{live_server}/api/search", {"q": "党建", "doc": "nope"}
    assert "范文库里没有文档“nope”" in message(httpx.get(url, params=params), 404, "not_found")
    assert "unknown document" in message(httpx.get(url, params=params, headers=EN), 404, "not_found")


def test_unknown_chunk_and_document(live_server, writable_server):
    assert "没有编号为 99999 的段落：范文库可能已更新，请重新检索" in message(httpx.get(f"{live_server}/api/chunks/99999"), 404, "not_found")
    assert "没有文档“nope”" in message(httpx.delete(f"{writable_server}/api/documents/nope"), 404, "not_found")
    body = httpx.post(f"{live_server}/api/search", json={"k": 3}).json()["error"]
    assert body == {"code": "invalid_parameter", "message": "参数 query：缺少这个参数"}


def test_the_page_role_labels_are_accepted_by_the_api(live_server):
    hits = httpx.get(f"{live_server}/api/search", params={"q": "党建", "role": "问题", "k": 3}).json()["hits"]
    assert hits and {hit["role"] for hit in hits} == {"problems"}


def test_a_missing_key_says_where_to_get_it(writable_library):
    with ServerThread(make_app(writable_library, api_key="s3cret")) as server:
        url = f"{server.url}/api/documents/x"
        assert "FANWEN_API_KEY" in message(httpx.delete(url), 401, "unauthorized")
        assert message(httpx.delete(url, headers=EN), 401, "unauthorized").startswith("missing or wrong X-API-Key")


@pytest.fixture
def home(corpus_home, tmp_path):
    copy = tmp_path / "home"
    shutil.copytree(corpus_home, copy)
    return str(copy)


def test_cli_help_is_chinese(capsys):
    for argv in (["--help"], ["search", "--help"], ["index", "--help"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        out = capsys.readouterr().out
        assert info.value.code == 0 and out.startswith("用法：") and "显示本帮助并退出" in out
        assert "show this help" not in out and "options:" not in out
    with pytest.raises(SystemExit):
        main(["search", "--help"])
    assert "开头 成效 问题 原因 措施 结尾" in capsys.readouterr().out


@pytest.mark.parametrize("argv, needle", [
    ([], "fanwen: error: 缺少必需的参数：命令"),
    (["search", "党建", "-k", "abc"], "fanwen search: error: 参数 -k：应是整数，收到 'abc'"),
    (["search", "党建", "--mode", "fast"], "参数 --mode：无效的选择 'fast'（可选："),
    (["docs", "--nope"], "fanwen: error: 无法识别的参数：--nope"),
])
def test_cli_argparse_errors_are_chinese(capsys, argv, needle):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2 and needle in capsys.readouterr().err


def test_cli_takes_chinese_roles_and_explains_errors_in_chinese(home, capsys, monkeypatch):
    assert main(["--home", home, "search", "党建", "--role", "问题", "--role", "做法", "--json", "-k", "4"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["roles"] == ["problems", "achievements"]
    assert main(["--home", home, "search", "党" * 1001]) == 2
    assert capsys.readouterr().err == "fanwen: error: 查询有 1001 个字，最多 1000 个字，请删减后再试\n"
    monkeypatch.setenv("FANWEN_LANG", "en")
    assert main(["--home", home, "search", "党" * 1001]) == 2
    assert "at most 1000 are allowed" in capsys.readouterr().err
