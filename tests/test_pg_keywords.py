"""PostgreSQL keyword search: candidates scored from their term rows (fanwen_forward) get the exact BM25 score,
with terms read whole or in part, and schema v4 fills those rows for a library stored before it."""
from collections import Counter

import numpy as np
import pytest

from fanwen.index.library import Library
from fanwen.index.storage import pg_keywords
from fanwen.index.storage.pg_keywords import BM25_SQL, scored_rows
from fanwen.index.storage.pg_schema import IMPACT, forward_row, term_key
from tests.test_postgres import keyword_answers, upgraded, write_reports
from tests.test_incremental import CountingEmbedder

A, C = 0.3, 0.9 / 50  # k1 (1 - b) and k1 b / avglen of a library whose chunks average 50 tokens


def part(factor: float, tf: int, length: int) -> float:
    return factor * tf / (tf + A + C * length)


def test_scored_rows_sums_the_parts_of_the_query_terms_a_row_holds():
    rows = [forward_row(7, Counter({"党建": 2, "基层": 1, "的": 9}), 40),
            forward_row(3, Counter({"基层": 1, "党建": 2}), 40),  # the same parts as 7: the tie goes to the lower id
            forward_row(5, Counter({"组织": 4}), 10),
            forward_row(9, Counter({"其他": 1}), 5)]  # no query term: not a hit
    got = scored_rows(rows, ["基层", "党建", "组织"], [1.5, 2.0, 0.5], A, C, 10)
    expected = part(2.0, 2, 40) + part(1.5, 1, 40)
    assert [(cid, terms) for cid, _, terms in got] == [(3, ["基层", "党建"]), (7, ["基层", "党建"]), (5, ["组织"])]
    assert got[0][1] == pytest.approx(expected, rel=1e-12) and got[1][1] == got[0][1]
    assert got[2][1] == pytest.approx(part(0.5, 4, 10), rel=1e-12)
    assert [cid for cid, _, _ in scored_rows(rows, ["基层", "党建", "组织"], [1.5, 2.0, 0.5], A, C, 1)] == [3]
    assert scored_rows([], ["基层"], [1.0], A, C, 5) == []


def test_a_term_row_holds_each_term_once_by_key_with_its_count():
    counts = Counter({f"词{i}": i + 1 for i in range(50)})
    cid, keys, tfs, length = forward_row(4, counts, 1275)
    held = np.frombuffer(keys, dtype=">i8")
    assert cid == 4 and length == 1275 and len(held) == 50 and np.all(np.diff(held) > 0)
    by_key = dict(zip(held.tolist(), np.frombuffer(tfs, dtype=">i4").tolist()))
    assert by_key == {term_key(t): n for t, n in counts.items()}


def exact_top(view, terms: list[str], k: int) -> list[tuple[int, float]]:
    """Every posting of the terms summed in SQL: BM25 with nothing read in part."""
    kw = view.keywords
    chunks, tokens = view.total()
    factors = kw._factors(terms, {}, chunks)
    a, c = kw.k1 * (1 - kw.b), kw.k1 * kw.b * chunks / tokens
    sql = BM25_SQL.format(postings="JOIN fanwen_postings p ON p.term = q.term")
    return [(cid, score) for cid, score, _ in view.sql(sql, (a, c, list(factors), list(factors.values()), k))]


@pytest.fixture
def pg_library(pg_url, tmp_path_factory):
    lib = Library(tmp_path_factory.mktemp("home"), CountingEmbedder(), database_url=pg_url)
    lib.add_paths(write_reports(tmp_path_factory.mktemp("docs"), 6, 11))
    return lib


def read_first(view, terms: list[str], cut: int) -> dict[int, float]:
    """chunk -> the sum of its parts among each term's `cut` best postings by impact (what a search reads)."""
    kw, (chunks, tokens) = view.keywords, view.total()
    a, c = kw.k1 * (1 - kw.b), kw.k1 * kw.b * chunks / tokens
    got: dict[int, float] = {}
    for term, factor in kw._factors(terms, {}, chunks).items():
        for cid, part in view.sql(f"SELECT chunk_id, %s * tf / (tf + %s + %s * length) FROM fanwen_postings "
                                  f"WHERE term = %s ORDER BY {IMPACT} DESC, chunk_id LIMIT %s", (factor, a, c, term, cut)):
            got[cid] = got.get(cid, 0.0) + part
    return got


