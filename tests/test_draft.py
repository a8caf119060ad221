"""Outlines from exemplars on the real corpus: structure, no repeats, exports, CLI, API and optional rewriting."""
from __future__ import annotations

import copy
import io
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fanwen.index.drafting import outline as draft
from fanwen.index.storage.dedup import jaccard, shingles
from fanwen.index.drafting.outline import build_outline, make_title
from fanwen.index.drafting.export import to_docx, to_markdown
from fanwen.index.errors import InvalidInput
from fanwen.index.drafting.rewrite import Endpoint, rewrite_outline

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TOPIC = "街道党工委书记 抓基层党建工作述职"
FOCUS = "两新组织 社区治理"
SECTION_ROLES = {"opening": ["opening"], "achievements": ["achievements"], "problems": ["problems", "causes"],
                 "plans": ["plans"], "closing": ["closing"]}


@pytest.fixture(scope="session")
def library(request, tmp_path_factory):
    """The sample corpus index: the shared one from conftest when there is one, else built here once."""
    try:
        return request.getfixturevalue("corpus_library")
    except pytest.FixtureLookupError:
        from fanwen.index.retrieval.embed import load_embedder
        from fanwen.index.library import Library

        lib = Library(tmp_path_factory.mktemp("draft-index"), load_embedder())
        lib.add_paths([CORPUS])
        return lib


@pytest.fixture(scope="module")
def outline(library):
    return build_outline(library, TOPIC, FOCUS)


def vectors_of(library, ids):
    """Topic-sentence vectors, as the outline sees them (stored or embedded on demand)."""
    from fanwen.index.drafting.topics import topic_vectors

    return dict(zip(ids, topic_vectors(library, library.snapshot, list(ids))))


def test_sections_come_in_report_order_with_default_counts(outline):
    keys = [s.key for s in outline.sections]
    assert keys == [k for k, *_ in draft.SECTIONS if k in keys]
    assert keys[:4] == ["opening", "achievements", "problems", "plans"]  # the corpus has no closing paragraphs
    headings = [s.heading for s in outline.sections if s.heading]
    assert headings == ["一、主要做法和成效", "二、存在的问题及原因", "三、下一步打算"]
    roles = [slot.role for slot in outline.slots()]
    assert roles == ["opening"] + ["achievements"] * 4 + ["problems"] * 3 + ["causes"] * 3 + ["plans"] * 4
    assert outline.title == "街道党工委书记抓基层党建工作述职报告"
    assert outline.focus == ["两新组织", "社区治理"] and outline.warnings == []


def test_every_slot_holds_a_library_chunk_of_its_sections_role(library, outline):
    chunks, docs = library.snapshot.chunks, library.snapshot.docs
    for section in outline.sections:
        for slot in section.slots:
            for exemplar in [slot.exemplar] + slot.alternates:
                chunk = chunks[exemplar.id]
                assert chunk.role in SECTION_ROLES[section.key] and chunk.role == slot.role
                assert (exemplar.doc, exemplar.title, exemplar.heading) == (
                    chunk.doc, library.display_name(chunk.doc), chunk.heading)
                assert docs[chunk.doc].title in exemplar.title
                assert all(re.fullmatch(r"X+(?:月X+日)?", exemplar.body[a:b]) for a, b in exemplar.placeholders)
                assert len(exemplar.placeholders) == len(re.findall(r"X+(?:月X+日)?", exemplar.body))
            assert slot.text == slot.exemplar.body and len(slot.alternates) == 2


def near_duplicates(library, left, right) -> bool:
    """Same or overlapping text, shingle Jaccard >= 0.3, or topic-sentence cosine >= 0.975 (e5-small's scale)."""
    a, b = library.snapshot.chunks[left], library.snapshot.chunks[right]
    vectors = vectors_of(library, [left, right])
    overlap = a.doc == b.doc and a.start < b.end and b.start < a.end
    return (left == right or overlap or jaccard(shingles(a.text), shingles(b.text)) >= 0.3
            or float(vectors[left] @ vectors[right]) >= 0.975)


