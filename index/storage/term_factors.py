"""BM25 contributions (weight × tf factor) of long posting lists, kept between searches in a cache bounded in bytes."""
from __future__ import annotations

import itertools
from typing import Callable, Hashable

import numpy as np

from fanwen.index.lru import LRU

# Lists shorter than this are recomputed each time: they cost little, and would crowd the cache.
MIN_POSTINGS = 1024
BUDGET_BYTES = 256 * 2 ** 20

# A key names the part, the term column, its weight (query weight × idf) and the (k1, b, average length) the
# values were computed with, so a write that changes them simply stops asking for the old entries.
FACTORS = LRU(BUDGET_BYTES, weigh=lambda values: values.nbytes)

_tokens = itertools.count()


def part_token() -> int:
    """A number no other keyword part has had in this process (an id() can be reused after a part is freed)."""
    return next(_tokens)


def kept(key: Hashable, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """FACTORS' array for key, else compute() (outside the cache's lock), kept read-only."""
    found = FACTORS.get(key)
    if found is None:
        found = compute()
        found.flags.writeable = False
        FACTORS.put(key, found)
    return found


def tf_factors(tf: np.ndarray, lengths: np.ndarray, norm: tuple[float, float, float]) -> np.ndarray:
    """tf·(k1+1) / (tf + k1·(1 − b + b·length/avgdl)) per posting, in float64 (scores stay exactly as before)."""
    k1, b, avgdl = norm
    tf = tf.astype(np.float64)
    return tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * lengths / avgdl))
