"""Each chunk's shingle count and crc32 shingle keys: duplicate detection screens its candidates with them
instead of reading and shingling their texts (that cost most of a write at a million chunks)."""
from __future__ import annotations

import zlib

import numpy as np

# One part: (ids ascending int64, shingle counts uint32, indptr int64, keys uint32), keys[indptr[i]:indptr[i+1]]
# being chunk ids[i]'s distinct keys, ascending.
Part = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
NAMES = ("gram_ids", "gram_sizes", "gram_indptr", "gram_keys")  # as segments save them
# Buckets of a chunk's keys (key % BUCKETS) whose counts PostgreSQL keeps beside the keys (fanwen_buckets):
# at a million generated chunks, 128 counts leave 73 of 114,062 candidates where the keys leave 63, and
# read a sixth of the bytes (64: 90, 256: 67).
BUCKETS = 128


def gram_keys(grams: set[str]) -> np.ndarray:
    """Distinct crc32 keys of grams, ascending."""
    keys = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint32, count=len(grams))
    return np.unique(keys)


def empty() -> Part:
    return (np.zeros(0, np.int64), np.zeros(0, np.uint32), np.zeros(1, np.int64), np.zeros(0, np.uint32))


def part_of(ids: list[int], sizes: list[int], keys: list[np.ndarray]) -> Part:
    """The part of chunks ids, with their shingle counts and gram_keys."""
    if not ids:
        return empty()
    order = np.argsort(np.asarray(ids, dtype=np.int64), kind="stable")
    keys = [keys[i] for i in order.tolist()]
    indptr = np.concatenate([[0], np.cumsum([len(k) for k in keys])]).astype(np.int64)
    return (np.asarray(ids, dtype=np.int64)[order], np.asarray(sizes, dtype=np.uint32)[order], indptr,
            np.concatenate(keys).astype(np.uint32))


def merged(parts: list[Part], keep=None) -> Part:
    """The parts as one, ids ascending, restricted to ids for which keep(ids) is true (a boolean mask function)."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return empty()
    ids = np.concatenate([p[0] for p in parts])
    sizes = np.concatenate([p[1] for p in parts])
    lengths = np.concatenate([np.diff(p[2]) for p in parts])
    flat = np.concatenate([p[3] for p in parts])
    chosen = keep(ids) if keep is not None else np.ones(len(ids), dtype=bool)
    order = np.flatnonzero(chosen)[np.argsort(ids[chosen], kind="stable")]
    indptr = np.concatenate([[0], np.cumsum(lengths[order])]).astype(np.int64)
    if len(order) == len(ids) and bool((np.diff(order) > 0).all()):
        return ids, sizes, indptr, flat  # every chunk, already in order: nothing to move
    rank = np.full(len(ids), -1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    owner_rank = rank[np.repeat(np.arange(len(ids)), lengths)]
    kept = np.flatnonzero(owner_rank >= 0)
    picked = kept[np.argsort(owner_rank[kept], kind="stable")]
    return ids[order], sizes[order], indptr, flat[picked]


def lookup(parts: tuple[Part, ...], ids: list[int]) -> dict[int, tuple[int, np.ndarray]]:
    """id -> (shingle count, keys) for every id; (0, empty) for one no part holds (verified from its text)."""
    found: dict[int, tuple[int, np.ndarray]] = {}
    wanted = np.asarray(ids, dtype=np.int64)
    for part_ids, sizes, indptr, flat in parts:
        if not len(part_ids):
            continue
        places = np.minimum(np.searchsorted(part_ids, wanted), len(part_ids) - 1)
        for cid, place in zip(ids, places.tolist()):
            if part_ids[place] == cid:  # a later part (a re-added id) overrides an earlier one
                found[cid] = (int(sizes[place]), flat[indptr[place]:indptr[place + 1]])
    for cid in ids:
        found.setdefault(cid, (0, np.zeros(0, np.uint32)))
    return found


def screen(keys: np.ndarray, n: int, candidates: list[int], stored, floor: float) -> list[int]:
    """Those of candidates whose Jaccard with a set of n shingles (keys: its gram_keys) may reach floor,
    judged from stored[id] = (shingle count, gram keys). The overlap is at most the shared keys plus the
    set's own key collisions (n - len(keys)), so no candidate that reaches floor is dropped; a
    candidate with nothing stored (0, empty) is kept, to be verified from its text."""
    if not candidates:
        return []
    sizes = np.array([stored[c][0] for c in candidates], dtype=np.float64)
    arrays = [stored[c][1] for c in candidates]
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    flat = np.concatenate(arrays) if lengths.sum() else np.zeros(0, dtype=np.uint32)
    places = np.minimum(np.searchsorted(keys, flat), max(len(keys) - 1, 0))
    inside = keys[places] == flat if len(keys) else np.zeros(len(flat), dtype=bool)  # keys: sorted, distinct
    shared = np.bincount(np.repeat(np.arange(len(candidates)), lengths), weights=inside, minlength=len(candidates))
    keep = reaching(shared, n, len(keys), sizes, floor)
    return [c for c, kept in zip(candidates, keep.tolist()) if kept]


def bucket_counts(keys: np.ndarray) -> np.ndarray:
    """How many of a chunk's distinct keys fall in each bucket (key % BUCKETS), uint8; 255 means 255 or more."""
    return np.minimum(np.bincount(np.asarray(keys, dtype=np.int64) % BUCKETS, minlength=BUCKETS), 255).astype(np.uint8)


def bucket_screen(keys: np.ndarray, n: int, sizes: np.ndarray, counts: np.ndarray, floor: float) -> np.ndarray:
    """Mask of the candidates (shingle counts `sizes`, rows of bucket_counts `counts`) whose Jaccard with a set
    of n shingles (keys: its gram_keys) may reach floor, as screen judges, with the shared keys bounded by
    the sum over buckets of the smaller count. Only a bucket both sides fill to 255 bounds nothing."""
    mine = bucket_counts(keys)
    shared = np.minimum(counts, mine).sum(axis=1, dtype=np.int64)
    if (mine == 255).any():
        shared += n * ((counts == 255) & (mine == 255)).any(axis=1)
    return reaching(shared, n, len(keys), np.asarray(sizes, dtype=np.float64), floor)


def reaching(shared: np.ndarray, n: int, distinct: int, sizes: np.ndarray, floor: float) -> np.ndarray:
    """Mask: a candidate of `sizes` shingles sharing at most `shared` keys with a set of n shingles and `distinct`
    keys may reach Jaccard floor (J >= f  <=>  o >= f/(1+f)·(|A|+|B|)); size 0 (nothing stored) always may."""
    overlap = np.minimum(shared + (n - distinct), np.minimum(sizes, n))
    return (overlap >= floor / (1 + floor) * (n + sizes) - 1e-9) | (sizes == 0)
