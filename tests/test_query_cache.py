"""The LRU cache of query vectors: hits, misses, eviction order, stats and thread safety, over a stub embedder."""
import threading

import numpy as np
import pytest

from fanwen.index.retrieval.query_cache import CachedEmbedder


class CountingEmbedder:
    """Deterministic vectors from the text; records every text it was asked to embed."""

    name, dim, max_tokens = "stub/counting", 4, 16

    def __init__(self):
        self.asked: list[str] = []
        self.lock = threading.Lock()

    def embed_queries(self, texts):
        with self.lock:
            self.asked.extend(texts)
        return np.array([[len(t), sum(map(ord, t)) % 97, 1.0, 2.0] for t in texts], dtype=np.float32)

    def embed_passages(self, texts):
        return self.embed_queries(texts) * -1

    def token_count(self, text):
        return len(text)


def test_second_ask_is_a_hit_with_the_same_vector():
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, size=8)
    first = cache.embed_queries(["党建"])
    second = cache.embed_queries(["党建"])
    assert inner.asked == ["党建"]
    assert np.array_equal(first, second) and second.shape == (1, 4) and second.dtype == np.float32
    assert cache.stats() == {"size": 1, "capacity": 8, "hits": 1, "misses": 1, "hit_rate": 0.5}


def test_mixed_batch_embeds_only_the_misses_and_keeps_the_order():
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, size=8)
    cache.embed_queries(["b"])
    rows = cache.embed_queries(["a", "b", "c", "a"])
    assert inner.asked == ["b", "a", "c"]  # "a" twice in one call is embedded once
    assert np.array_equal(rows, inner.embed_queries(["a", "b", "c", "a"]))
    assert cache.stats()["hits"] == 1 and cache.stats()["misses"] == 4


def test_evicts_the_least_recently_used():
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, size=2)
    cache.embed_queries(["a"])
    cache.embed_queries(["b"])
    cache.embed_queries(["a"])  # a is now more recent than b
    cache.embed_queries(["c"])  # evicts b
    inner.asked.clear()
    cache.embed_queries(["a"])
    cache.embed_queries(["c"])
    assert inner.asked == []
    cache.embed_queries(["b"])
    assert inner.asked == ["b"] and cache.stats()["size"] == 2


def test_callers_cannot_change_cached_vectors():
    cache = CachedEmbedder(CountingEmbedder(), size=4)
    rows = cache.embed_queries(["a"])
    rows[0, 0] = 999.0
    assert cache.embed_queries(["a"])[0, 0] == 1.0


def test_passages_and_attributes_pass_through():
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, size=4)
    assert (cache.name, cache.dim, cache.max_tokens, cache.token_count("abc")) == ("stub/counting", 4, 16, 3)
    cache.embed_passages(["p"])
    cache.embed_passages(["p"])
    assert inner.asked == ["p", "p"] and cache.stats()["size"] == 0
    assert cache.embed_queries([]).shape == (0, 4)


def test_size_must_be_positive():
    with pytest.raises(ValueError):
        CachedEmbedder(CountingEmbedder(), size=0)


def test_many_threads_count_every_ask_and_stay_within_capacity():
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, size=16)
    texts = [f"q{i}" for i in range(24)]
    start = threading.Barrier(8)

    def client(offset):
        start.wait()
        for i in range(300):
            text = texts[(offset + i) % len(texts)]
            assert cache.embed_queries([text])[0, 0] == len(text)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = cache.stats()
    assert stats["hits"] + stats["misses"] == 8 * 300
    assert stats["misses"] == len(inner.asked) and stats["size"] == 16
