"""The PostgreSQL + pgvector engine at scale: build, open, add a report, search, remove, on generated chunks.

Usage: python scripts/bench_pg.py [--chunks 100000] [--queries 100] [--url postgresql://… [--no-build]]
Without --url a PostgreSQL 16 + pgvector is started from the pgserver wheel in a temp folder. The generated
library is synthetic.py's (chunks of corpus sentences, vectors built from theirs), as bench_speed.py uses for the embedded
engine), loaded into bare tables whose keys and indexes (as the migrations define them) are built after;
a real 30-chunk report is then added with the real model, beside its embedding time alone. Every
measurement of the library runs in a fresh process (--measure); --no-build measures the library in --url
again. Resident memory: the server's processes while the indexes are built, and client and server after
the searches.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# The same generated text, added report and queries as the embedded engine's bench, so the two compare.
from synthetic import QUERIES, Generator, corpus_sentences, report_text  # noqa: E402
from pg_bulk import ServerMemory, build  # noqa: E402

# Queries asking for the paragraph that opens a part of each report: roles.section_leads reads the database
OPENERS = ["问题部分的开头", "原因部分的开头 思想认识", "打算 开篇 认清形势", "措施段落开头 党风廉政"]


def measure(url: str, report: Path, repeat: int) -> dict:
    """In a fresh process: open, add the report beside its embedding alone, search p50/p95, remove."""
    import psutil
    import psycopg

    from fanwen.index.building import BATCH
    from fanwen.index.records import embedding_text
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
    fig["cached_p50"], fig["cached_p95"] = already_embedded(library, repeat)
    fig["opener_p50"], fig["opener_p95"] = already_embedded(library, repeat, OPENERS)
    fig["client_mib"] = process.memory_info().rss / 2**20
    with psycopg.connect(url) as conn:
        fig["server_mib"] = ServerMemory(conn).now_mib()
    started = time.perf_counter()
    library.remove(doc_id)
    fig["remove"] = time.perf_counter() - started
    return fig


def already_embedded(library, repeat: int, queries=QUERIES) -> tuple[float, float]:
    """Hybrid search p50/p95 with each query's vector already made: the service's query cache holds them."""
    from fanwen.index.retrieval.query_cache import CachedEmbedder

    library.embedder = CachedEmbedder(library.embedder)
    for q in queries:
        library.search(q)
    runs = []
    for i in range(repeat):
        started = time.perf_counter()
        library.search(queries[i % len(queries)])
        runs.append(time.perf_counter() - started)
    library.embedder = library.embedder.inner
    return float(np.percentile(runs, 50)), float(np.percentile(runs, 95))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--url", help="an existing database (its fanwen tables are replaced)")
    parser.add_argument("--no-build", action="store_true", help="measure the library already in --url")
    parser.add_argument("--measure", nargs=2, metavar=("URL", "REPORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]), args.queries)))
        return 0
    if args.no_build and not args.url:
        parser.error("--no-build needs --url")
    return main_with(args.chunks, args.queries, args.url, not args.no_build)


def main_with(chunks: int, queries: int, url: str | None = None, build_it: bool = True) -> int:
    """Build and measure on `url`, or on a PostgreSQL started from the pgserver wheel for the run."""
    server = None
    if not url:
        import pgserver

        server = pgserver.get_server(tempfile.mkdtemp(prefix="fanwen-pg-"), cleanup_mode="stop")
        server.psql("CREATE DATABASE bench;")
        url = server.get_uri("bench")
    try:
        run(argparse.Namespace(chunks=chunks, queries=queries, url=url, build=build_it))
    finally:
        if server is not None:
            server.cleanup()
    return 0


def run(args) -> None:
    from fanwen.index.retrieval.embed import load_embedder

    embedder, sentences = load_embedder(), corpus_sentences()
    if args.build:
        started = time.perf_counter()
        fig = build(args.url, args.chunks, embedder.name, Generator(sentences, embedder))
        print(f"PostgreSQL, {args.chunks} generated chunks: built in {time.perf_counter() - started:.0f} s (COPY "
              f"{fig['load_s']:.0f} s, keys {fig['key_s']:.0f} s, b-trees {fig['btree_s']:.0f} s, HNSW "
              f"{fig['hnsw_s']:.0f} s, foreign keys {fig['foreign_s']:.0f} s); database {fig['database_mib']:.0f} "
              f"MiB; server memory while building the indexes {fig['server_build_mib']:.0f} MiB at most")
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
    print(f"  open (connect + first keyword search) {m['open']:.2f} s, client memory {m['open_mib']:.0f} MiB; after "
          f"the searches: client {m['client_mib']:.0f} MiB resident, server {m['server_mib']:.0f} MiB")
    for mode in ("hybrid", "keyword", "vector"):
        print(f"  {mode} search, the model embedding the query: p50 {m[mode + '_p50'] * 1000:.1f} ms  "
              f"p95 {m[mode + '_p95'] * 1000:.1f} ms")
    print(f"  hybrid search, query already embedded (query cache): p50 {m['cached_p50'] * 1000:.1f} ms  "
          f"p95 {m['cached_p95'] * 1000:.1f} ms")
    print(f"  the same, queries asking for a section's opening paragraph: p50 {m['opener_p50'] * 1000:.1f} ms  "
          f"p95 {m['opener_p95'] * 1000:.1f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
