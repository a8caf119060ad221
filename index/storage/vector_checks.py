"""Checks on what a vector store is given: ids and vectors, each error naming what is wrong and what is allowed."""
from __future__ import annotations

from typing import Iterable

import numpy as np


def as_ids(ids: Iterable[int]) -> np.ndarray:
    """ids as a flat int64 array, or a ValueError saying what is wrong with them."""
    array = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids))
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise ValueError(f"ids must be flat integers, got {array.dtype} {array.shape}")
    if (array < 0).any():
        raise ValueError("ids must be non-negative (faiss uses -1 for 'no result')")
    return array.astype(np.int64)


def unit_rows(vectors: np.ndarray, dim: int, what: str) -> np.ndarray:
    """Return vectors as contiguous float32 rows of unit length, or explain what is wrong."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != dim:
        raise ValueError(
            f"{what} must have shape (n, {dim}) for this {dim}-dimensional store, "
            f"got shape {tuple(np.shape(vectors))}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{what} contain NaN or infinite values")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    # Embedders normally normalise already; this guards inner product = cosine anyway.
    return np.ascontiguousarray(array / np.maximum(norms, 1e-12), dtype=np.float32)


def ascending_ids(ids: Iterable[int]) -> np.ndarray:
    """as_ids, sorted and distinct (np.unique only when they are not already: a filter's come ascending, and
    at a million chunks sorting 200,000 of them again cost ~70 ms per search)."""
    array = as_ids(ids)
    if len(array) > 1 and not (array[1:] > array[:-1]).all():
        array = np.unique(array)
    return array
