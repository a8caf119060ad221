"""What a search reads from PostgreSQL: documents, chunks, pgvector search and BM25 computed in SQL."""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np

from fanwen.index.records import Chunk, Document
from fanwen.index.storage.chunk_rows import json_items
from fanwen.index.storage.filters import ChunkFilter
from fanwen.index.storage.pg_schema import IMPACT

# The two JSON columns come as text: most are "[]", and psycopg's jsonb loader costs a third of a fetch.
CHUNK_COLUMNS = ("id, doc, text, heading_path::text, role, role_confidence, para_index, point_index, start_pos, "
                 "end_pos, placeholders::text, dup_of")
TOP_POSTINGS = 1000  # postings an unfiltered keyword search reads per term, best impact first (at least k)
COMPLETED = 5  # times k: chunks whose partial terms are read exactly before the final ranking
# Threads that run a search's keyword SQL beside its vector SQL: each waits on the server, so many are cheap.
_BESIDE = ThreadPoolExecutor(max_workers=64, thread_name_prefix="fanwen-pg-keywords")


def chunk_from_row(row) -> Chunk:
    (cid, doc, text, heading_path, role, confidence, para, point, start, end, placeholders, dup_of) = row
    # json_items parses each distinct heading path once: a search reads ~200 chunk rows (their parsing was a
    # tenth of a search at 100,000 chunks)
    return Chunk(int(cid), doc, text, list(json_items(heading_path)), role, para, point, start, end,
                 list(json_items(placeholders)), None if dup_of is None else int(dup_of), round(float(confidence), 3))


def read_documents(conn) -> dict[str, Document]:
    """Every document row, by id (thousands at most)."""
    rows = conn.execute("SELECT id, title, path, format, sha256, chunks, chars, added FROM fanwen_documents")
    return {row[0]: Document(*row) for row in rows}


def vector_literal(vector) -> str:
    """pgvector's text form; repr of float32 values round-trips exactly."""
    return "[" + ",".join(map(repr, np.asarray(vector, dtype=np.float32).astype(float).tolist())) + "]"


def parse_vector(text: str) -> np.ndarray:
    return np.array(json.loads(text), dtype=np.float32)


class PgView:
    """One generation of the database as a search sees it. Each statement reads committed data;
    `reading()` pins one snapshot for a whole search (REPEATABLE READ)."""

    def __init__(self, engine, generation: int, meta: dict):
        self.engine, self.generation = engine, generation
        self.manifest = {"engine": "postgresql", "model": meta.get("model"), "dim": meta.get("dim"),
                         "vector_kind": "hnsw", "generation": generation, "schema_version": meta.get("schema_version")}
        self._docs: dict[str, Document] | None = None
        self._all: dict[int, Chunk] | None = None
        self._total: tuple[int, int] | None = None
        self.chunks = PgChunks(self)
        self.by_doc = PgByDoc(self)
        self.vectors = PgVectors(self, "embedding")
        self.heads = PgVectors(self, "head")
        self.keywords = PgKeywords(self, engine.tokenize)

    def sql(self, query: str, params=()) -> list[tuple]:
        return self.engine.connection().execute(query, params).fetchall()

    @contextmanager
    def reading(self):
        with self.engine.connection().transaction():
            yield self

    def beside(self, fn) -> Future:
        """fn() on another connection, reading the very snapshot of this thread's open read (reading()):
        the server runs two statements of one search at once, and the search stays one consistent read."""
        conn = self.engine.connection()
        if conn.info.transaction_status.name != "INTRANS":  # no read pinned: statements see committed data anyway
            return _BESIDE.submit(fn)
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        return _BESIDE.submit(self._in_snapshot, snapshot, fn)

    def _in_snapshot(self, snapshot: str, fn):
        from psycopg import sql

        conn = self.engine.connection()
        with conn.transaction():
            conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
            return fn()

    @property
    def docs(self) -> dict[str, Document]:
        if self._docs is None:  # a generation's documents never change
            self._docs = read_documents(self.engine.connection())
        return self._docs

    def native_filter(self, chunk_filter: ChunkFilter) -> ChunkFilter:
        return chunk_filter  # the stores below turn it into SQL

    def fetch(self, ids) -> dict[int, Chunk]:
        ids = [int(i) for i in ids]
        if not ids:
            return {}
        rows = self.sql(f"SELECT {CHUNK_COLUMNS} FROM fanwen_chunks WHERE id = ANY(%s)", (ids,))
        return {chunk.id: chunk for chunk in map(chunk_from_row, rows)}

    def all_chunks(self) -> dict[int, Chunk]:
        """Every chunk, read once per generation (the copy check's shingle index is built from them)."""
        if self._all is None:
            rows = self.sql(f"SELECT {CHUNK_COLUMNS} FROM fanwen_chunks ORDER BY id")
            self._all = {chunk.id: chunk for chunk in map(chunk_from_row, rows)}
        return self._all

    def total(self) -> tuple[int, int]:
        """(chunks, keyword tokens) of the whole library, read once per generation."""
        if self._total is None:
            chunks, tokens = self.sql("SELECT chunks, tokens FROM fanwen_stats WHERE id = 1")[0]
            self._total = int(chunks), int(tokens)
        return self._total