@pytest.mark.parametrize("query", ["党员理论学习不够深入", "居民满意度 党员志愿服务", "党员受教育 开展学习活动"],
                         ids=["a", "b", "c"])  # short: the test database is named after the test
def test_part_read_terms_score_hits_exactly(pg_library, monkeypatch, query):
    """Each term's best 4 postings only (TOP_POSTINGS 1, k 4): the chunks best by the parts read are
    completed, and every hit carries its exact BM25 score, ranked by it."""
    view = pg_library.snapshot
    terms = list(dict.fromkeys(view.keywords.terms(query)))
    monkeypatch.setattr(pg_keywords, "TOP_POSTINGS", 1)
    _, params = view.keywords.statement(terms, 4)
    assert params["complete"] == 4 * pg_keywords.COMPLETED  # some term is read in part here
    exact, read = dict(exact_top(view, terms, 10_000)), read_first(view, terms, 4)
    assert len(read) < len(exact)  # some chunk holding a query term was not read
    for completed in (1, 2, 10_000):  # k, 2k, every chunk read
        monkeypatch.setattr(pg_keywords, "COMPLETED", completed)
        chosen = sorted(read, key=lambda cid: (-read[cid], cid))[:4 * completed]
        hits = view.keywords.search(terms, 4)
        assert [cid for cid, _, _ in hits] == sorted(chosen, key=lambda cid: (-exact[cid], cid))[:4]
        assert all(score == pytest.approx(exact[cid], rel=1e-12) for cid, score, _ in hits)


def test_a_v3_database_gets_every_chunk_s_term_row_and_the_same_answers(pg_url, tmp_path):
    """Schema v4 fills fanwen_forward in SQL from the postings stored; its keys are the ones term_key gives."""
    import psycopg

    before, new = upgraded(pg_url, tmp_path, 3)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        rows = {r[0]: (bytes(r[1]), bytes(r[2]), r[3]) for r in conn.execute("SELECT * FROM fanwen_forward")}
        counts: dict[int, Counter] = {}
        for term, cid, tf, length in conn.execute("SELECT term, chunk_id, tf, length FROM fanwen_postings"):
            counts.setdefault(cid, Counter())[term] = tf
        lengths = dict(conn.execute("SELECT id, length FROM fanwen_chunks").fetchall())
    assert rows and rows == {cid: forward_row(cid, c, lengths[cid])[1:] for cid, c in counts.items()}
    assert keyword_answers(new) == before


def test_a_filter_most_chunks_pass_walks_best_first_with_the_same_answers(pg_library, monkeypatch):
    """A broad filter (WALK_FROM 0 here: every filter is) reads each term's best postings among the chunks
    passing, and asks HNSW for more neighbours, keeping those passing. On a small library both read every
    passing chunk, so they must give what the exact filtered statements give."""
    from fanwen.index.storage import pg_view
    from fanwen.index.storage.filters import ChunkFilter

    view = pg_library.snapshot
    roles = sorted({c.role for c in view.all_chunks().values()})
    filters = [ChunkFilter(roles=(roles[0],)), ChunkFilter(docs=(sorted(view.docs)[1],)),
               ChunkFilter(roles=tuple(roles))]
    queries = ["党员理论学习不够深入", "居民满意度 党员志愿服务", "党员受教育 开展学习活动"]
    vectors = pg_library.embedder.embed_queries(queries)

    def answers():
        out = []
        for chunk_filter in filters:
            for query, vector in zip(queries, vectors):
                terms = list(dict.fromkeys(view.keywords.terms(query)))
                out.append([(cid, round(s, 9), t) for cid, s, t in view.keywords.search(terms, 5, chunk_filter)])
                out.append([(cid, round(s, 6)) for cid, s in view.vectors.search(vector, 3, chunk_filter)[0]])
        return out

    exact = answers()
    assert all(isinstance(view.keywords.statement(["党员"], 5, f)[1], tuple) for f in filters)  # read whole
    monkeypatch.setattr(pg_view, "WALK_FROM", 0)
    statements = []
    real_sql = type(view).sql
    monkeypatch.setattr(type(view), "sql", lambda self, q, p=(), binary=False: (
        statements.append(q), real_sql(self, q, p, binary))[1])
    walked = answers()
    assert sum("JOIN fanwen_chunks c ON c.id = p.chunk_id" in q for q in statements) == len(filters) * len(queries)
    assert sum(") AS ok" in q for q in statements) >= len(queries)  # the HNSW path answered (k passing)
    assert walked == exact and all(exact[::2]) and all(exact[1::2])
