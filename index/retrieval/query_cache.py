"""An LRU cache of query vectors in front of an embedder (search-as-you-type, paging, repeated queries)."""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from fanwen.index.lru import LRU


class CachedEmbedder:
    """Wraps an embedder; embed_queries looks each text up first, passages always go to the model.

    The rows are an index.lru.LRU, whose lock never covers the embedding, so a hit is not held up behind a
    miss. Two threads missing the same text at once both embed it; the second store is a harmless overwrite.
    """

    def __init__(self, embedder, size: int = 1024):
        if size < 1:
            raise ValueError(f"query cache size must be at least 1, got {size}")
        self.inner, self._rows = embedder, LRU(size)
        self._lock = threading.Lock()  # the counters
        self.hits = self.misses = 0

    def __getattr__(self, attribute):  # name, dim, max_tokens, token_count...: the wrapped embedder's own
        if attribute == "inner":  # not set yet (copy, unpickling): no endless recursion
            raise AttributeError(attribute)
        return getattr(self.inner, attribute)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        found = self._lookup(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            fresh = self.inner.embed_queries(missing)
            for text, row in zip(missing, fresh):
                found[text] = self._store(text, row)
        if not texts:
            return np.zeros((0, self.inner.dim), dtype=np.float32)
        return np.stack([found[t] for t in texts])  # a new array: callers cannot alter the cached rows

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def stats(self) -> dict:
        with self._lock:
            asked = self.hits + self.misses
            return {"size": len(self._rows), "capacity": self._rows.budget, "hits": self.hits,
                    "misses": self.misses, "hit_rate": round(self.hits / asked, 4) if asked else 0.0}

    def clear(self) -> None:
        self._rows.clear()

    def _lookup(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Cached rows for the texts, counting one hit or miss per text asked and refreshing recency."""
        found = self._rows.found(texts)
        hits = sum(text in found for text in texts)
        with self._lock:
            self.hits += hits
            self.misses += len(texts) - hits
        return found

    def _store(self, text: str, row: np.ndarray) -> np.ndarray:
        row = np.array(row, dtype=np.float32)
        row.setflags(write=False)
        self._rows.put(text, row)
        return row