def test_no_two_slots_or_alternates_repeat_each_other(library, outline):
    chosen = [slot.exemplar.id for slot in outline.slots()]
    assert len(set(chosen)) == len(chosen)
    for section in outline.sections:
        ids = [slot.exemplar.id for slot in section.slots]
        for i, left in enumerate(ids):
            for right in ids[i + 1:]:
                assert not near_duplicates(library, left, right), (left, right)
    alternates = [alt.id for slot in outline.slots() for alt in slot.alternates]
    assert len(set(alternates)) == len(alternates)
    for alt in alternates:
        assert not any(near_duplicates(library, alt, cid) for cid in chosen), alt


def test_known_paraphrase_pair_is_never_in_one_section(library):
    """党建与业务工作融合不好 (2019 report) and 党建与业务工作结合还不够紧密 (党总支 report) say the same."""
    snap = library.snapshot
    pair = {c.id for c in snap.chunks.values() if "党建与业务工作融合不好" in c.text or "党建与业务工作结合还不够紧密" in c.text}
    assert len(pair) == 2 and near_duplicates(library, *pair)
    for counts in ({"problems": 10}, {"problems": 6}):
        outline = build_outline(library, "党建与业务工作融合 存在的问题", counts=counts)
        problems = {slot.exemplar.id for slot in outline.slots() if slot.role == "problems"}
        assert len(problems & pair) == 1


def test_alternates_come_from_other_reports(outline):
    for slot in outline.slots():
        docs = [slot.exemplar.doc] + [alt.doc for alt in slot.alternates]
        assert len(set(docs)) == len(docs), slot.key


def test_focus_words_shape_the_outline(library, outline):
    plain = build_outline(library, TOPIC)
    def mentions(o):
        return sum("两新" in slot.exemplar.text for slot in o.slots())
    assert mentions(outline) >= 2 and mentions(outline) > mentions(plain)


def test_counts_and_topic_are_validated(library):
    small = build_outline(library, TOPIC, counts={"achievements": 2, "plans": 1, "causes": 0, "opening": 0})
    assert [slot.key for slot in small.slots()] == ["achievements-1", "achievements-2", "problems-1", "problems-2",
                                                    "problems-3", "plans-1"]
    for counts in ({"achievements": 11}, {"achievements": -1}, {"achievements": "4"}, {"foreword": 1}):
        with pytest.raises(InvalidInput):
            build_outline(library, TOPIC, counts=counts)
    with pytest.raises(InvalidInput):
        build_outline(library, "   ")


@pytest.mark.parametrize("topic, title", [
    ("街道党工委书记 抓基层党建工作述职", "街道党工委书记抓基层党建工作述职报告"),
    ("机关党委书记抓基层党建工作述职报告", "机关党委书记抓基层党建工作述职报告"),
    ("2020年 抓基层党建工作", "2020年抓基层党建工作述职报告"),
])
def test_title_from_topic(topic, title):
    assert make_title(topic) == title


def test_choices_swap_in_an_alternate(library, outline):
    slot = outline.slots()[2]
    alternate = slot.alternates[1]
    swapped = build_outline(library, TOPIC, FOCUS, choices={slot.key: alternate.id})
    new = {s.key: s for s in swapped.slots()}[slot.key]
    assert new.exemplar.id == alternate.id and new.text == alternate.body
    assert [a.id for a in new.alternates] == [slot.exemplar.id, slot.alternates[0].id]
    for bad in ({"achievements-9": alternate.id}, {slot.key: 10 ** 6}, {slot.key: outline.slots()[0].exemplar.id}):
        with pytest.raises(InvalidInput):
            build_outline(library, TOPIC, FOCUS, choices=bad)


def test_markdown_export(outline):
    text = to_markdown(outline)
    lines = [line for line in text.splitlines() if line]
    assert lines[0] == "# 街道党工委书记抓基层党建工作述职报告"
    headings = [line for line in lines if line.startswith("#")]
    assert headings == ["# 街道党工委书记抓基层党建工作述职报告", "## 一、主要做法和成效", "## 二、存在的问题及原因",
                        "### （一）存在的问题", "### （二）原因分析", "## 三、下一步打算"]
    achievements = [s for s in outline.slots() if s.role == "achievements"]
    assert f"（二）{achievements[1].text}" in lines
    causes = [s for s in outline.slots() if s.role == "causes"]
    assert f"三是{causes[2].text}" in lines
    assert not any("出处" in line for line in lines)  # a text to hand in: no citations unless asked
    cited = [line for line in to_markdown(outline, citations=True).splitlines() if line]
    assert sum(line.startswith("*出处：《") for line in cited) == len(outline.slots())
    assert cited[cited.index(f"三是{causes[2].text}") + 1].startswith("*出处：《")


