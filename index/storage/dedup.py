"""Exact and near-duplicate detection between chunks, by character shingles."""
from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from typing import Callable

import numpy as np

from fanwen.index.storage import chunk_keys

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def canonical(text: str) -> str:
    """Text reduced to what copying preserves: NFKC, no punctuation or spaces, X for any digit run."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\d+", "X", text)
    return _NOISE.sub("", text).replace("XX", "X")


def shingles(text: str, size: int = 4) -> set[str]:
    return _grams(canonical(text), size)


def _grams(flat: str, size: int = 4) -> set[str]:
    if len(flat) <= size:
        return {flat} if flat else set()
    return {flat[i:i + size] for i in range(len(flat) - size + 1)}


def jaccard(left: set[str], right: set[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


class ShingleIndex:
    """Inverted index from shingles to chunk ids, to find near-duplicates without comparing all pairs."""

    def __init__(self, size: int = 4):
        self.size = size
        self._sets: dict[int, set[str]] = {}
        self._postings: dict[str, set[int]] = defaultdict(set)

    def add(self, chunk_id: int, text: str) -> None:
        grams = shingles(text, self.size)
        self._sets[chunk_id] = grams
        for gram in grams:
            self._postings[gram].add(chunk_id)

    def shingles_of(self, chunk_id: int) -> set[str]:
        return self._sets.get(chunk_id, set())

    def overlaps(self, text: str, min_shared: int = 1) -> Counter:
        """Count of shared shingles with every indexed chunk that shares at least `min_shared`."""
        counts: Counter = Counter()
        for gram in shingles(text, self.size):
            counts.update(self._postings.get(gram, ()))
        return Counter({cid: n for cid, n in counts.items() if n >= min_shared})

    def most_similar(self, text: str, skip: Callable[[int], bool] = lambda cid: False) -> tuple[int | None, float]:
        """Indexed chunk with the highest shingle Jaccard similarity to `text`, ignoring `skip`ped ids."""
        grams = shingles(text, self.size)
        best, best_score = None, 0.0
        for cid, shared in self.overlaps(text).items():
            if skip(cid):
                continue
            score = shared / (len(grams) + len(self._sets[cid]) - shared)
            if score > best_score or (score == best_score and best is not None and cid < best):
                best, best_score = cid, score
        return best, best_score


def find_duplicates(chunks: list[tuple[int, str, str]], threshold: float = 0.8, size: int = 4) -> dict[int, int]:
    """Map each chunk id to the earlier chunk (lower id, other document) it duplicates.

    `chunks` holds (id, doc, text). Only pairs across documents count: a report repeating a phrase
    of its own is its author's business, two reports sharing a paragraph is a duplicate.
    """
    index = ShingleIndex(size)
    owner: dict[int, str] = {}
    result: dict[int, int] = {}
    for chunk_id, doc, text in sorted(chunks):
        best, score = index.most_similar(text, skip=lambda cid: owner[cid] == doc)
        if best is not None and score >= threshold:
            result[chunk_id] = result.get(best, best)
        index.add(chunk_id, text)
        owner[chunk_id] = doc
    return result


THRESHOLD = 0.8


def _order(gram: str) -> tuple[int, str]:
    # A fixed global order that never depends on the library, so a chunk's prefix is computed once.
    return zlib.crc32(gram.encode("utf-8")), gram


def prefix_keys(text: str, threshold: float = THRESHOLD, size: int = 4) -> np.ndarray:
    """Keys of the first |S| - ceil(t·|S|) + 1 shingles of S in the global order (prefix filtering):
    two sets with Jaccard >= t always share a shingle within both prefixes, so indexing prefixes
    alone finds every near-duplicate exactly, at a fifth of the postings."""
    return prefix_of(shingles(text, size), threshold)


def prefix_of(grams: set[str], threshold: float = THRESHOLD) -> np.ndarray:
    ordered = sorted(grams, key=_order)
    if not ordered:
        return np.zeros(0, dtype=np.uint32)
    length = len(ordered) - math.ceil(threshold * len(ordered) - 1e-9) + 1
    return np.array([_order(g)[0] for g in ordered[:length]], dtype=np.uint32)


class PrefixIndex:
    """Immutable postings from prefix-shingle keys to chunk ids, in parts (one per segment or write);
    a new chunk is compared with the chunks sharing a prefix key, never with the whole library.
    Each posting also carries its chunk's shingle count and the key's place in that chunk's ordered
    shingles (0, 0: unknown, an index written before they were kept), so that candidates whose size or
    first shared place rules out Jaccard >= t are never read (length and positional filters). A part
    also holds its chunks' shingle keys (chunk_keys), which screen the candidates left before any text is read."""

    def __init__(self, parts: tuple = ()):
        # (keys uint32 sorted, ids int64, sizes, places uint32) + a chunk_keys.Part (empty in older indexes)
        self.parts = tuple(_full(p) for p in parts)

    @staticmethod
    def part(items: list[tuple[int, str]]) -> tuple[np.ndarray, ...]:
        keys, counts, grams_keys = [], [], []
        for _, text in items:  # one chunk's shingles at a time: all of a large library's would not fit in memory
            grams = shingles(text)
            keys.append(prefix_of(grams))
            counts.append(len(grams))
            grams_keys.append(chunk_keys.gram_keys(grams))
        lengths = [len(k) for k in keys]
        chunk_ids = [cid for cid, _ in items]
        ids = np.repeat(np.array(chunk_ids, dtype=np.int64), lengths)
        sizes = np.repeat(np.array(counts, dtype=np.uint32), lengths)
        places = np.concatenate([np.arange(n, dtype=np.uint32) for n in lengths] or [np.zeros(0, np.uint32)])
        flat = np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint32)
        order = np.argsort(flat, kind="stable")
        return (flat[order], ids[order], sizes[order], places[order]) + chunk_keys.part_of(chunk_ids, counts, grams_keys)

    def with_part(self, part: tuple) -> "PrefixIndex":
        return PrefixIndex(self.parts + (part,)) if len(part[0]) else self

    def merged(self, keep=None) -> tuple[np.ndarray, ...]:
        """All parts as one, restricted to ids for which keep(ids) is true (a boolean mask function)."""
        arrays = [np.concatenate([p[i] for p in self.parts] or [np.zeros(0, t)])
                  for i, t in enumerate((np.uint32, np.int64, np.uint32, np.uint32))]
        if keep is not None and len(arrays[1]):
            mask = keep(arrays[1])
            arrays = [a[mask] for a in arrays]
        order = np.argsort(arrays[0], kind="stable")
        return tuple(a[order] for a in arrays) + chunk_keys.merged([p[4:] for p in self.parts], keep)

    def stored(self, ids: list[int]) -> dict[int, tuple[int, np.ndarray]]:
        """(shingle count, shingle keys) of each of ids, as chunk_keys.screen reads them."""
        return chunk_keys.lookup(tuple(p[4:] for p in self.parts), ids)

    def verifiable(self, grams: set[str], below: int, threshold: float) -> np.ndarray:
        return verifiable(self, grams, below, threshold)

    def candidates(self, keys: np.ndarray) -> np.ndarray:
        found = [m[0] for m in self.matches(keys)]
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def matches(self, keys: np.ndarray) -> list[tuple[np.ndarray, ...]]:
        """Per part: (ids, sizes, places, probe) of every posting of keys; probe is the place in keys."""
        out = []
        for part_keys, part_ids, part_sizes, part_places, *_ in self.parts:
            lo = np.searchsorted(part_keys, keys, "left")
            counts = np.searchsorted(part_keys, keys, "right") - lo
            if counts.sum():
                rows = runs(lo, counts)
                out.append((part_ids[rows], part_sizes[rows], part_places[rows],
                            np.repeat(np.arange(len(keys)), counts)))
        return out


