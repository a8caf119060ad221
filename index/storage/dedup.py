"""Exact and near-duplicate detection between chunks, by character shingles."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from typing import Callable

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def canonical(text: str) -> str:
    """Text reduced to what copying preserves: NFKC, no punctuation or spaces, X for any digit run."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\d+", "X", text)
    return _NOISE.sub("", text).replace("XX", "X")


def shingles(text: str, size: int = 4) -> set[str]:
    flat = canonical(text)
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