def test_docx_export_has_real_heading_styles(outline, tmp_path):
    import docx

    path = tmp_path / "outline.docx"
    to_docx(outline, path, citations=True)
    paragraphs = docx.Document(str(path)).paragraphs
    styled = [(p.style.name, p.text) for p in paragraphs]
    assert styled[0] == ("Title", "街道党工委书记抓基层党建工作述职报告")
    assert [t for s, t in styled if s == "Heading 1"] == ["一、主要做法和成效", "二、存在的问题及原因", "三、下一步打算"]
    assert [t for s, t in styled if s == "Heading 2"] == ["（一）存在的问题", "（二）原因分析"]
    plans = [s for s in outline.slots() if s.role == "plans"]
    body = [t for s, t in styled if s == "Normal"]
    assert f"（四）{plans[3].text}" in body
    citations = [p for p in paragraphs if p.text.startswith("出处：")]
    assert len(citations) == len(outline.slots())
    slots = [run for p in paragraphs for run in p.runs if run.font.highlight_color is not None]
    assert slots and all(set(run.text) <= set("X月日") for run in slots)


def test_cli_draft_writes_docx_and_markdown(library, tmp_path, capsys):
    import docx

    from fanwen.service.entry import main

    home = str(library.home)
    out = tmp_path / "draft.docx"
    assert main(["--home", home, "draft", TOPIC, "--focus", FOCUS, "--points", "3", "--out", str(out)]) == 0
    styled = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs]
    assert [t for s, t in styled if s == "Heading 1"] == ["一、主要做法和成效", "二、存在的问题及原因", "三、下一步打算"]
    assert sum(t.startswith("（三）") for s, t in styled) == 2 and not any(t.startswith("（四）") for s, t in styled)
    assert not any(t.startswith("出处：") for s, t in styled)
    assert main(["--home", home, "draft", TOPIC, "--points", "1", "--out", str(out), "--citations"]) == 0
    cited = [p.text for p in docx.Document(str(out)).paragraphs if p.text.startswith("出处：《")]
    assert len(cited) == 1 + 1 + 3 + 3 + 1  # opening, one achievement, 3 problems, 3 causes, one plan
    assert main(["--home", home, "draft", TOPIC, "--problems", "2", "--causes", "1"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("# 街道党工委书记抓基层党建工作述职报告\n")
    problems = printed.split("### （一）存在的问题")[1].split("### （二）原因分析")[0]
    causes = printed.split("### （二）原因分析")[1].split("## 三、下一步打算")[0]
    assert "\n二是" in problems and "\n三是" not in problems
    assert "\n一是" in causes and "\n二是" not in causes
    md = tmp_path / "draft.md"
    assert main(["--home", home, "draft", TOPIC, "--out", str(md)]) == 0
    assert md.read_text(encoding="utf-8").startswith("# 街道党工委书记")
    capsys.readouterr()
    assert main(["--home", home, "draft", TOPIC, "--out", str(tmp_path / "draft.pdf")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and ".docx 或 .md" in err
    assert not (tmp_path / "draft.pdf").exists()


class ChatServer:
    """A chat-completions endpoint on 127.0.0.1: mode ok, error (HTTP 500), slow (sleeps), junk."""

    def __init__(self, mode: str, delay: float = 0.0):
        self.mode, self.delay, self.requests = mode, delay, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((self.path, dict(self.headers), payload))
                if server.mode == "error":
                    return self.send_error(500, "boom")
                time.sleep(server.delay)
                paragraph = payload["messages"][-1]["content"].rsplit("\n", 1)[-1]
                reply = {"choices": [{"message": {"role": "assistant", "content": f"【改写】{paragraph}"}}]}
                body = json.dumps(reply if server.mode != "junk" else {"id": 1}, ensure_ascii=False).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_rewrite_uses_the_models_text_and_keeps_the_citation(outline):
    mine = copy.deepcopy(outline)
    with ChatServer("ok") as server:
        assert rewrite_outline(mine, Endpoint(server.url, "test-model", "secret", timeout=10)) == len(mine.slots())
    assert mine.warnings == []
    for slot in mine.slots():
        assert slot.rewritten and slot.text == f"【改写】{slot.exemplar.body}"
    path, headers, payload = server.requests[0]
    assert path == "/v1/chat/completions" and headers["Authorization"] == "Bearer secret"
    assert payload["model"] == "test-model" and "街道党工委书记抓基层党建工作述职报告" in payload["messages"][-1]["content"]
    assert len(server.requests) == len(mine.slots())
    cites = [line for line in to_markdown(mine, citations=True).splitlines() if line.startswith("*")]
    assert len(cites) == len(mine.slots()) and all(line.startswith("*改写自：《") for line in cites)


@pytest.mark.parametrize("mode, delay, warning", [
    ("error", 0.0, "HTTP 500"), ("slow", 3.0, "0.5 秒内没有回答"), ("junk", 0.0, "不是对话补全")])
def test_rewrite_failures_fall_back_to_the_exemplar_with_a_warning(outline, mode, delay, warning):
    mine = copy.deepcopy(outline)
    started = time.perf_counter()
    with ChatServer(mode, delay) as server:
        assert rewrite_outline(mine, Endpoint(server.url, "m", None, timeout=0.5)) == 0
    assert time.perf_counter() - started < 2.5  # a hanging endpoint is not waited on once per slot
    assert all(not s.rewritten and s.text == s.exemplar.body for s in mine.slots())
    assert mine.warnings and warning in mine.warnings[0]
    assert "Authorization" not in server.requests[0][1]


def test_rewrite_without_endpoint_warns(outline):
    mine = copy.deepcopy(outline)
    assert rewrite_outline(mine, None) == 0
    assert len(mine.warnings) == 1 and "没有配置改写用的大模型" in mine.warnings[0]


@pytest.fixture(scope="module")
def client(library, tmp_path_factory):
    from fastapi.testclient import TestClient

    from fanwen.service.http.app import create_app
    from fanwen.service.settings import Settings

    return TestClient(create_app(Settings(home=tmp_path_factory.mktemp("draft-home")), library))


def test_api_draft_json_markdown_and_docx(client, outline):
    import docx

    response = client.post("/api/draft", json={"topic": TOPIC, "focus": FOCUS})
    assert response.status_code == 200
    data = response.json()
    assert [s["key"] for s in data["sections"]] == [s.key for s in outline.sections]
    first = data["sections"][1]["slots"][0]
    assert first["chosen"]["id"] == outline.sections[1].slots[0].exemplar.id and len(first["alternates"]) == 2
    assert data["sections"][2]["subheadings"] == {"problems": "（一）存在的问题", "causes": "（二）原因分析"}
    md = client.post("/api/draft", json={"topic": TOPIC, "focus": FOCUS, "format": "markdown"})
    assert md.headers["content-type"].startswith("text/markdown") and md.text == to_markdown(outline)
    slot = outline.slots()[1]
    choice = {slot.key: slot.alternates[0].id}
    doc = client.post("/api/draft", json={"topic": TOPIC, "focus": FOCUS, "format": "docx", "choices": choice})
    assert doc.headers["content-type"] == draft_api_docx() and "attachment" in doc.headers["content-disposition"]
    texts = [p.text for p in docx.Document(io.BytesIO(doc.content)).paragraphs]
    assert f"（一）{slot.alternates[0].body}" in texts and f"（一）{slot.text}" not in texts
    assert not any(t.startswith("出处：") for t in texts)
    cited = client.post("/api/draft", json={"topic": TOPIC, "focus": FOCUS, "format": "markdown", "citations": True})
    assert cited.text == to_markdown(outline, citations=True) and "*出处：《" in cited.text


def draft_api_docx() -> str:
    from fanwen.service.http.drafting_routes import DOCX

    return DOCX


def test_api_draft_rewrite_without_endpoint_is_a_warning(client):
    response = client.post("/api/draft", json={"topic": TOPIC, "rewrite": True, "counts": {"achievements": 1}})
    assert response.status_code == 200 and "没有配置改写用的大模型" in response.json()["warnings"][0]


@pytest.mark.parametrize("body", [
    {"topic": TOPIC, "format": "pdf"}, {"topic": ""}, {"topic": TOPIC, "counts": {"plans": 99}},
    {"topic": TOPIC, "choices": {"nope-1": 1}}])
def test_api_draft_errors(client, body):
    response = client.post("/api/draft", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_parameter"