class PgChunks(Mapping):
    """id -> Chunk, read on demand."""

    def __init__(self, view: PgView):
        self.view = view

    def __getitem__(self, cid) -> Chunk:
        found = self.view.fetch([cid])
        if not found:
            raise KeyError(cid)
        return found[int(cid)]

    def __contains__(self, cid) -> bool:
        return isinstance(cid, int) and bool(self.view.sql("SELECT 1 FROM fanwen_chunks WHERE id = %s", (cid,)))

    def __len__(self) -> int:
        return self.view.total()[0]

    def __iter__(self):
        return iter(self.view.all_chunks())

    def values(self):
        return self.view.all_chunks().values()


class PgByDoc(Mapping):
    """document id -> its chunk ids in reading order."""

    def __init__(self, view: PgView):
        self.view = view

    def __getitem__(self, doc: str) -> list[int]:
        if doc not in self.view.docs:
            raise KeyError(doc)
        return [row[0] for row in self.view.sql("SELECT id FROM fanwen_chunks WHERE doc = %s ORDER BY ord", (doc,))]

    def __iter__(self):
        return iter(self.view.docs)

    def __len__(self) -> int:
        return len(self.view.docs)


class PgVectors:
    """A vector column searched with pgvector (HNSW, inner product on normalised vectors = cosine)."""

    def __init__(self, view: PgView, column: str):
        self.view, self.column = view, column

    def count(self) -> int:
        if self.column == "embedding":
            return self.view.total()[0]
        return self.view.sql(f"SELECT count({self.column}) FROM fanwen_chunks")[0][0]

    def get(self, ids) -> np.ndarray:
        ids = [int(i) for i in ids]
        rows = dict(self.view.sql(f"SELECT id, {self.column}::text FROM fanwen_chunks WHERE id = ANY(%s)", (ids,)))
        dim = int(self.view.manifest["dim"])
        return np.array([parse_vector(rows[i]) if rows.get(i) else np.zeros(dim, np.float32) for i in ids],
                        dtype=np.float32).reshape(len(ids), dim)

    def search(self, query, k: int, allowed: ChunkFilter | None = None) -> list[list[tuple[int, float]]]:
        rows = np.atleast_2d(np.asarray(query, dtype=np.float32))
        where, params = (allowed or ChunkFilter()).sql("c")
        # A filtered search scans the rows passing the filter exactly (`+ 0` keeps the planner off the
        # HNSW index, which would filter after taking its nearest few and return too little).
        order = f"c.{self.column} <#> %s::vector"
        if allowed is not None and allowed.restricts:
            order = f"({order}) + 0"
        out = []
        for row in rows:
            literal = vector_literal(row)
            self.view.engine.set_search_breadth(k)
            found = self.view.sql(
                f"SELECT c.id, -(c.{self.column} <#> %s::vector) FROM fanwen_chunks c "
                f"WHERE c.{self.column} IS NOT NULL AND {where} ORDER BY {order} LIMIT %s",
                (literal, *params, literal, int(k)))
            out.append([(int(cid), float(score)) for cid, score in found])
        return out


