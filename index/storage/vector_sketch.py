"""An 8-bit copy of a large exact vector index that finds candidates fast; the float rows rescore them exactly."""
from __future__ import annotations

import faiss
import numpy as np

# Below this many vectors the exact scan is already a few milliseconds; a sketch would only cost memory.
SKETCH_MIN = 20_000
# The sketch proposes this many times the candidates asked for (and at least EXTRA more): 8-bit rounding with
# per-dimension ranges moves a score by ~0.001, less than the gap between rank k and rank 4k of a 100,000-vector
# library (at 2k, the per-library range of QT_8bit_uniform missed 3 of the best 100), so the exact k are among them.
OVERFETCH = 4
EXTRA = 64


class Sketch:
    """Candidates from 8-bit codes of `rows`, rescored with the float rows: an exact scan at a quarter of
    the memory traffic (a single-query flat search reads every vector once and is bound by memory)."""

    def __init__(self, rows: np.ndarray, labels: np.ndarray):
        self.rows, self.labels = rows, labels  # rows: a view of the flat index's storage, not a copy
        self.codes = faiss.IndexScalarQuantizer(rows.shape[1], faiss.ScalarQuantizer.QT_8bit,
                                                faiss.METRIC_INNER_PRODUCT)
        self.codes.train(rows)
        self.codes.add(rows)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, labels) of the k best rows per query, best first, as faiss.Index.search returns them."""
        total = len(self.rows)
        fetch = min(total, max(OVERFETCH * k, k + EXTRA))
        _, positions = self.codes.search(queries, fetch)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        labels = np.full((len(queries), k), -1, dtype=np.int64)
        for n, (query, found) in enumerate(zip(queries, positions)):
            found = found[found >= 0]
            exact = self.rows[found] @ query
            best = np.argsort(-exact, kind="stable")[:k]
            scores[n, :len(best)], labels[n, :len(best)] = exact[best], self.labels[found[best]]
        return scores, labels


def sketch_of(index: faiss.IndexIDMap2, dim: int) -> Sketch | None:
    """A sketch of an exact (IndexIDMap2 over IndexFlatIP) index large enough to need one, else None."""
    total = index.ntotal
    if total < SKETCH_MIN:
        return None
    flat = faiss.downcast_index(index.index)
    rows = faiss.rev_swig_ptr(flat.get_xb(), total * dim).reshape(total, dim)
    return Sketch(rows, faiss.vector_to_array(index.id_map).astype(np.int64))
