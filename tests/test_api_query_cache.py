"""/api/health reports the query cache, and a repeated search over a real server is served from it."""
import os

import httpx
import pytest

from conftest import ServerThread, make_app


@pytest.fixture(scope="module")
def cached_server(corpus_home, embedder):
    from fanwen.index.library import Library
    from fanwen.index.retrieval.query_cache import CachedEmbedder

    library = Library(corpus_home, CachedEmbedder(embedder, size=32))
    with ServerThread(make_app(library)) as server:
        yield server.url


def test_repeated_query_is_a_cache_hit(cached_server):
    with httpx.Client(base_url=cached_server, timeout=30) as client:
        before = client.get("/api/health").json()
        assert set(before["query_cache"]) == {"size", "capacity", "hits", "misses", "hit_rate"}
        assert before["query_cache"]["capacity"] == 32 and "limits" in before
        first = client.get("/api/search", params={"q": "加强党风廉政建设 查询缓存"})
        second = client.get("/api/search", params={"q": "加强党风廉政建设 查询缓存"})
        after = client.get("/api/health").json()["query_cache"]
    assert first.status_code == second.status_code == 200
    assert first.json()["hits"] == second.json()["hits"]
    assert after["misses"] == before["query_cache"]["misses"] + 1
    assert after["hits"] == before["query_cache"]["hits"] + 1
    assert after["size"] == before["query_cache"]["size"] + 1


def test_health_says_null_when_the_cache_is_off(live_server):
    assert httpx.get(f"{live_server}/api/health", timeout=30).json()["query_cache"] is None


@pytest.mark.parametrize("size", [7, 0])
def test_wiring_sizes_the_cache_from_settings(tmp_path, size, monkeypatch):
    from fanwen.service.settings import Settings
    from fanwen.service.wiring import open_library

    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)  # open_library sets it; undone after the test
    library = open_library(Settings(home=tmp_path, query_cache_size=size))
    stats = getattr(library.embedder, "stats", None)
    assert (stats()["capacity"] if stats else 0) == size


def test_wiring_sets_the_openmp_wait_policy_unless_the_environment_has_one(monkeypatch):
    from fanwen.service.settings import Settings
    from fanwen.service.wiring import set_openmp_policy

    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    set_openmp_policy(Settings(omp_wait_policy="default"))
    assert "OMP_WAIT_POLICY" not in os.environ
    set_openmp_policy(Settings())
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    set_openmp_policy(Settings())
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"
