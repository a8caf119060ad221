"""Bulk loading of a generated library into PostgreSQL for bench_pg.py: COPY into bare tables, then the keys
and indexes the migrations define."""
from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections import Counter
from itertools import chain

import numpy as np

from synthetic import Generator, sentence_terms

ROLES = ["achievements", "problems", "causes", "plans", "opening"]
# Each generated report's top headings, a third of its chunks under each (section openers are read from them)
HEADINGS = [["一、主要工作"], ["二、存在的问题及原因"], ["三、下一步打算"]]
BATCH_ROWS = 20_000
MAINTENANCE_MEMORY = '8GB'  # index builds sort and build HNSW graphs in memory (24 GiB machine)


def build(url: str, n: int, model: str, generator: Generator) -> dict:
    """n generated chunks (100 per document) loaded with COPY into bare tables, then the keys, indexes and
    foreign keys the migrations made put back, each timed (sorting once is much faster than per row)."""
    import psycopg

    from fanwen.index.storage.pg_schema import migrate, put_meta

    loader, fig = Loader(generator), {}
    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn, model, generator.dim)
        conn.execute(f"SET maintenance_work_mem = '{MAINTENANCE_MEMORY}'")
        deferred = _drop_for_loading(conn)
        register_vector_binary(conn)
        started, tokens = time.perf_counter(), 0
        for start in range(0, n, BATCH_ROWS):
            tokens += loader.load(conn, range(start, min(n, start + BATCH_ROWS)))
            print(f"  loaded {min(n, start + BATCH_ROWS)} chunks, {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)
        fig["load_s"] = time.perf_counter() - started
        conn.execute("INSERT INTO fanwen_terms SELECT term, count(*) FROM fanwen_postings GROUP BY term")
        conn.execute("UPDATE fanwen_stats SET chunks = %s, tokens = %s", (n, tokens))
        put_meta(conn, generation=1, next_id=n)
        with ServerMemory(conn) as memory:
            fig.update(_restore(conn, deferred))
        fig["server_build_mib"] = memory.peak_mib
        conn.execute("VACUUM ANALYZE")
        fig["database_mib"] = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
    return fig


def _drop_for_loading(conn) -> list[tuple[str, str, str]]:
    """Drops the keys, foreign keys and indexes of the big tables; returns (kind, table, definition) to restore."""
    tables = ("fanwen_chunks", "fanwen_postings", "fanwen_forward", "fanwen_dedup", "fanwen_shingles", "fanwen_buckets")
    keys = conn.execute("SELECT contype, conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'p') ORDER BY contype",
                        (list(tables),)).fetchall()  # foreign keys first: they depend on the primary keys
    indexes = conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
                           "(SELECT conname FROM pg_constraint)", (list(tables),)).fetchall()
    for _kind, table, name, _ in keys:
        conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    primary = [("key", t, f"ALTER TABLE {t} ADD CONSTRAINT {c} {d}") for k, t, c, d in keys if k == "p"]
    foreign = [("foreign", t, f"ALTER TABLE {t} ADD CONSTRAINT {c} {d}") for k, t, c, d in keys if k == "f"]
    ordered = sorted(indexes, key=lambda row: "USING hnsw" in row[1])  # the b-trees first, then HNSW
    return primary + [("hnsw" if "USING hnsw" in d else "btree", n, d) for n, d in ordered] + foreign


