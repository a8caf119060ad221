"""One immutable block of BM25 postings (term counts per chunk) and its term-major matrix: a part of a BM25Index."""
from __future__ import annotations

import threading
from functools import cached_property
from typing import Collection

import numpy as np
from scipy import sparse

from fanwen.index.storage.maxscore import best_rows, find
from fanwen.index.storage.term_factors import MIN_POSTINGS, kept, part_token, tf_factors
from fanwen.index.storage.vector_checks import as_ids

Posting = tuple[np.ndarray, np.ndarray]  # (term columns, counts) of one chunk


class KeywordPart:
    """Rows are chunks in ascending id order, stored row-major as saved (indptr, columns, counts); the
    term-major matrix searches use is built on first use. Nothing here depends on the rest of the
    library, so a part is shared by every snapshot that contains it and never rebuilt after a write."""

    def __init__(self, row_ids: np.ndarray, indptr: np.ndarray, columns: np.ndarray, counts: np.ndarray,
                 terms: list[str], lengths: np.ndarray | None = None):
        self.row_ids, self.indptr = np.asarray(row_ids, dtype=np.int64), np.asarray(indptr, dtype=np.int64)
        self.columns, self.counts, self.terms = columns, counts, terms
        self.vocab = {term: column for column, term in enumerate(terms)}
        self.lengths = row_sums(counts, self.indptr) if lengths is None else lengths  # words per chunk
        self._lock = threading.Lock()
        self._matrix: sparse.csc_matrix | None = None
        self.token = part_token()

    @classmethod
    def from_postings(cls, postings: dict[int, Posting], terms: list[str]) -> KeywordPart:
        row_ids = np.array(sorted(postings), dtype=np.int64)
        parts = [postings[i] for i in row_ids.tolist()]
        lengths = np.array([len(cols) for cols, _ in parts], dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        if not parts:
            return cls(row_ids, indptr, np.zeros(0, np.int32), np.zeros(0, np.int32), terms)
        return cls(row_ids, indptr, np.concatenate([c for c, _ in parts]), np.concatenate([t for _, t in parts]), terms)

    def __len__(self) -> int:
        return len(self.row_ids)

    def matrix(self) -> sparse.csc_matrix:
        """Term counts, one column per term, rows ascending within a column (searched by binary search)."""
        with self._lock:
            if self._matrix is None:
                # Transposed straight from the row-major arrays (rows come out ascending per column), in
                # float32 counts and 32-bit indices: a million chunks' matrix built through COO in float64
                # took more memory than the rest of the library.
                by_row = sparse.csr_matrix((self.counts.astype(np.float32), self.columns, self.indptr),
                                           shape=(len(self.row_ids), len(self.terms)))
                matrix = by_row.tocsc()
                del by_row
                matrix.sort_indices()
                self._matrix = matrix
            return self._matrix

    def adopt_matrix(self, indptr: np.ndarray, rows: np.ndarray, counts: np.ndarray) -> bool:
        """Use a term-major matrix saved beside the postings (saves building it when an index is opened);
        False, and it is built on first use as usual, when the arrays do not fit this part."""
        fits = (len(indptr) == len(self.terms) + 1 and len(rows) == len(counts) == len(self.columns)
                and int(indptr[-1]) == len(rows) and (len(rows) == 0 or int(rows.max()) < len(self.row_ids)))
        if fits:
            matrix = sparse.csc_matrix((counts.astype(np.float32), rows, indptr),
                                       shape=(len(self.row_ids), len(self.terms)))
            matrix.has_sorted_indices = True  # saved from a sorted matrix
            with self._lock:
                self._matrix = matrix
        return fits

    def contributions(self, column: int, weight: float, norm: tuple[float, float, float]) -> np.ndarray:
        """weight × the BM25 tf factor of each posting of a term (weight: the term's query weight × idf). Both
        change with the library, so nothing is stored; a long list's are kept between searches (at a million
        chunks, computing them was half of a query's time), keyed by everything they are computed from."""
        matrix = self.matrix()
        start, end = int(matrix.indptr[column]), int(matrix.indptr[column + 1])
        compute = lambda: weight * tf_factors(matrix.data[start:end], self.lengths[matrix.indices[start:end]], norm)  # noqa: E731
        if end - start < MIN_POSTINGS:
            return compute()
        return kept((self.token, column, weight, *norm), compute)

    def bound(self, column: int, weight: float, norm: tuple[float, float, float], values: np.ndarray) -> float:
        """The largest of values (contributions(column, weight, norm)), kept beside them for a long list."""
        if len(values) < MIN_POSTINGS:
            return float(values.max()) if len(values) else 0.0
        return float(kept((self.token, column, weight, *norm, "max"), lambda: np.array(values.max())))

    def rows_of(self, ids: list[int]) -> np.ndarray:
        """Row of each id, -1 for ids not here."""
        wanted = np.asarray(ids, dtype=np.int64)
        places = np.minimum(np.searchsorted(self.row_ids, wanted), max(len(self.row_ids) - 1, 0))
        found = (self.row_ids[places] == wanted) if len(self.row_ids) else np.zeros(len(wanted), dtype=bool)
        return np.where(found, places, -1)

    def posting(self, row: int) -> tuple[list[str], np.ndarray]:
        start, end = self.indptr[row], self.indptr[row + 1]
        return [self.terms[c] for c in self.columns[start:end].tolist()], self.counts[start:end]

    def live_arrays(self, dead_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(row ids, terms per row, columns, counts) without the dead rows: what a merge or a save copies."""
        keep = np.ones(len(self.row_ids), dtype=bool)
        keep[dead_rows] = False
        lengths = np.diff(self.indptr)
        postings = np.repeat(keep, lengths)
        return self.row_ids[keep], lengths[keep], self.columns[postings], self.counts[postings]


class Block:
    """A part as one snapshot sees it: the part and the rows removed from it since (an immutable pair)."""

    def __init__(self, part: KeywordPart, dead: frozenset = frozenset()):
        self.part, self.dead = part, dead

    def live(self) -> int:
        return len(self.part) - len(self.dead)

    def bury(self, ids: list[int]) -> Block:
        """This block with those of ids it holds alive removed (itself when it holds none)."""
        rows = self.part.rows_of(ids)
        hits = {i for i, row in zip(ids, rows.tolist()) if row >= 0 and i not in self.dead}
        return Block(self.part, self.dead | hits) if hits else self

    @cached_property
    def dead_rows(self) -> np.ndarray:
        return self.part.rows_of(sorted(self.dead)) if self.dead else np.zeros(0, dtype=np.int64)

    @cached_property
    def dead_stats(self) -> tuple[dict[int, int], float]:
        """(column -> removed chunks containing it, removed words): what to take off this part's df and length."""
        if not self.dead:
            return {}, 0.0
        bounds = self.part.indptr
        cols = np.concatenate([self.part.columns[bounds[r]:bounds[r + 1]] for r in self.dead_rows.tolist()])
        found, times = np.unique(cols, return_counts=True)
        return dict(zip(found.tolist(), times.tolist())), float(self.part.lengths[self.dead_rows].sum())

    def df(self, term: str) -> int:
        column = self.part.vocab.get(term)
        if column is None:
            return 0
        indptr = self.part.matrix().indptr
        return int(indptr[column + 1] - indptr[column]) - self.dead_stats[0].get(column, 0)

    @cached_property
    def words(self) -> float:
        """Words in the live rows (a sum over every row, ~1 ms at a million: once per block, not per search)."""
        return float(self.part.lengths.sum()) - self.dead_stats[1]

    def top(self, query: list[str], idf: dict[str, float], weights: dict[str, float], norm: tuple[float, float, float],
            k: int, allowed: Collection[int] | None) -> list[tuple[int, float, list[str]]]:
        """This block's k best (id, BM25 score, matched terms), scored with the library-wide idf and avgdl."""
        part, matrix = self.part, self.part.matrix()
        terms = []
        for term in query:
            column = part.vocab.get(term)
            if column is None:
                terms.append((np.zeros(0, np.int32), np.zeros(0), 0.0))
                continue
            rows = matrix.indices[matrix.indptr[column]:matrix.indptr[column + 1]]
            weight = weights.get(term, 1.0) * idf[term]
            values = part.contributions(column, weight, norm)
            terms.append((rows, values, part.bound(column, weight, norm, values)))
        barred = self._barred(allowed)
        found = best_rows(terms, len(part), k, part.row_ids, barred)
        top, scores = found if found is not None else self._dense_top(terms, k, barred)
        present = [_contains(rows, top) for rows, _values, _bound in terms]
        return [(int(part.row_ids[row]), float(score), [t for t, hits in zip(query, present) if hits[place]])
                for place, (row, score) in enumerate(zip(top.tolist(), scores.tolist()))]

    def _barred(self, allowed: Collection[int] | None) -> np.ndarray | None:
        """Rows no search may return: removed ones, and those outside allowed."""
        if allowed is None:
            return self.dead_rows if len(self.dead_rows) else None
        barred = ~_allowed_mask(self.part.row_ids, allowed)
        barred[self.dead_rows] = True
        return barred

    def _dense_top(self, terms: list, k: int, barred: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Every term added into every chunk's score, then the k best cut out."""
        scores = np.zeros(len(self.part))
        for rows, values, _bound in terms:
            # add.at: ~3x faster than scores[rows] += … since numpy 1.25, and the same sums (rows are unique)
            np.add.at(scores, rows, values)
        if barred is not None:
            scores[barred] = 0.0
        top = _top_rows(scores, self.part.row_ids, k)
        return top, scores[top]


def row_sums(counts: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Sum of counts per row, as float64, in one pass: a running total of a million chunks' 200 million
    postings took seconds of an index's opening."""
    sums = np.zeros(len(indptr) - 1)
    filled = np.flatnonzero(np.diff(indptr) > 0)
    if len(filled):
        # each sum runs to the next filled row's start, which is this row's end (empty rows between add nothing)
        sums[filled] = np.add.reduceat(counts, indptr[filled], dtype=np.int64)
    return sums


def _allowed_mask(row_ids: np.ndarray, allowed: Collection[int]) -> np.ndarray:
    """Boolean mask over rows whose id is in allowed (row_ids must be sorted)."""
    mask = np.zeros(len(row_ids), dtype=bool)
    wanted = as_ids(allowed)  # a filter's ids come as an array; a set or list is turned into one
    if len(wanted) == 0 or len(row_ids) == 0:
        return mask
    places = np.searchsorted(row_ids, wanted)
    inside = places < len(row_ids)
    places = places[inside]
    mask[places[row_ids[places] == wanted[inside]]] = True
    return mask


def _contains(sorted_rows: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each of rows, whether it occurs in sorted_rows."""
    return find(sorted_rows, rows)[1]


def _top_rows(scores: np.ndarray, row_ids: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k best positive scores, best first, ties broken by smaller id."""
    floor = _sampled_floor(scores, k)
    candidates = np.flatnonzero(scores >= floor) if floor > 0 else np.flatnonzero(scores > 0)
    if len(candidates) > k:
        # Everything tying with the k-th score stays in, so the smaller ids win the ties, not argpartition.
        kth = -np.partition(-scores[candidates], k - 1)[k - 1]
        candidates = candidates[scores[candidates] >= kth]
    order = np.lexsort((row_ids[candidates], -scores[candidates]))
    return candidates[order][:k]


def _sampled_floor(scores: np.ndarray, k: int) -> float:
    """A score at or below the k-th best: the k-th best of every n-th score. At a million chunks nearly every
    one scores above zero, and partitioning them all took ~5 ms; the floor leaves ~16·k to partition."""
    stride = len(scores) // (16 * k) if k > 0 else 0
    if stride < 4:
        return 0.0
    sample = scores[::stride]
    return float(np.partition(sample, len(sample) - k)[len(sample) - k])
