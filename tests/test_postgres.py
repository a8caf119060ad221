"""The PostgreSQL + pgvector engine, on a real PostgreSQL 16 (pgserver wheel): same answers, nothing lost."""
import random
import threading
from pathlib import Path

import numpy as np
import pytest
import yaml

from fanwen.index.errors import ModelMismatch, NotFound
from fanwen.index.library import Library
from fanwen.index.storage.dedup import find_duplicates, shingles
from tests.conftest import CORPUS
from tests.test_incremental import CountingEmbedder, report

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
QUERY_FILES = [p for p in (EVAL / "dev_queries.yaml", EVAL / "dev_queries_2.yaml") if p.is_file()]


class KnownPassages:
    """The real model, answering passages the embedded corpus index already embedded from its vectors (the
    same numbers the model gave), so the suite does not embed the corpus twice."""

    def __init__(self, embedder, library):
        from fanwen.index.building import embedding_text

        self.embedder, self.name, self.dim = embedder, embedder.name, embedder.dim
        snap = library.snapshot
        ids = sorted(snap.chunks)
        self.known = dict(zip((embedding_text(snap.chunks[i]) for i in ids), snap.vectors.get(ids)))

    def embed_passages(self, texts):
        if all(text in self.known for text in texts):
            return np.array([self.known[text] for text in texts], dtype=np.float32)
        return self.embedder.embed_passages(texts)

    def embed_queries(self, texts):
        return self.embedder.embed_queries(texts)

    def __getattr__(self, name):  # anything else the model offers (token counts, limits)
        return getattr(self.embedder, name)


@pytest.fixture(scope="module")
def pg_corpus(pg_server, embedder, corpus_library, tmp_path_factory):
    pg_server.psql("DROP DATABASE IF EXISTS corpus; CREATE DATABASE corpus;")
    library = Library(tmp_path_factory.mktemp("pg-home"), KnownPassages(embedder, corpus_library),
                      database_url=pg_server.get_uri("corpus"))
    library.add_paths([CORPUS])
    return library


# Drafting queries of every kind (role words, topics, plain wording, a pasted sentence, openers), used
# with the dev query sets when ../shared/eval is there.
OWN_QUERIES = [
    "问题原因 党建业务融合", "下一步 加强党风廉政建设", "理论学习不深入", "落实全面从严治党主体责任", "三会一课 组织生活会",
    "党员积分制管理", "基层党组织书记队伍建设", "存在问题 创新不够", "党建工作流于形式", "带头讲党课",
    "意识形态工作责任制", "谈心谈话", "发展党员工作", "两新组织党建", "主题教育 成效", "作风建设 四风",
    "经费保障不足", "考核评价机制不健全", "下一步打算 队伍建设", "述职开头 履职情况", "党支部标准化规范化建设",
    "整改落实 问题清单", "原因分析 思想认识不到位", "以党建促业务", "党员先锋模范作用发挥不明显",
    "今年以来，我认真履行党建工作第一责任人职责，坚持抓班子带队伍，推动各项工作落实。",
    "加强政治建设", "巡察反馈问题整改", "学习贯彻党的二十大精神", "廉政风险防控", "开头", "问题部分的开头", "结尾 表态",
    "应议必议",  # held only as bigrams (the reports cut it 对应|议必|议事): the no-match guard must know it on both
]


