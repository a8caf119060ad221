"""Systems compared by bench_quality.py: fanwen under any SearchParams, and the plain baselines."""
from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import numpy as np


class CachedEmbedder:
    """Wraps an embedder so each query and passage text is embedded once per benchmark run."""

    def __init__(self, inner):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.max_tokens = getattr(inner, "max_tokens", 512)
        self._memo: dict[tuple[str, str], np.ndarray] = {}

    def _cached(self, kind: str, texts, fn) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if (kind, t) not in self._memo]
        if missing:
            for text, row in zip(missing, fn(missing)):
                self._memo[(kind, text)] = row
        return np.vstack([self._memo[(kind, t)] for t in texts]).astype(np.float32)

    def embed_queries(self, texts):
        return self._cached("q", list(texts), self.inner.embed_queries)

    def embed_passages(self, texts):
        return self._cached("p", list(texts), self.inner.embed_passages)


def variant(library, params=None, **snapshot_changes):
    """A shallow copy of the library searching with other params and/or other stores of the same chunks."""
    other = copy.copy(library)
    if params is not None:
        other.params = params
    if snapshot_changes:
        # the copy gets its own engine: a shallow copy would share it, and every later search of the
        # original would read the swapped-in stores (every ablation row then measured the plain stores)
        other.engine = copy.copy(library.engine)
        other.engine.replace_view(dataclasses.replace(library.snapshot, **snapshot_changes))
    return other


def vectors_of(library, how: str):
    """The library's chunks embedded another way (records.embedding_text), for the ablation table."""
    from fanwen.index.records import embedding_text
    from fanwen.index.storage.vectors import VectorStore

    chunks = library.snapshot.chunks
    ids = sorted(chunks)
    store = VectorStore(library.embedder.dim, "flat")
    store.add(ids, library.embedder.embed_passages([embedding_text(chunks[i], how) for i in ids]))
    return store


def fanwen_ranker(library, k: int = 5, **options):
    return lambda q: [hit.chunk.text for hit in library.search(q, k=k, **options).hits]


class Plain:
    """The baselines of issue 10: jieba lcut_for_search BM25, e5 with the full query, and naive RRF of both."""

    def __init__(self, library, cache: Path | None = None):
        import jieba
        from fanwen.index.storage.keywords import BM25Index
        from fanwen.index.storage.vectors import VectorStore

        snap = library.snapshot
        self.embedder, self.chunks = library.embedder, snap.chunks
        ids = sorted(snap.chunks)
        self.bm25 = BM25Index(lambda text: [w for w in jieba.lcut_for_search(text) if w.strip()])
        self.bm25.add(ids, [snap.chunks[i].text for i in ids])
        self.vectors = VectorStore(library.embedder.dim, "flat")
        self.vectors.add(ids, self._passages(ids, cache))

    def _passages(self, ids: list[int], cache: Path | None) -> np.ndarray:
        """Vectors of the bare chunk text (no heading path); cached beside an index kept with --home."""
        if cache is not None and cache.exists():
            data = np.load(cache)
            if data["ids"].tolist() == ids:
                return data["vectors"]
        vectors = self.embedder.embed_passages([self.chunks[i].text for i in ids])
        if cache is not None:
            np.savez(cache, ids=np.array(ids), vectors=vectors)
        return vectors

    def bm25_ids(self, q: str, n: int) -> list[int]:
        return [cid for cid, *_ in self.bm25.search(self.bm25.terms(q), n)]

    def vector_ids(self, q: str, n: int) -> list[int]:
        return [cid for cid, _ in self.vectors.search(self.embedder.embed_queries([q])[0], n)[0]]

    def rrf_ids(self, q: str, n: int, pool: int = 100, rrf_k: int = 60) -> list[int]:
        scores: dict[int, float] = {}
        for ranked in (self.bm25_ids(q, pool), self.vector_ids(q, pool)):
            for rank, cid in enumerate(ranked):
                scores[cid] = scores.get(cid, 0.0) + 1.0 / (rrf_k + rank + 1)
        return sorted(scores, key=lambda cid: (-scores[cid], cid))[:n]

    def rankers(self, k: int = 5) -> dict:
        texts = lambda ids: [self.chunks[i].text for i in ids]  # noqa: E731
        return {"plain BM25": lambda q: texts(self.bm25_ids(q, k)),
                "plain vector": lambda q: texts(self.vector_ids(q, k)),
                "naive RRF": lambda q: texts(self.rrf_ids(q, k))}
