"""Copy check (查重) on the real sample corpus: verbatim, lightly edited and original sentences; CLI and API."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fanwen.index.drafting import copycheck
from fanwen.index.drafting.copycheck import check_file, check_text, copy_index, normalise, sentences
from fanwen.index.errors import InvalidInput

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# From 街道党工委书记抓基层党建工作述职报告.txt, word for word.
VERBATIM = "一是深化责任意识，履行党建“第一责任人”职责，召开X次党建专题会议，研究部署班子建设、社区两委换届、四项机制建设等工作。"
# From 机关党总支书记党建述职报告.txt: X filled with numbers, ，→、 and “”→"", 督查→巡视 and 举措→办法.
SOURCE_OF_EDITED = "组织专题研究党建工作X次，开展党建督查X次，通过组织观摩、召开推进会、落实党建联系点制度等X项举措"
EDITED = ("建立局党组研究部署、班子成员履行\"一岗双责\"、区直机关工委指导推进、所有支部具体落实的四级责任落实体系、"
          "组织专题研究党建工作6次，开展党建巡视12次，通过组织观摩、召开推进会、落实党建联系点制度等5项办法，"
          "做到人人知责、定责、有责、尽责。")
ORIGINAL = "今年我们在全区率先建成智慧党建云平台，实现了党员信息动态管理和组织关系网上转接。"
DRAFT = f"{VERBATIM}\n{EDITED}\n{ORIGINAL}"


@pytest.fixture(scope="session")
def library(request, tmp_path_factory):
    """The sample corpus index: the shared one from conftest when there is one, else built here once."""
    try:
        return request.getfixturevalue("corpus_library")
    except pytest.FixtureLookupError:
        from fanwen.index.retrieval.embed import load_embedder
        from fanwen.index.library import Library

        lib = Library(tmp_path_factory.mktemp("copycheck-index"), load_embedder())
        lib.add_paths([CORPUS])
        return lib


def chunk_with(library, text: str):
    found = [c for c in library.snapshot.chunks.values() if text in c.text]
    assert len(found) == 1, text
    return found[0]


@pytest.fixture(scope="module")
def report(library):
    return check_text(library, DRAFT)


def test_normalise_unifies_numbers_placeholders_and_punctuation():
    flat = normalise("召开12次，“党建”专题会议X次；XX日报 3.5%")
    assert flat.text == "召开X次党建专题会议X次X日报X"
    start, end = flat.span(0, 4)  # 召开X次 covers the whole number in the original
    assert "召开12次，“党建”专题会议X次；XX日报 3.5%"[start:end] == "召开12次"
    assert normalise("召开X次").text == normalise("召开2019次").text


def test_sentences_split_at_stops_and_line_ends():
    text = "第一句。第二句；“第三句！”\n第四句"
    assert [text[a:b] for a, b in sentences(text)] == ["第一句。", "第二句；", "“第三句！”", "第四句"]


def test_verbatim_and_edited_sentences_are_flagged_with_their_source(library, report):
    assert report.sentences == 3
    assert [m.text for m in report.matches] == [VERBATIM, EDITED]
    verbatim, edited = report.matches
    assert verbatim.source.id == chunk_with(library, VERBATIM).id
    assert edited.source.id == chunk_with(library, SOURCE_OF_EDITED).id
    assert edited.source.doc == "机关党总支书记党建述职报告"
    assert verbatim.ratio == pytest.approx(1.0)
    assert 0.75 <= edited.ratio < 1.0


def test_spans_mark_the_copied_text_and_skip_replaced_words(report):
    verbatim, edited = report.matches
    (start, end), = verbatim.spans
    assert VERBATIM[start:end] == VERBATIM.rstrip("。")
    (src_start, src_end), = verbatim.source.spans
    assert verbatim.source.text[src_start:src_end] == VERBATIM.rstrip("。")
    covered = {pos for a, b in edited.spans for pos in range(a, b)}
    for replaced in ("巡视", "办法"):
        pos = EDITED.index(replaced)
        assert not covered & set(range(pos, pos + len(replaced))), replaced
    assert EDITED.index("召开推进会") in covered
    for a, b in edited.source.spans:
        assert edited.source.text[a:b] and b <= len(edited.source.text)


def test_original_sentence_is_not_flagged_and_share_is_bounded(library, report):
    alone = check_text(library, ORIGINAL)
    assert alone.matches == [] and alone.copied_chars == 0 and alone.share == 0
    copied = len(normalise(VERBATIM).text) + len(normalise(EDITED).text)
    assert report.checked_chars == copied + len(normalise(ORIGINAL).text)
    assert 0.65 <= report.share <= copied / report.checked_chars
    data = report.to_dict()
    assert data["flagged"] == 2 and data["share"] == round(report.share, 4) and data["text"] == DRAFT


def test_threshold_is_applied_and_validated(library):
    strict = check_text(library, DRAFT, threshold=1.0)
    assert [m.text for m in strict.matches] == [VERBATIM]
    for bad in (0, 1.5, "x", True):
        with pytest.raises(InvalidInput):
            check_text(library, DRAFT, threshold=bad)
    with pytest.raises(InvalidInput, match="50,000"):
        check_text(library, "党" * 50_001)
    with pytest.raises(InvalidInput):
        check_text(library, "  \n")


def test_the_check_reads_only_the_chunks_the_keyword_index_proposes(library):
    index = copy_index(library.snapshot, [VERBATIM, EDITED])
    assert len(index.chunks) <= 2 * copycheck.POOL < len(library.snapshot.chunks)
    assert {chunk_with(library, VERBATIM[:30]).id, chunk_with(library, SOURCE_OF_EDITED[:30]).id} <= set(index.chunks)


def test_docx_draft_is_checked_like_text(library, tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("我的述职报告", level=0)
    for paragraph in (VERBATIM, EDITED, ORIGINAL):
        document.add_paragraph(paragraph)
    path = tmp_path / "draft.docx"
    document.save(path)
    report = check_file(library, path)
    assert [m.text for m in report.matches] == [VERBATIM, EDITED]
    assert report.text.splitlines()[1:] == [VERBATIM, EDITED, ORIGINAL]


def test_five_thousand_characters_of_library_text_are_found_copied(library):
    """Every sentence is some chunk's text: each must find its source among the keyword candidates
    (speed: scripts/bench_copycheck.py)."""
    chunks = sorted(library.snapshot.chunks.values(), key=lambda c: c.id)
    report = check_text(library, "\n".join(c.text for c in chunks)[:5000])
    assert report.share > 0.9


def test_cli_check_prints_matches_and_json(library, tmp_path, capsys):
    from fanwen.service.entry import main

    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    assert main(["--home", str(library.home), "check", str(draft), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [m["text"] for m in data["matches"]] == [VERBATIM, EDITED]
    assert main(["--home", str(library.home), "check", str(draft)]) == 0
    out = capsys.readouterr().out
    assert "2 句与范文库重复" in out and "«" in out and "机关党总支书记党建述职报告" in out
    assert main(["--home", str(library.home), "check", str(draft), "--threshold", "2"]) == 2
    assert main(["--home", str(library.home), "check", str(tmp_path / "missing.txt")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


@pytest.fixture(scope="module")
def client(library, tmp_path_factory):
    from fastapi.testclient import TestClient

    from fanwen.service.http.app import create_app
    from fanwen.service.settings import Settings

    return TestClient(create_app(Settings(home=tmp_path_factory.mktemp("check-home")), library))


def test_api_check_json_body(client, library):
    response = client.post("/api/check", json={"text": DRAFT})
    assert response.status_code == 200
    data = response.json()
    assert [m["text"] for m in data["matches"]] == [VERBATIM, EDITED]
    first = data["matches"][0]
    assert first["source"]["id"] == chunk_with(library, VERBATIM).id
    assert DRAFT[first["start"]:first["end"]] == VERBATIM
    assert data["sentences"] == 3 and 0.65 <= data["share"] <= 1


def test_api_check_file_upload(client, tmp_path):
    import docx

    document = docx.Document()
    for paragraph in (ORIGINAL, VERBATIM):
        document.add_paragraph(paragraph)
    path = tmp_path / "草稿.docx"
    document.save(path)
    with open(path, "rb") as handle:
        response = client.post("/api/check", files={"file": ("草稿.docx", handle)}, data={"threshold": "0.9"})
    assert response.status_code == 200, response.text
    assert [m["text"] for m in response.json()["matches"]] == [VERBATIM]


@pytest.mark.parametrize("kwargs, status, code", [
    ({"json": {"text": "党" * 50_001}}, 413, "payload_too_large"),
    ({"json": {"text": ""}}, 400, "invalid_parameter"),
    ({"json": {"draft": "x"}}, 400, "invalid_parameter"),
    ({"content": b"not json", "headers": {"Content-Type": "application/json"}}, 400, "invalid_parameter"),
    ({"json": {"text": DRAFT, "threshold": 7}}, 400, "invalid_parameter"),
    ({"files": {"file": ("draft.exe", b"MZ")}}, 415, "unsupported_media_type"),
    ({"files": {"file": ("draft.docx", b"not a zip")}}, 422, "unreadable_file"),
    ({"data": {"threshold": "0.5"}, "files": {"other": ("a.txt", b"x")}}, 400, "invalid_parameter"),
])
def test_api_check_errors_have_one_shape(client, kwargs, status, code):
    response = client.post("/api/check", **kwargs)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    if status == 413:
        assert "50,000" in error["message"]


def test_module_limits_match_the_contract():
    assert copycheck.MAX_CHARS == 50_000