class PgKeywords:
    """Okapi BM25 (the same formula as keywords.BM25Index) computed from the term statistics tables."""

    def __init__(self, view: PgView, tokenize, k1: float = 1.2, b: float = 0.75):
        self.view, self._tokenize, self.k1, self.b = view, tokenize, k1, b
        self._df: dict[str, int] = {}  # term -> document frequency (0: not in the library), this generation

    @property
    def analyzer(self):
        return self._tokenize

    def terms(self, text: str) -> list[str]:
        return self._tokenize(text)

    def count(self) -> int:
        return self.view.total()[0]

    def __contains__(self, term: str) -> bool:
        return bool(self.holding([term]))

    def holding(self, terms) -> set[str]:
        """Those of `terms` that some chunk holds (their document frequencies are read on the way, so the
        synonyms a query then searches need no second statement)."""
        terms = list(dict.fromkeys(terms))
        self._read_df(terms)
        return {t for t in terms if self._df[t] > 0}

    def search(self, terms: list[str], k: int, allowed: ChunkFilter | None = None,
               weights: dict[str, float] | None = None) -> list[tuple[int, float, list[str]]]:
        """Best-first (id, score, matched query terms), as BM25Index.search ranks them."""
        query = list(dict.fromkeys(terms))
        statement = self.statement(query, k, allowed, weights) if k > 0 and query else None
        if statement is None:
            return []
        place = {t: i for i, t in enumerate(query)}  # matched terms in query order
        return [(int(cid), float(score), sorted(terms, key=place.get)) for cid, score, terms in self.view.sql(*statement)]

    def statement(self, query: list[str], k: int, allowed: ChunkFilter | None = None,
                  weights: dict[str, float] | None = None) -> tuple[str, tuple] | None:
        """The scoring SQL and its parameters (None when the library holds no query term). Unfiltered, each
        term gives its best postings by impact, TOP_POSTINGS × its weight (at most 1): all of them, so exact,
        when it has fewer; see BEST_FIRST for the terms that have more."""
        chunks, tokens = self.view.total()
        factors = self._factors(query, weights or {}, chunks)
        if not factors:
            return None
        avglen = tokens / chunks if tokens > 0 else 1.0
        head = (self.k1 * (1 - self.b), self.k1 * self.b / avglen, list(factors), list(factors.values()))
        if allowed is not None and allowed.restricts:  # the filter reads the chunks table; scoring does not
            where, params = allowed.sql("c")
            return BM25_SQL.format(postings=FILTERED.format(where=where)), (*head, *params, int(k))
        cuts = [max(int(k), self._depth((weights or {}).get(t, 1.0))) for t in factors]
        partial = [self._df[t] > cut for t, cut in zip(factors, cuts)]  # terms whose list is read only in part
        return BEST_FIRST, {"a": head[0], "c": head[1], "terms": head[2], "factors": head[3], "partial": partial,
                            "cuts": cuts, "complete": COMPLETED * int(k) if any(partial) else int(k), "k": int(k)}

    @staticmethod
    def _depth(weight: float) -> int:
        """Postings read best first for a term of this query weight: a term weighted w adds w × its part, so
        its unread postings are bounded alike when it is read to w × TOP_POSTINGS (synonyms and bigrams, 0.3).
        At 100,000 generated chunks, with synonyms: hybrid p50 1.7–4.5 ms below reading every term to the full
        depth (three runs, side by side); keyword top 10 (of 100) agreeing with exact BM25 0.907 vs 0.919."""
        return math.ceil(TOP_POSTINGS * min(1.0, weight))

    def _factors(self, query: list[str], weights: dict[str, float], n: int) -> dict[str, float]:
        """term -> weight · idf · (k1 + 1), for the query terms the library holds (document frequencies are
        read once per generation: a view never changes)."""
        self._read_df(query)
        df = self._df
        return {t: weights.get(t, 1.0) * math.log1p((n - df[t] + 0.5) / (df[t] + 0.5)) * (self.k1 + 1)
                for t in query if df[t] > 0}

    def _read_df(self, terms: list[str]) -> None:
        """The document frequencies of the terms not yet known, in one statement (0: not in the library)."""
        missing = [t for t in terms if t not in self._df]
        if missing:
            found = dict(self.view.sql("SELECT term, df FROM fanwen_terms WHERE term = ANY(%s) AND df > 0", (missing,)))
            self._df.update((t, found.get(t, 0)) for t in missing)