def runs(lo: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """lo[i], lo[i] + 1, … lo[i] + counts[i] - 1 for every i, concatenated: the positions of the equal runs
    two searchsorted calls found."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts - lo, counts)


def _full(part: tuple) -> tuple[np.ndarray, ...]:
    """A part read from an older index, padded: sizes and places 0 (unknown), no chunk keys."""
    zeros = np.zeros(len(part[1]), dtype=np.uint32)
    postings = tuple(part[:4]) + (zeros,) * (4 - len(part[:4]))
    return postings + (tuple(part[4:8]) if len(part) >= 8 else chunk_keys.empty())


def verifiable(index, grams: set[str], below: int, threshold: float) -> np.ndarray:
    """Ids below `below` sharing a prefix key with grams that may reach Jaccard >= threshold, ascending.
    J >= t needs overlap o >= t/(1+t)·(|A|+|B|), so |B| within [t|A|, |A|/t]; and the positional filter
    (reachable) bounds o from the places of the shared prefix keys."""
    found = index.matches(prefix_of(grams))
    if not found:
        return np.zeros(0, dtype=np.int64)
    ids, sizes, places, probe = (np.concatenate(a) for a in zip(*found))
    n, sizes = len(grams), sizes.astype(np.int64)
    keep = (ids < below) & reachable(ids, sizes, places.astype(np.int64), probe.astype(np.int64), n, threshold)
    ids, sizes = ids[keep], sizes[keep]
    ids, first = np.unique(ids, return_index=True)
    sizes = sizes[first]
    possible = (sizes >= threshold * n - 1e-9) & (sizes * threshold <= n + 1e-9)
    return ids[(sizes == 0) | possible]


def reachable(ids, sizes, places, probe, n: int, threshold: float = THRESHOLD) -> np.ndarray:
    """Mask of the postings whose candidate may still reach Jaccard >= threshold with a set of n shingles, by
    the positional filter over every shared prefix key (PPJoin): with the k-th shared key (in the new set's
    order) at places i, j, the overlap is at most k + min(n-1-i, m-1-j), for each k. The first key's bound
    alone lets through most chunks that share one sentence of a paragraph, and each candidate costs a text
    read and its shingles. The + 1 keeps a crc32 collision (a shared key of two different shingles, whose
    places say nothing) from dropping a real candidate."""
    order = np.lexsort((probe, ids))
    ids, sizes, places, probe = ids[order], sizes[order], places[order], probe[order]
    start = np.r_[True, ids[1:] != ids[:-1]]
    rank = np.arange(len(ids)) - np.maximum.accumulate(np.where(start, np.arange(len(ids)), 0)) + 1
    bound = rank + np.minimum(n - 1 - probe, sizes - 1 - places) + 1
    need = np.ceil(threshold / (1 + threshold) * (n + sizes) - 1e-9)
    short = (bound < need) & (sizes > 0)  # size 0: unknown, always verified
    keep = ~np.isin(ids, ids[short])
    out = np.empty_like(keep)
    out[order] = keep
    return out


def best_earlier(chunk_id: int, doc: str, text: str, index: PrefixIndex, lookup,
                 threshold: float = THRESHOLD) -> tuple[int | None, float]:
    """The lower-id chunk of another document most similar to text (ties: lower id), as find_duplicates
    picks it, among those that can reach `threshold`; lookup(id) gives (doc, text) of a live chunk or None."""
    grams = shingles(text)
    return closest(grams, doc, screened(index, grams, chunk_id, threshold), lookup, threshold)


def screened(index, grams: set[str], below: int, threshold: float) -> list[int]:
    """The candidates whose text is worth reading: those of verifiable() that their stored shingle keys
    (index.stored) do not rule out."""
    candidates = index.verifiable(grams, below, threshold).tolist()  # in memory, or in SQL (pg_dedup)
    return chunk_keys.screen(chunk_keys.gram_keys(grams), len(grams), candidates, index.stored(candidates),
                             threshold)


def closest(grams: set[str], doc: str, candidates: list[int], lookup, floor: float = 0.0
            ) -> tuple[int | None, float]:
    """The candidate of another document with the highest Jaccard to grams (ties: the first), among those
    reaching `floor`: one that cannot is given up after a few of its shingles ((None, 0.0) if none does)."""
    best, best_score = None, 0.0
    for cid in candidates:
        other = lookup(cid)
        if other is None or other[0] == doc:
            continue
        score = jaccard_reaching(grams, other[1], max(floor, best_score))
        if score is not None and score >= floor and score > best_score:
            best, best_score = cid, score
    return best, best_score


def jaccard_reaching(grams: set[str], text: str, floor: float, size: int = 4) -> float | None:
    """Jaccard of grams with text's shingles, or None once text has provably too many shingles outside grams
    to reach floor: J >= f needs |B \\ A| <= (|B| - f·|A|) / (1 + f), and |B| is at most the positions."""
    flat = canonical(text)
    positions = len(flat) - size + 1
    if floor > 0 and positions > 1:
        allowed = (positions - floor * len(grams)) / (1 + floor) + 1e-9
        missed: set[str] = set()
        for i in range(positions):
            gram = flat[i:i + size]
            if gram not in grams and gram not in missed:
                missed.add(gram)
                if len(missed) > allowed:
                    return None
    return jaccard(grams, _grams(flat, size))