def dev_queries() -> list[str]:
    queries = [q["q"] for path in QUERY_FILES for q in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return list(dict.fromkeys(OWN_QUERIES + queries))


def top5(library, query, **options):
    return [(hit.chunk.doc, hit.chunk.start, hit.chunk.text) for hit in library.search(query, k=5, **options).hits]


def test_same_top5_as_the_embedded_engine_on_every_query(pg_corpus, corpus_library):
    assert sorted(pg_corpus.snapshot.docs) == sorted(corpus_library.snapshot.docs)
    assert len(pg_corpus.snapshot.chunks) == len(corpus_library.snapshot.chunks)
    assert pg_corpus.snapshot.manifest["embedded_text"] == corpus_library.snapshot.manifest["embedded_text"] == "text"
    differ = [q for q in dev_queries() if top5(pg_corpus, q) != top5(corpus_library, q)]
    assert not differ, f"{len(differ)} queries rank differently: {differ[:3]}"


def test_the_database_holds_the_same_synonyms_as_the_embedded_index(pg_corpus, corpus_library):
    from fanwen.index.retrieval.thesaurus import synonyms

    candidates = sorted({s for word in ("落实", "整改", "带头", "学习", "群众", "薄弱") for s in synonyms(word)})
    held = corpus_library.snapshot.keywords.holding(candidates)
    assert {"贯彻", "整治"} <= held < set(candidates)  # some held, most not
    assert pg_corpus.snapshot.keywords.holding(candidates) == held
    assert ("贯彻" in pg_corpus.snapshot.keywords) and ("不存在的词语" not in pg_corpus.snapshot.keywords)


@pytest.mark.parametrize("options", [{"roles": ["causes"]}, {"mode": "keyword"}, {"mode": "vector"},
                                     {"roles": ["plans", "problems"], "per_doc": 1}])
def test_filters_and_modes_match_the_embedded_engine(pg_corpus, corpus_library, options):
    doc = sorted(corpus_library.snapshot.docs)[1]
    for query in ("问题原因 党建业务融合", "下一步 加强党风廉政建设", "理论学习不深入", "开头", "原因部分的开头"):
        assert top5(pg_corpus, query, **options) == top5(corpus_library, query, **options)
        assert top5(pg_corpus, query, docs=[doc]) == top5(corpus_library, query, docs=[doc])
    hits = pg_corpus.search("党建业务融合", k=10, roles=["causes"]).hits
    assert hits and all(hit.chunk.role == "causes" for hit in hits)


def test_similar_neighbours_and_copy_check_read_the_database(pg_corpus, corpus_library):
    from fanwen.index.drafting.copycheck import check_text

    doc = sorted(pg_corpus.snapshot.docs)[0]
    ids = pg_corpus.snapshot.by_doc[doc]
    chunk = pg_corpus.chunk(ids[2])
    assert pg_corpus.neighbours(chunk.id)[0].id == ids[1]
    assert [h.chunk.text for h in pg_corpus.similar(chunk.id)] == [
        h.chunk.text for h in corpus_library.similar(corpus_library.snapshot.by_doc[doc][2])]
    assert check_text(pg_corpus, chunk.text).share > 0.9


def test_the_outline_is_the_same_from_either_engine(pg_corpus, corpus_library):
    from fanwen.index.drafting.outline import build_outline

    def chosen(library):
        outline = build_outline(library, "街道党工委书记抓基层党建工作述职报告", ["两新组织"])
        return [(slot.role, slot.exemplar.text) for slot in outline.slots()]

    assert chosen(pg_corpus) == chosen(corpus_library) and chosen(pg_corpus)


def consistent(library) -> bool:
    """In one transaction: every document has all its chunks, each chunk its postings, totals agree."""
    view = library.snapshot
    with view.reading():
        bad_docs = view.sql("SELECT count(*) FROM fanwen_documents d WHERE d.chunks <> "
                            "(SELECT count(*) FROM fanwen_chunks c WHERE c.doc = d.id)")[0][0]
        no_postings = view.sql("SELECT count(*) FROM fanwen_chunks c WHERE NOT EXISTS "
                               "(SELECT 1 FROM fanwen_postings p WHERE p.chunk_id = c.id) OR NOT EXISTS "
                               "(SELECT 1 FROM fanwen_forward f WHERE f.chunk_id = c.id) OR NOT EXISTS "
                               "(SELECT 1 FROM fanwen_buckets b WHERE b.chunk_id = c.id)")[0][0]
        totals = view.sql("SELECT (SELECT chunks FROM fanwen_stats) = (SELECT count(*) FROM fanwen_chunks), "
                          "(SELECT coalesce(sum(df), 0) FROM fanwen_terms) = (SELECT count(*) FROM fanwen_postings)")[0]
    return bad_docs == 0 and no_postings == 0 and all(totals)


def write_reports(folder: Path, count: int, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"r{seed}-{i}.txt"
        path.write_text(report(random.Random(seed * 100 + i), f"第{seed}组第{i}份"), encoding="utf-8")
        paths.append(path)
    return paths


def test_writes_keep_ids_totals_and_duplicates_exact(pg_url, tmp_path):
    lib = Library(tmp_path / "home", CountingEmbedder(), database_url=pg_url)
    paths = write_reports(tmp_path / "docs", 6, 1)
    assert lib.add_paths(paths).files == 6
    assert lib.add_file(paths[0])[1].unchanged == [paths[0].stem]  # same source, same text: nothing to do
    copy = tmp_path / "copy.txt"
    copy.write_text(paths[1].read_text(encoding="utf-8"), encoding="utf-8")
    assert lib.add_file(copy)[1].unchanged  # identical text is not added twice
    paths[2].write_text(report(random.Random(99), "改过的"), encoding="utf-8")
    assert lib.add_file(paths[2])[1].replaced == [paths[2].stem]  # the same source is the same document
    lib.remove(paths[3].stem)
    with pytest.raises(NotFound):
        lib.remove(paths[3].stem)
    snap = lib.snapshot
    assert sorted(snap.docs) == sorted(p.stem for p in paths if p != paths[3]) and consistent(lib)
    chunks = snap.all_chunks()
    expected = find_duplicates([(c.id, c.doc, c.text) for c in chunks.values()])
    assert {cid: c.dup_of for cid, c in chunks.items() if c.dup_of is not None} == expected
    assert Library(tmp_path / "other", CountingEmbedder(), database_url=pg_url).snapshot.docs == snap.docs


def test_a_second_process_sees_writes_and_a_rebuild_keeps_every_document(pg_url, tmp_path):
    first = Library(tmp_path / "a", CountingEmbedder(), database_url=pg_url)
    second = Library(tmp_path / "b", CountingEmbedder(), database_url=pg_url)
    first.add_paths(write_reports(tmp_path / "docs", 3, 2))
    import time

    time.sleep(0.6)  # the refresh interval
    assert sorted(second.snapshot.docs) == sorted(first.snapshot.docs)
    before = {doc: d.chunks for doc, d in second.snapshot.docs.items()}
    second.rebuild()
    assert {doc: d.chunks for doc, d in first.snapshot.docs.items()} == before and consistent(first)


def test_a_process_whose_view_lags_can_still_remove_and_replace_what_another_just_added(pg_url, tmp_path):
    first = Library(tmp_path / "a", CountingEmbedder(), database_url=pg_url)
    second = Library(tmp_path / "b", CountingEmbedder(), database_url=pg_url)
    one, two = write_reports(tmp_path / "docs", 2, 3)
    assert second.snapshot.docs == {}  # its view is now cached for up to the refresh interval
    first.add_paths([one, two])
    chunks = first.snapshot.docs[one.stem].chunks
    assert one.stem not in second.snapshot.docs  # still the cached view: the lag this test is about
    assert second.remove(one.stem) == chunks
    assert second.add_file(one, replace=two.stem)[1].replaced == [two.stem]
    assert sorted(second.snapshot.docs) == [two.stem] and consistent(second)  # the writer reads its own write


def test_a_database_built_with_another_model_is_refused_with_the_fix(pg_url, tmp_path, embedder):
    Library(tmp_path / "a", CountingEmbedder(), database_url=pg_url)
    with pytest.raises(ModelMismatch, match="--rebuild"):
        Library(tmp_path / "b", embedder, database_url=pg_url)


def test_the_schema_is_versioned_and_a_newer_one_is_refused(pg_url, tmp_path):
    import psycopg

    from fanwen.index.errors import ConfigurationError
    from fanwen.index.storage.pg_schema import SCHEMA_VERSION

    Library(tmp_path / "a", CountingEmbedder(), database_url=pg_url)
    Library(tmp_path / "b", CountingEmbedder(), database_url=pg_url)  # a second connect migrates nothing
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT value FROM fanwen_meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
        conn.execute("UPDATE fanwen_meta SET value = %s::jsonb WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(ConfigurationError, match="升级"):
        Library(tmp_path / "c", CountingEmbedder(), database_url=pg_url)


def downgrade(url: str, version: int) -> None:
    """The database as an older fanwen leaves it: each later version only added a table or an index."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if version < 5:
            conn.execute("DROP TABLE fanwen_buckets")
        if version < 4:
            conn.execute("DROP TABLE fanwen_forward")
        if version < 3:
            conn.execute("DROP TABLE fanwen_shingles")
        if version < 2:
            conn.execute("DROP INDEX fanwen_postings_impact")
        conn.execute("UPDATE fanwen_meta SET value = %s::jsonb WHERE key = 'schema_version'", (str(version),))


def keyword_answers(library) -> list[list[tuple[int, float]]]:
    return [[(h.chunk.id, round(h.score, 9)) for h in library.search(q, mode="keyword").hits]
            for q in ("党建工作", "加强党风廉政建设", "问题原因")]


def upgraded(pg_url: str, tmp_path: Path, version: int):
    """A three-report library left at schema `version` and opened again (upgraded): its keyword answers from
    before, and the upgraded library, which must give the same."""
    from fanwen.index.storage.pg_schema import SCHEMA_VERSION

    old = Library(tmp_path / "a", CountingEmbedder(), database_url=pg_url)
    old.add_paths(write_reports(tmp_path / "docs", 3, 5))
    before = keyword_answers(old)
    downgrade(pg_url, version)
    new = Library(tmp_path / "b", CountingEmbedder(), database_url=pg_url)
    assert new.snapshot.manifest["schema_version"] == SCHEMA_VERSION
    return before, new


def test_a_v1_database_is_upgraded_and_keyword_search_reads_the_impact_index(pg_url, tmp_path):
    import psycopg

    before, new = upgraded(pg_url, tmp_path, 1)
    assert keyword_answers(new) == before
    view = new.snapshot
    terms = view.keywords.terms("党建工作")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("SET enable_seqscan = off")  # a 3-report table is read whole otherwise; the plan shape is the point
        sql, params = view.keywords.statement(terms, 10)
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql, params))
    assert "fanwen_postings_impact" in plan


def test_a_v2_database_gets_every_chunk_s_shingle_keys_and_still_finds_duplicates(pg_url, tmp_path, monkeypatch):
    """Schema v3 fills fanwen_shingles from the texts already stored (in batches), and a write after the
    upgrade screens the old chunks by those keys: the duplicates are still exactly find_duplicates'."""
    import psycopg

    from fanwen.index.storage import pg_schema

    monkeypatch.setattr(pg_schema, "BACKFILL_BATCH", 7)  # several batches on a small library
    old = Library(tmp_path / "a", CountingEmbedder(), database_url=pg_url)
    paths = write_reports(tmp_path / "docs", 4, 3)
    old.add_paths(paths[:3])
    downgrade(pg_url, 2)
    new = Library(tmp_path / "b", CountingEmbedder(), database_url=pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        rows = {r[0]: (r[1], bytes(r[2])) for r in conn.execute("SELECT chunk_id, size, keys FROM fanwen_shingles")}
        texts = dict(conn.execute("SELECT id, text FROM fanwen_chunks").fetchall())
    assert rows and rows == {cid: pg_schema.shingle_row(cid, shingles(text))[1:] for cid, text in texts.items()}
    copy = tmp_path / "copy.txt"  # the same paragraphs under another name, lightly edited: duplicates
    copy.write_text(paths[0].read_text(encoding="utf-8").replace("。", "；", 3) + "\n附记。", encoding="utf-8")
    new.add_paths([copy, paths[3]])
    chunks = new.snapshot.all_chunks()
    expected = find_duplicates([(c.id, c.doc, c.text) for c in chunks.values()])
    assert expected and {cid: c.dup_of for cid, c in chunks.items() if c.dup_of is not None} == expected


def test_an_unreachable_database_is_one_line_naming_the_setting(tmp_path):
    from fanwen.index.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="FANWEN_DATABASE_URL") as caught:
        Library(tmp_path / "a", CountingEmbedder(), database_url="postgresql://nobody@127.0.0.1:1/none")
    assert "\n" not in str(caught.value)


def test_four_writers_and_a_reader_lose_nothing_and_never_see_half_a_document(pg_url, tmp_path):
    Library(tmp_path / "home", CountingEmbedder(), database_url=pg_url)  # schema created before the race
    errors, done, seen, files = [], threading.Event(), [], []
    for writer in range(4):
        files += write_reports(tmp_path / f"w{writer}", 3, 10 + writer)

    def write(writer):
        try:
            lib = Library(tmp_path / f"home{writer}", CountingEmbedder(), database_url=pg_url)
            for path in sorted((tmp_path / f"w{writer}").iterdir()):
                lib.add_file(path)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    def read():
        lib = Library(tmp_path / "reader", CountingEmbedder(), database_url=pg_url)
        while not done.is_set():
            seen.append((len(lib.engine.held_documents()), consistent(lib)))
            done.wait(0.05)

    threads = [threading.Thread(target=read)] + [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads[1:]:
        thread.join()
    done.set()
    threads[0].join()
    assert not errors
    final = Library(tmp_path / "final", CountingEmbedder(), database_url=pg_url)
    assert sorted(final.snapshot.docs) == sorted(p.stem for p in files) and consistent(final)
    assert all(ok for _, ok in seen) and len({n for n, _ in seen}) > 1


def test_the_keyword_sql_run_beside_the_vector_sql_reads_the_same_snapshot(pg_url, tmp_path):
    """A search's keyword statement runs on a second connection (PgView.beside) in the snapshot the search
    pinned: a report committed meanwhile by another process is in neither half of that search."""
    reader = Library(tmp_path / "a", CountingEmbedder(), database_url=pg_url)
    writer = Library(tmp_path / "b", CountingEmbedder(), database_url=pg_url)
    one, two = write_reports(tmp_path / "docs", 2, 5)
    writer.add_paths([one])
    view = reader.engine.view()
    terms = view.keywords.terms(two.read_text(encoding="utf-8"))

    def postings_of_two():
        return view.sql("SELECT count(*) FROM fanwen_chunks WHERE doc = %s", (two.stem,))[0][0]

    with view.reading():
        before = view.beside(postings_of_two).result()
        writer.add_paths([two])  # committed by another connection while the read is pinned
        inside = view.beside(postings_of_two).result()
        keyword_ids = view.beside(lambda: [c for c, *_ in view.keywords.search(terms, 50)]).result()
    after = view.beside(postings_of_two).result()  # no read pinned: committed data
    assert (before, inside) == (0, 0) and after > 0
    assert keyword_ids and not set(keyword_ids) & set(view.by_doc[two.stem])