def _restore(conn, deferred: list[tuple[str, str, str]]) -> dict:
    """Runs the definitions _drop_for_loading saved; seconds per kind (key, btree, hnsw, foreign)."""
    fig: dict[str, float] = {}
    for kind, _name, sql in deferred:
        started = time.perf_counter()
        conn.execute(sql)
        fig[f"{kind}_s"] = fig.get(f"{kind}_s", 0.0) + time.perf_counter() - started
        print(f"  {sql[:90]}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return fig


def register_vector_binary(conn) -> None:
    """numpy float32 rows dumped in pgvector's binary form (dims, unused, big-endian float4s): text
    formatting of 384 floats per chunk costs more than the rest of the load."""
    import struct

    from psycopg.adapt import Dumper
    from psycopg.pq import Format
    from psycopg.types import TypeInfo

    info = TypeInfo.fetch(conn, "vector")
    info.register(conn)  # COPY ... set_types names it

    class VectorBinary(Dumper):
        format, oid = Format.BINARY, info.oid

        def dump(self, obj):
            values = np.asarray(obj, dtype=">f4")
            return struct.pack(">HH", values.size, 0) + values.tobytes()

    conn.adapters.register_dumper(np.ndarray, VectorBinary)


class ServerMemory:
    """Peak resident memory of the database server's processes (postmaster and children), sampled every 0.5 s
    while the block runs; 0 when the server is not on this machine."""

    def __init__(self, conn):
        import psutil

        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        self.root = psutil.Process(pid).parent() if psutil.pid_exists(pid) else None
        self.peak_mib, self._stop = 0.0, threading.Event()

    def now_mib(self) -> float:
        if self.root is None:
            return 0.0
        procs = [self.root, *self.root.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            with contextlib.suppress(Exception):  # a parallel worker that ended between listing and reading
                self.peak_mib = max(self.peak_mib, self.now_mib())

    def __enter__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class Loader:
    """Generated chunks (synthetic.py: four corpus sentences each, a vector built from theirs), their postings
    and duplicate-detection keys."""

    def __init__(self, generator: Generator):
        from fanwen.index.storage.dedup import prefix_of, shingles
        from fanwen.index.storage.chunk_keys import gram_keys
        from fanwen.index.storage.pg_schema import bucket_row, forward_row, shingle_row

        self.generator, self.terms = generator, sentence_terms(generator.sentences)
        self.prefix_of, self.shingles, self.shingle_row = prefix_of, shingles, shingle_row
        self.forward_row, self.bucket_row, self.gram_keys = forward_row, bucket_row, gram_keys

    def load(self, conn, ids) -> int:
        """One batch in one transaction; returns its keyword tokens."""
        picks = self.generator.picks(len(ids))
        texts, vectors = self.generator.texts(picks), self.generator.vectors(picks)
        counts = [Counter(chain.from_iterable(self.terms[j] for j in pick)) for pick in picks]
        lengths = [sum(c.values()) for c in counts]
        with conn.transaction():
            with conn.cursor().copy("COPY fanwen_documents FROM STDIN") as copy:
                for d in sorted({i // 100 for i in ids}):
                    copy.write_row((f"d{d}", f"文档{d}", f"/gen/d{d}.txt", "txt", f"{d:064x}", 100, 0, ""))
            with conn.cursor().copy("COPY fanwen_chunks (id, doc, ord, text, heading_path, role, role_confidence, "
                                    "para_index, point_index, start_pos, end_pos, placeholders, length, embedding) "
                                    "FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "text", "int4", "text", "jsonb", "text", "float4", "int4", "int4", "int4",
                                "int4", "jsonb", "int4", "vector"])
                for i, text, vector, length in zip(ids, texts, vectors, lengths):
                    heading = HEADINGS[i % 100 * len(HEADINGS) // 100]
                    copy.write_row((i, f"d{i // 100}", i % 100, text, heading, ROLES[i % 5], 1.0, i % 100, -1, 0,
                                    len(text), [], length, vector))
            with conn.cursor().copy("COPY fanwen_postings (term, chunk_id, tf, length) FROM STDIN") as copy:
                for i, count, length in zip(ids, counts, lengths):  # terms hold no tab, newline or backslash
                    copy.write("".join(f"{term}\t{i}\t{tf}\t{length}\n" for term, tf in count.items()))
            with conn.cursor().copy("COPY fanwen_forward (chunk_id, keys, tfs, length) FROM STDIN") as copy:
                for i, count, length in zip(ids, counts, lengths):  # bytea in hex, its backslash escaped for COPY
                    _, keys, tfs, _ = self.forward_row(i, count, length)
                    copy.write(f"{i}\t\\\\x{keys.hex()}\t\\\\x{tfs.hex()}\t{length}\n")
            grams = [self.shingles(text) for text in texts]
            with conn.cursor().copy("COPY fanwen_dedup (key, chunk_id, size, place) FROM STDIN") as copy:
                for i, chunk_grams in zip(ids, grams):
                    copy.write("".join(f"{key}\t{i}\t{len(chunk_grams)}\t{place}\n"
                                       for place, key in enumerate(self.prefix_of(chunk_grams).tolist())))
            with conn.cursor().copy("COPY fanwen_shingles (chunk_id, size, keys) FROM STDIN") as copy:
                for i, chunk_grams in zip(ids, grams):  # bytea in hex, its backslash escaped for COPY
                    _, size, keys = self.shingle_row(i, chunk_grams)
                    copy.write(f"{i}\t{size}\t\\\\x{keys.hex()}\n")
            with conn.cursor().copy("COPY fanwen_buckets (chunk_id, counts) FROM STDIN") as copy:
                for i, chunk_grams in zip(ids, grams):
                    copy.write(f"{i}\t\\\\x{self.bucket_row(i, self.gram_keys(chunk_grams))[1].hex()}\n")
        return sum(lengths)
