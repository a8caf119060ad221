"""The PostgreSQL + pgvector engine at scale: build, open, add a report, search, remove, on generated chunks.

Usage: python scripts/bench_pg.py [--chunks 100000] [--queries 100] [--url postgresql://…]
Without --url a PostgreSQL 16 + pgvector is started from the pgserver wheel in a temp folder. The generated
library uses shuffled corpus sentences and random unit vectors (as bench_speed.py does for the embedded
engine); a real 30-chunk report is then added with the real model, beside its embedding time alone.
Every measurement of the library runs in a fresh process (--measure).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# The same generated text, added report and queries as the embedded engine's bench, so the two compare.
from bench_speed import QUERIES, corpus_sentences, report_text  # noqa: E402
ROLES = ["achievements", "problems", "causes", "plans", "opening"]
BATCH_ROWS = 20_000


def build(url: str, n: int, dim: int, model: str, sentences: list[str]) -> dict:
    """n generated chunks (100 per document) loaded with COPY, then the indexes built; returns timings."""
    import psycopg

    from fanwen.index.storage.dedup import prefix_keys, shingles
    from fanwen.index.storage.pg_schema import migrate, put_meta

    index_terms = sentence_terms(sentences)
    rng, pyrng, fig = np.random.default_rng(7), random.Random(7), {}
    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn, model, dim)
        for name in ("fanwen_chunks_hnsw", "fanwen_chunks_head_hnsw", "fanwen_postings_chunk", "fanwen_dedup_key"):
            conn.execute(f"DROP INDEX IF EXISTS {name}")  # built once after loading: much faster than per row
        started, tokens = time.perf_counter(), 0
        for start in range(0, n, BATCH_ROWS):
            tokens += _load_batch(conn, range(start, min(n, start + BATCH_ROWS)), dim, rng, pyrng, sentences,
                                  index_terms, prefix_keys, shingles)
        fig["load_s"] = time.perf_counter() - started
        conn.execute("INSERT INTO fanwen_terms SELECT term, count(*) FROM fanwen_postings GROUP BY term")
        conn.execute("UPDATE fanwen_stats SET chunks = %s, tokens = %s", (n, tokens))
        put_meta(conn, generation=1, next_id=n)
        fig.update(_build_indexes(conn))
        conn.execute("VACUUM ANALYZE")
        fig["database_mib"] = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
    return fig


def sentence_terms(sentences: list[str]):
    """The analyzer's term counts per sentence, cached: a generated text's terms are its sentences' terms,
    because the analyzer cuts at the full stop ending each sentence (checked here on 50 samples)."""
    from fanwen.index.retrieval.tokenize import default_tokenizer

    tokenize = default_tokenizer()
    analyzer = getattr(tokenize, "index_terms", tokenize)
    cache: dict[str, Counter] = {}

    def index_terms(sentence: str) -> Counter:
        if sentence not in cache:
            cache[sentence] = Counter(analyzer(sentence))
        return cache[sentence]

    check = random.Random(1)
    for _ in range(50):
        pick = check.sample(sentences, 4)
        assert Counter(analyzer("".join(pick))) == sum((index_terms(x) for x in pick), Counter())
    return index_terms


def _build_indexes(conn) -> dict:
    """The indexes dropped before loading, each timed."""
    conn.execute("SET maintenance_work_mem = '2GB'")
    fig = {}
    for label, sql in (("btree_s", "CREATE INDEX fanwen_postings_chunk ON fanwen_postings (chunk_id); "
                                   "CREATE INDEX fanwen_dedup_key ON fanwen_dedup (key) INCLUDE (chunk_id, size, place)"),
                       ("hnsw_s", "CREATE INDEX fanwen_chunks_hnsw ON fanwen_chunks USING hnsw (embedding vector_ip_ops)"),
                       ("head_hnsw_s", "CREATE INDEX fanwen_chunks_head_hnsw ON fanwen_chunks USING hnsw "
                                       "(head vector_ip_ops)")):
        started = time.perf_counter()
        conn.execute(sql)
        fig[label] = time.perf_counter() - started
    return fig


def _load_batch(conn, ids, dim, rng, pyrng, sentences, index_terms, prefix_keys, shingles) -> int:
    picks = [pyrng.sample(range(len(sentences)), 4) for _ in ids]
    texts = ["".join(sentences[j] for j in pick) for pick in picks]
    counts = [sum((index_terms(sentences[j]) for j in pick), Counter()) for pick in picks]
    vectors = rng.standard_normal((len(texts), dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with conn.transaction():
        docs = sorted({i // 100 for i in ids})
        with conn.cursor().copy("COPY fanwen_documents FROM STDIN") as copy:
            for d in docs:
                copy.write_row((f"d{d}", f"文档{d}", f"/gen/d{d}.txt", "txt", f"{d:064x}", 100, 0, ""))
        with conn.cursor().copy("COPY fanwen_chunks (id, doc, ord, text, heading_path, role, role_confidence, "
                                "para_index, point_index, start_pos, end_pos, placeholders, length, embedding) "
                                "FROM STDIN") as copy:
            for i, text, vector, count in zip(ids, texts, vectors, counts):
                literal = "[" + ",".join(f"{v:.6g}" for v in vector.tolist()) + "]"
                copy.write_row((i, f"d{i // 100}", i % 100, text, "[]", ROLES[i % 5], 1.0, i % 100, -1, 0, len(text),
                                "[]", sum(count.values()), literal))
        with conn.cursor().copy("COPY fanwen_postings (term, chunk_id, tf, length) FROM STDIN") as copy:
            for i, count in zip(ids, counts):
                length = sum(count.values())
                for term, tf in count.items():
                    copy.write_row((term, i, tf, length))
        with conn.cursor().copy("COPY fanwen_dedup (key, chunk_id, size, place) FROM STDIN") as copy:
            for i, text in zip(ids, texts):
                size = len(shingles(text))
                for place, key in enumerate(prefix_keys(text).tolist()):
                    copy.write_row((key, i, size, place))
    return sum(sum(c.values()) for c in counts)


def measure(url: str, report: Path, repeat: int) -> dict:
    """In a fresh process: open, add the report beside its embedding alone, search p50/p95, remove."""
    import psutil

    from fanwen.index.building import BATCH, embedding_text
    from fanwen.index.library import Library
    from fanwen.index.retrieval.embed import load_embedder

    embedder, process = load_embedder(), psutil.Process()
    embedder.embed_passages(["预热"])
    rss, started = process.memory_info().rss, time.perf_counter()
    library = Library(Path(tempfile.mkdtemp(prefix="fanwen-pg-home-")), embedder, database_url=url)
    library.search(QUERIES[0], mode="keyword")
    fig = {"open": time.perf_counter() - started, "open_mib": (process.memory_info().rss - rss) / 2**20}
    started = time.perf_counter()
    doc_id, added = library.add_file(report)
    fig["add"], fig["chunks"] = time.perf_counter() - started, added.chunks
    texts = [embedding_text(library.chunk(i)) for i in library.snapshot.by_doc[doc_id]]
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        embedder.embed_passages(texts[start:start + BATCH])
    fig["embed"] = time.perf_counter() - started
    for q in QUERIES:
        library.search(q)
    for mode in ("hybrid", "keyword", "vector"):
        runs = []
        for i in range(repeat):
            started = time.perf_counter()
            library.search(QUERIES[i % len(QUERIES)], mode=mode)
            runs.append(time.perf_counter() - started)
        fig[f"{mode}_p50"], fig[f"{mode}_p95"] = float(np.percentile(runs, 50)), float(np.percentile(runs, 95))
    started = time.perf_counter()
    library.remove(doc_id)
    fig["remove"] = time.perf_counter() - started
    return fig


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--url", help="an existing database (its fanwen tables are replaced)")
    parser.add_argument("--measure", nargs=2, metavar=("URL", "REPORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]), args.queries)))
        return 0
    return main_with(args.chunks, args.queries, args.url)


def main_with(chunks: int, queries: int, url: str | None = None) -> int:
    """Build and measure on `url`, or on a PostgreSQL started from the pgserver wheel for the run."""
    server = None
    if not url:
        import pgserver

        server = pgserver.get_server(tempfile.mkdtemp(prefix="fanwen-pg-"), cleanup_mode="stop")
        server.psql("CREATE DATABASE bench;")
        url = server.get_uri("bench")
    try:
        run(argparse.Namespace(chunks=chunks, queries=queries, url=url))
    finally:
        if server is not None:
            server.cleanup()
    return 0


def run(args) -> None:
    from fanwen.index.retrieval.embed import load_embedder

    embedder, sentences = load_embedder(), corpus_sentences()
    started = time.perf_counter()
    fig = build(args.url, args.chunks, embedder.dim, embedder.name, sentences)
    print(f"PostgreSQL, {args.chunks} generated chunks: built in {time.perf_counter() - started:.0f} s "
          f"(COPY {fig['load_s']:.0f} s, b-trees {fig['btree_s']:.0f} s, HNSW {fig['hnsw_s']:.0f} s); "
          f"database {fig['database_mib']:.0f} MiB")
    report = Path(tempfile.mkdtemp(prefix="fanwen-pg-report-")) / "report.txt"
    report.write_text(report_text(sentences, 30), encoding="utf-8")
    out = subprocess.run([sys.executable, __file__, "--measure", args.url, str(report), "--queries", str(args.queries)],
                         capture_output=True, text=True)
    if out.returncode:
        sys.stderr.write(out.stderr[-3000:])
        raise SystemExit(1)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  add a {m['chunks']}-chunk report {m['add']:.2f} s (its embedding alone {m['embed']:.2f} s; "
          f"target 1.5 x embed + 1 = {1.5 * m['embed'] + 1:.2f} s); remove it {m['remove']:.2f} s")
    print(f"  open (connect + first keyword search) {m['open']:.2f} s, client memory {m['open_mib']:.0f} MiB")
    for mode in ("hybrid", "keyword", "vector"):
        print(f"  {mode} search, query embedded: p50 {m[mode + '_p50'] * 1000:.1f} ms  "
              f"p95 {m[mode + '_p95'] * 1000:.1f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
