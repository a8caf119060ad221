"""A flood of pasted 1,000-character queries: typed searches and health keep answering, the excess is a quick 503."""
import os
import random
import signal
import threading
import time

import httpx
import pytest

from fanwen.index.retrieval.embed import owner_thread
from fanwen.index.retrieval.intent import MAX_QUERY

WORDS = "党建工作加强组织学习教育管理监督责任落实基层支部干部群众服务"


@pytest.fixture
def small_queue():
    """The model's query queue cut to one pasted page, so a handful of clients fill it."""
    owner = owner_thread()
    before, owner.queue_chars = owner.queue_chars, MAX_QUERY
    yield
    owner.queue_chars = before


def flood(url: str, seed: int, stop: threading.Event, answers: list) -> None:
    rnd = random.Random(seed)
    with httpx.Client(timeout=120) as client:
        while not stop.is_set():
            query = "".join(rnd.choice(WORDS) for _ in range(MAX_QUERY))  # never the same twice: no cache
            try:
                answers.append(client.get(f"{url}/api/search", params={"q": query, "k": 5}))
            except httpx.HTTPError as exc:  # the server went away: kept, so a test that expects answers sees it
                answers.append(exc)
                return
            time.sleep(0.05)  # retrying at once, ignoring Retry-After, as a hostile client may


def test_typed_queries_and_health_keep_answering_while_pasted_pages_flood_the_model(live_server, small_queue):
    answers, stop = [], threading.Event()
    threads = [threading.Thread(target=flood, args=(live_server, i, stop, answers)) for i in range(4)]
    for thread in threads:
        thread.start()
    typed, health, deadline = [], [], time.time() + 240
    with httpx.Client(timeout=120) as client:
        while not answers and time.time() < deadline:  # the model is busy with pasted pages
            time.sleep(0.1)
        while (len(typed) < 3 or not any(r.status_code == 200 for r in answers)) and time.time() < deadline:
            response = client.get(f"{live_server}/api/search", params={"q": "开展谈心谈话", "k": 5})
            typed.append((response.status_code, bool(response.json().get("hits"))))
            health.append(client.get(f"{live_server}/api/health").status_code)
            time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join()
    served = [response for response in answers if response.status_code == 200]
    refused = [response for response in answers if response.status_code == 503]
    assert {response.status_code for response in answers} <= {200, 503}
    assert served and refused, (len(served), len(refused))  # pages are still searched; the excess is refused
    for response in refused:
        assert response.headers["Retry-After"] == "2" and "服务繁忙" in response.json()["error"]["message"]
    # typed queries are admitted while pages are refused (shortest first: test_embed_threads checks the order)
    assert all(code == 200 and hits for code, hits in typed) and set(health) == {200}, typed


def test_sigterm_stops_the_server_soon_while_pages_are_still_queued(tmp_path):
    from tests.test_postgres_service import start

    from fanwen.service.http.app import SHUTDOWN_SECONDS
    from tests.conftest import free_port

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "支部.txt").write_text("机关党支部书记述职报告\n一、主要工作\n严格落实三会一课制度。\n", encoding="utf-8")
    port = free_port()
    server = start({**os.environ, "FANWEN_HOME": str(tmp_path / "home"), "FANWEN_CORPUS": str(corpus)}, port)
    stop, answers = threading.Event(), []
    try:
        threads = [threading.Thread(target=flood, args=(f"http://127.0.0.1:{port}", i, stop, answers), daemon=True)
                   for i in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(2)  # about 8 pages admitted: tens of seconds of work for the model
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=SHUTDOWN_SECONDS + 15) is not None  # unbounded, it waited for the queue
    finally:
        stop.set()
        if server.poll() is None:
            server.kill()
