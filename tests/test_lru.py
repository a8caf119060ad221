"""index.lru.LRU: least recently used first out, bounded by a count or by bytes, values heavier than the budget
not kept."""
import threading

import numpy as np
import pytest

from fanwen.index.lru import LRU


def test_a_count_budget_drops_the_least_recently_used():
    cache = LRU(3)
    cache.put_many({"a": 1, "b": 2, "c": 3})
    assert cache.get("a") == 1  # now the most recent
    cache.put("d", 4)  # drops "b"
    assert "b" not in cache and [k for k in ("a", "c", "d") if k in cache] == ["a", "c", "d"]
    assert cache.found(["c", "x", "a"]) == {"c": 3, "a": 1}
    cache.put("e", 5)  # "d" is now the oldest
    assert "d" not in cache and len(cache) == 3 and cache.used == 3


def test_a_byte_budget_counts_each_value_s_bytes_and_replacing_a_key_does_not_count_it_twice():
    cache = LRU(3 * 800, weigh=lambda array: array.nbytes)
    for key in "abc":
        cache.put(key, np.ones(100))  # 800 bytes each
    cache.put("a", np.ones(100))
    assert cache.used == 2400 and len(cache) == 3
    cache.put("big", np.ones(1000))  # heavier than the whole budget: not kept, nothing dropped
    assert "big" not in cache and len(cache) == 3
    cache.put("d", np.ones(200))  # 1600 bytes: two must go, the least recent first ("b", then "c")
    assert sorted(k for k in "abcd" if k in cache) == ["a", "d"] and cache.used == 2400


def test_a_zero_budget_keeps_nothing_and_a_negative_one_is_refused():
    cache = LRU(0)
    cache.put("a", 1)
    assert "a" not in cache and cache.get("a", "none") == "none"
    with pytest.raises(ValueError, match="at least 0"):
        LRU(-1)


def test_threads_never_leave_it_over_budget():
    cache = LRU(50)

    def work(start):
        for i in range(2000):
            cache.put((start, i), i)
            cache.get((start, i - 7))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == cache.used == 50