# BM25 with the per-term constants computed by the caller: factor = w · idf · (k1 + 1), and the length
# norm tf + k1 (1 - b) + k1 b len / avglen: one multiply-add per posting, nothing joined per posting.
BM25_SQL = """
SELECT chunk_id, score, terms FROM (
  SELECT p.chunk_id, sum(q.factor * p.tf / (p.tf + %s::float8 + %s::float8 * p.length)) AS score,
         array_agg(q.term) AS terms
  FROM unnest(%s::text[], %s::float8[]) AS q(term, factor) {postings}
  GROUP BY p.chunk_id) scored
WHERE score > 0 ORDER BY score DESC, chunk_id LIMIT %s
"""
# Every posting of the terms, for the chunks passing a filter (a filter can keep few of a term's best).
FILTERED = "JOIN fanwen_postings p ON p.term = q.term WHERE p.chunk_id IN (SELECT c.id FROM fanwen_chunks c WHERE {where})"
# Unfiltered: each term's `cut` best postings by impact (fewer for a term of lower weight), from the
# (term, impact) index, so a word in most chunks costs `cut` rows instead of all of them. The rare terms' lists are read whole (exact). Chunks are
# ranked by the parts read for them, and the `complete` best are then given the parts of the partial terms
# not read for them from the primary key, and ranked by their true score. (Ranking them by an upper bound,
# read parts plus each unread term's last read part, agreed less with exact BM25 on 10 generated-library
# queries at 100,000 chunks: top 10 0.87 vs 0.91; a chunk seen in few lists got most of the bound.)
BEST_FIRST = f"""
WITH q AS MATERIALIZED (SELECT * FROM unnest(%(terms)s::text[], %(factors)s::float8[], %(partial)s::bool[],
                                             %(cuts)s::int[]) AS q(term, factor, partial, cut)),
read AS MATERIALIZED (
  SELECT q.term, p.chunk_id, q.factor * p.tf / (p.tf + %(a)s::float8 + %(c)s::float8 * p.length) AS part
  FROM q CROSS JOIN LATERAL (SELECT chunk_id, tf, length FROM fanwen_postings WHERE term = q.term
                             ORDER BY {IMPACT} DESC, chunk_id LIMIT q.cut) p),
best AS (SELECT chunk_id, sum(part) AS got, array_agg(term) AS terms FROM read GROUP BY chunk_id
         ORDER BY got DESC, chunk_id LIMIT %(complete)s)
SELECT chunk_id, score, terms FROM (
  SELECT b.chunk_id, b.got + coalesce(r.rest, 0) AS score, b.terms || coalesce(r.found, '{{}}') AS terms
  FROM best b LEFT JOIN LATERAL (  -- a primary-key probe per partial term not read (LIMIT 1 keeps it a probe)
    SELECT sum(q.factor * x.part) AS rest, array_agg(q.term) AS found FROM q CROSS JOIN LATERAL (
      SELECT p.tf / (p.tf + %(a)s::float8 + %(c)s::float8 * p.length) AS part FROM fanwen_postings p
      WHERE p.term = q.term AND p.chunk_id = b.chunk_id LIMIT 1) x
    WHERE q.partial AND q.term <> ALL(b.terms)) r ON true) scored
WHERE score > 0 ORDER BY score DESC, chunk_id LIMIT %(k)s
"""
