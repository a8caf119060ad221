"""Nothing a user adds is lost: same-name reports stay apart, replacing is explicit, rebuild keeps uploads,
a server sees another process's write, and deleting removes the stored original."""
from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from conftest import ServerThread, make_app

from fanwen.index import identity
from fanwen.index.errors import InvalidInput
from fanwen.index.library import Library
from fanwen.index.records import Document

REPORT_A = "抓基层党建工作述职报告\n一、主要做法和成效\n一是网格员队伍建设成效明显，群众满意度显著提升。\n"
REPORT_B = "抓基层党建工作述职报告\n一、主要做法和成效\n一是农村集体经济发展壮大，村级收入稳步增长。\n"


@pytest.fixture
def small_library(embedder, tmp_path) -> Library:
    """A library of one tiny report, so rebuilds are cheap."""
    seed = tmp_path / "seed" / "基础.txt"
    seed.parent.mkdir()
    seed.write_text(REPORT_A.replace("网格员", "党员教育"), encoding="utf-8")
    library = Library(tmp_path / "home", embedder)
    library.add_paths([seed])
    return library


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_place_rules():
    docs = {"述职报告": Document("述职报告", "述职", "/a/述职报告.docx", "docx", "sha-a")}
    assert identity.place("述职报告", "/a/述职报告.docx", "sha-a", docs).action == identity.UNCHANGED
    assert identity.place("述职报告", "/a/述职报告.docx", "sha-b", docs) == identity.Placement("述职报告", "replace")
    assert identity.place("述职报告", "/b/述职报告.docx", "sha-b", docs) == identity.Placement("述职报告-2", "new")
    assert identity.place("述职报告", "/b/述职报告.docx", "sha-a", docs).action == identity.SAME_CONTENT
    assert identity.place("x", "/c/x.txt", "sha-c", docs, replace="述职报告").action == identity.REPLACE


def test_same_title_documents_get_distinct_display_names():
    docs = {"a": Document("a", "述职报告", "/x/街道.txt", "txt", "1"),
            "b": Document("b", "述职报告", "/y/社区.txt", "txt", "2"),
            "c": Document("c", "其他", "/z/c.txt", "txt", "3")}
    names = identity.display_names(docs)
    assert len(set(names.values())) == 3 and names["c"] == "其他"
    assert names["a"] == "述职报告（街道）"


def test_two_files_with_one_name_are_two_documents(small_library, tmp_path):
    first = write(tmp_path / "one" / "述职报告.txt", REPORT_A)
    second = write(tmp_path / "two" / "述职报告.txt", REPORT_B)
    id_one, _ = small_library.add_file(first)
    id_two, report = small_library.add_file(second)
    assert id_one != id_two and not report.replaced
    texts = {small_library.document(i).path: i for i in (id_one, id_two)}
    assert set(texts) == {str(first), str(second)}
    assert small_library.display_name(id_one) != small_library.display_name(id_two)
    # re-indexing the first file after an edit replaces that document only
    write(first, REPORT_A.replace("显著提升", "明显提高"))
    again, report = small_library.add_file(first)
    assert again == id_one and report.replaced == [id_one] and small_library.document(id_two)


def test_rebuild_refuses_to_drop_a_document_whose_source_is_gone(small_library, tmp_path):
    gone = write(tmp_path / "tmp" / "临时.txt", REPORT_B)
    doc_id, _ = small_library.add_file(gone)
    gone.unlink()
    with pytest.raises(InvalidInput, match="临时"):
        small_library.rebuild()
    assert doc_id in {d.id for d in small_library.documents()}  # nothing changed
    report = small_library.rebuild(drop_missing=True)
    assert doc_id not in {d.id for d in small_library.documents()} and report.files == 1


def upload(base: str, name: str, text: str, **params) -> httpx.Response:
    return httpx.post(f"{base}/api/documents", params=params, timeout=120,
                      files={"file": (name, text.encode("utf-8"), "text/plain")})


def test_uploads_are_kept_apart_replaced_only_on_request_and_survive_rebuild(small_library):
    with ServerThread(make_app(small_library)) as server:
        first = upload(server.url, "述职报告.txt", REPORT_A)
        second = upload(server.url, "述职报告.txt", REPORT_B)
        assert first.status_code == second.status_code == 201, second.text
        id_one, id_two = first.json()["document"]["id"], second.json()["document"]["id"]
        assert id_one != id_two and second.json()["replaced"] is None
        assert second.json()["report"]["duplicates"] == 0  # this upload's figure, not the library's
        listed = httpx.get(f"{server.url}/api/documents").json()["documents"]
        assert len({d["display_name"] for d in listed}) == len(listed) == 3
        third = upload(server.url, "新版.txt", REPORT_B.replace("稳步增长", "大幅增长"), replace=id_two)
        assert third.status_code == 201 and third.json()["replaced"] == id_two
        assert third.json()["document"]["id"] == id_two
        originals = sorted(p.name for p in (small_library.home / "uploads").glob("*/*"))
        assert originals == ["新版.txt", "述职报告.txt"]  # the replaced original went with its text
    small_library.rebuild()  # what `fanwen index --rebuild` does
    assert {id_one, id_two} <= {d.id for d in small_library.documents()}


def test_delete_removes_the_stored_original(small_library):
    with ServerThread(make_app(small_library)) as server:
        doc_id = upload(server.url, "人事.txt", REPORT_B).json()["document"]["id"]
        stored = list((small_library.home / "uploads").glob("*/人事.txt"))
        assert len(stored) == 1
        assert httpx.delete(f"{server.url}/api/documents/{doc_id}").status_code == 200
        assert not stored[0].exists() and not stored[0].parent.exists()


def test_a_running_server_sees_a_write_by_another_process(small_library, embedder, tmp_path):
    with ServerThread(make_app(small_library)) as server:
        before = httpx.get(f"{server.url}/api/health").json()["documents"]
        other = Library(small_library.home, embedder)  # another process: its own Library on the same folder
        other.add_file(write(tmp_path / "cli" / "命令行.txt", REPORT_B))
        deadline, seen = time.time() + 5, before
        while time.time() < deadline and seen == before:
            time.sleep(0.2)
            seen = httpx.get(f"{server.url}/api/health").json()["documents"]
        assert seen == before + 1
        hits = httpx.get(f"{server.url}/api/search", params={"q": "农村集体经济"}).json()["hits"]
        assert any("农村集体经济" in hit["text"] for hit in hits)
