"""BM25 contributions (weight × tf factor) of long posting lists, kept between searches in a cache bounded in bytes."""
from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from typing import Callable

import numpy as np

# Lists shorter than this are recomputed each time: they cost little, and would crowd the cache.
MIN_POSTINGS = 1024
BUDGET_BYTES = 256 * 2 ** 20

_tokens = itertools.count()


def part_token() -> int:
    """A number no other keyword part has had in this process (an id() can be reused after a part is freed)."""
    return next(_tokens)


class FactorCache:
    """Least recently used arrays, evicted when their bytes pass the budget.

    A key names the part, the term column, its weight (query weight × idf) and the (k1, b, average length)
    the values were computed with, so a write that changes them simply stops asking for the old entries.
    """

    def __init__(self, budget: int = BUDGET_BYTES):
        self.budget, self.used = budget, 0
        self._items: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], np.ndarray]) -> np.ndarray:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        value = compute()  # outside the lock: two searches may both compute it, and both get the same numbers
        value.flags.writeable = False
        if value.nbytes > self.budget:
            return value
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self.used += value.nbytes
            while self.used > self.budget:
                _, dropped = self._items.popitem(last=False)
                self.used -= dropped.nbytes
        return value

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used = 0


FACTORS = FactorCache()


def tf_factors(tf: np.ndarray, lengths: np.ndarray, norm: tuple[float, float, float]) -> np.ndarray:
    """tf·(k1+1) / (tf + k1·(1 − b + b·length/avgdl)) per posting, in float64 (scores stay exactly as before)."""
    k1, b, avgdl = norm
    tf = tf.astype(np.float64)
    return tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * lengths / avgdl))
