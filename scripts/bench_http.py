"""HTTP search latency beside the in-process figure, and bounded load runs on loopback.

Usage: python scripts/bench_http.py [--seconds 20] [--clients 4 16] [--queries 200]
Starts its own server over a fresh index of corpus/ on a free 127.0.0.1 port; sends traffic nowhere else.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from bench_speed import QUERIES, percentiles, timed  # noqa: E402


def load_run(url: str, clients: int, seconds: float) -> None:
    latencies, errors, stop = [], [], time.perf_counter() + seconds

    def worker(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            i = offset
            while time.perf_counter() < stop:
                started = time.perf_counter()
                try:
                    response = client.get("/api/search", params={"q": QUERIES[i % len(QUERIES)], "k": 5})
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
    print(f"load {clients:2d} clients {seconds:.0f}s: {len(latencies) / elapsed:7.1f} req/s  p50 {np.percentile(ms, 50):6.1f} ms"
          f"  p99 {np.percentile(ms, 99):7.1f} ms  errors {len(errors)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    from conftest import ServerThread, make_app
    from fanwen.index.retrieval.embed import load_embedder
    from fanwen.index.library import Library

    library = Library(Path(tempfile.mkdtemp(prefix="fanwen-http-")), load_embedder())
    library.add_paths([ROOT / "corpus"])
    with ServerThread(make_app(library)) as server, httpx.Client(base_url=server.url) as client:
        for q in QUERIES:
            client.get("/api/search", params={"q": q})
        n = args.queries
        inproc = timed(lambda i: library.search(QUERIES[i % len(QUERIES)]), n)
        http = timed(lambda i: client.get("/api/search", params={"q": QUERIES[i % len(QUERIES)]}), n)
        print("in-process search:", percentiles(inproc))
        print("HTTP GET /api/search:", percentiles(http))
        print(f"HTTP overhead at p50: {1000 * (np.median(http) - np.median(inproc)):.2f} ms")
        for clients in args.clients:
            load_run(server.url, clients, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
