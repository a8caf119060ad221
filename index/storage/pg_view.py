"""What a search reads from PostgreSQL: documents, chunks, pgvector search (and BM25: pg_keywords)."""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np

from fanwen.index.records import Chunk, Document, embedded_text_of
from fanwen.index.storage.chunk_rows import json_items
from fanwen.index.storage.filters import ChunkFilter
from fanwen.index.storage.pg_keywords import PgKeywords

# Chunks passing a filter from which a filtered search reads best first (keywords) or asks HNSW for more
# neighbours (vectors), instead of reading every posting of the terms or every vector of the chunks passing.
WALK_FROM = 20_000
# The two JSON columns come as text: most are "[]", and psycopg's jsonb loader costs a third of a fetch.
CHUNK_COLUMNS = ("id, doc, text, heading_path::text, role, role_confidence, para_index, point_index, start_pos, "
                 "end_pos, placeholders::text, dup_of")
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
                         "embedded_text": embedded_text_of(meta),
                         "vector_kind": "hnsw", "generation": generation, "schema_version": meta.get("schema_version")}
        self._docs: dict[str, Document] | None = None
        self._all: dict[int, Chunk] | None = None
        self._total: tuple[int, int] | None = None
        self._passing: dict[ChunkFilter, int] = {}
        self.chunks = PgChunks(self)
        self.by_doc = PgByDoc(self)
        self.vectors = PgVectors(self, "embedding")
        self.heads = PgVectors(self, "head")
        self.keywords = PgKeywords(self, engine.tokenize)

    def sql(self, query: str, params=(), binary: bool = False) -> list[tuple]:
        return self.engine.connection().execute(query, params, binary=binary).fetchall()

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

    def first_passing(self, chunk_filter: ChunkFilter, n: int) -> list[int]:
        """The first n ids a filter passes, ascending."""
        where, params = chunk_filter.sql("c")
        return [row[0] for row in self.sql(f"SELECT id FROM fanwen_chunks c WHERE {where} ORDER BY id LIMIT %s",
                                           (*params, n))]

    def section_leads(self, docs, roles) -> set[int]:
        """The first chunk of each of `roles` under each top heading of `docs`, in one statement
        (roles.section_leads)."""
        rows = self.sql("SELECT DISTINCT ON (doc, heading_path->>0, role) id FROM fanwen_chunks "
                        "WHERE doc = ANY(%s) AND role = ANY(%s) AND heading_path->>0 IS NOT NULL "
                        "ORDER BY doc, heading_path->>0, role, ord", (list(docs), list(roles)))
        return {row[0] for row in rows}

    def all_chunks(self) -> dict[int, Chunk]:
        """Every chunk, read once per generation (the copy check's shingle index is built from them)."""
        if self._all is None:
            rows = self.sql(f"SELECT {CHUNK_COLUMNS} FROM fanwen_chunks ORDER BY id")
            self._all = {chunk.id: chunk for chunk in map(chunk_from_row, rows)}
        return self._all

    def broad(self, chunk_filter: ChunkFilter) -> bool:
        """Whether so many chunks pass a filter (WALK_FROM) that a search walks best first under it."""
        return self.passing(chunk_filter) >= WALK_FROM

    def passing(self, chunk_filter: ChunkFilter) -> int:
        """How many chunks pass a filter (counted once per generation and filter)."""
        if chunk_filter not in self._passing:
            where, params = chunk_filter.sql("c")
            self._passing[chunk_filter] = self.sql(f"SELECT count(*) FROM fanwen_chunks c WHERE {where}", params)[0][0]
        return self._passing[chunk_filter]

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
        # A filter few chunks pass scans them exactly (`+ 0` keeps the planner off the HNSW index, which would
        # filter after taking its nearest few and return too little); one most pass (a role) asks HNSW for
        # more than k, twice k over the share passing, and keeps those passing (scanning exactly if fewer
        # than k do): at 1M a role filter scanned 200,000 vectors.
        order = f"c.{self.column} <#> %s::vector"
        restricts = allowed is not None and allowed.restricts
        depth = self._depth(k, allowed) if restricts else None
        if restricts:
            order = f"({order}) + 0"
        out = []
        for row in rows:
            literal = vector_literal(row)
            found = self._nearest_passing(literal, where, params, depth, k) if depth else None
            if found is None:
                self.view.engine.set_search_breadth(k)
                found = self.view.sql(
                    f"SELECT c.id, -(c.{self.column} <#> %s::vector) FROM fanwen_chunks c "
                    f"WHERE c.{self.column} IS NOT NULL AND {where} ORDER BY {order} LIMIT %s",
                    (literal, *params, literal, int(k)))
            out.append([(int(cid), float(score)) for cid, score in found])
        return out

    def _depth(self, k: int, allowed: ChunkFilter) -> int | None:
        """Nearest neighbours to ask HNSW for under a filter most chunks pass (None: scan those passing)."""
        if not self.view.broad(allowed):
            return None
        return min(1000, math.ceil(2 * int(k) * self.view.total()[0] / max(1, self.view.passing(allowed))))

    def _nearest_passing(self, literal: str, where: str, params: list, depth: int, k: int) -> list | None:
        self.view.engine.set_search_breadth(depth)
        found = self.view.sql(
            f"SELECT id, score FROM (SELECT c.id, -(c.{self.column} <#> %s::vector) AS score, ({where}) AS ok "
            f"FROM fanwen_chunks c WHERE c.{self.column} IS NOT NULL ORDER BY c.{self.column} <#> %s::vector "
            f"LIMIT %s) nearest WHERE ok ORDER BY score DESC, id LIMIT %s", (literal, *params, literal, depth, int(k)))
        return found if len(found) >= int(k) else None
