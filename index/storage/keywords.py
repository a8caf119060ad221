"""Okapi BM25 keyword index over integer chunk ids; the tokenizer is passed in as a function."""
from __future__ import annotations

import json
import operator
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Iterable, Sequence

import numpy as np
from scipy import sparse

from fanwen.index.errors import CorruptIndex

META_FILE = "bm25.json"
COUNTS_FILE = "bm25.npz"
FORMAT = "fanwen-bm25"
VERSION = 1


@dataclass(frozen=True)
class _Scoring:
    """Read-only snapshot used by searches; rows are documents in ascending id order."""

    row_ids: np.ndarray  # int64, sorted
    weights: sparse.csc_matrix  # BM25 tf factor per (row, term); idf is applied at query time
    idf: np.ndarray


def _as_id_list(ids: Iterable[int]) -> list[int]:
    # operator.index rejects floats and strings instead of silently truncating them.
    return [operator.index(i) for i in ids]


class BM25Index:
    """Classic Okapi BM25 with idf = ln(1 + (N - df + 0.5) / (df + 0.5))."""

    def __init__(self, tokenize: Callable[[str], list[str]], k1: float = 1.2, b: float = 0.75):
        self._tokenize = tokenize
        # An analyzer may index more than its query words (sub-words, a bigram field): see tokenize.Analyzer.
        self._index_terms = getattr(tokenize, "index_terms", tokenize)
        self.k1 = float(k1)
        self.b = float(b)
        self._vocab: dict[str, int] = {}
        self._docs: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # id -> (term columns, counts)
        self._scoring_cache: _Scoring | None = None
        # (row ids, columns, counts, lengths) as load() read them, until a change: the first search after
        # opening builds its matrix from these flat arrays instead of re-joining 100,000 small ones.
        self._loaded: tuple | None = None
        # Searches rebuild the matrix lazily, so mutations and rebuilds must not interleave.
        self._lock = threading.Lock()

    @property
    def analyzer(self) -> Callable[[str], list[str]]:
        return self._tokenize

    def terms(self, text: str) -> list[str]:
        """The content words of text, as the analyzer cuts indexed texts."""
        return self._tokenize(text)

    def count(self) -> int:
        return len(self._docs)

    def __contains__(self, term: str) -> bool:
        return term in self._vocab

    def add(self, ids: Sequence[int], texts: Sequence[str]) -> None:
        """Index texts under ids; an id already present is replaced."""
        id_list = _as_id_list(ids)
        if len(id_list) != len(texts):
            raise ValueError(f"add() got {len(id_list)} ids but {len(texts)} texts")
        if len(set(id_list)) != len(id_list):
            raise ValueError("add() got the same id more than once in one call")
        # Tokenizing is the slow part and needs no lock.
        counted = [Counter(self._index_terms(text)) for text in texts]
        with self._lock:
            for chunk_id, counts in zip(id_list, counted):
                self._docs[chunk_id] = self._encode(counts)
            self._scoring_cache = self._loaded = None

    def _encode(self, counts: Counter) -> tuple[np.ndarray, np.ndarray]:
        vocab = self._vocab
        columns = [vocab.setdefault(term, len(vocab)) for term in counts]
        return np.array(columns, dtype=np.int32), np.array(list(counts.values()), dtype=np.int32)

    def remove(self, ids: Iterable[int]) -> int:
        """Drop ids from the index; returns how many were present."""
        id_list = _as_id_list(ids)
        with self._lock:
            removed = sum(self._docs.pop(chunk_id, None) is not None for chunk_id in set(id_list))
            if removed:
                self._scoring_cache = self._loaded = None
        return removed

    def _scoring(self) -> _Scoring:
        with self._lock:
            if self._scoring_cache is None:
                self._scoring_cache = self._build()
            return self._scoring_cache

    def _build(self) -> _Scoring:
        if self._loaded is not None:
            row_ids, columns, counts, lengths = self._loaded
        else:
            row_ids = np.array(sorted(self._docs), dtype=np.int64)
            columns, counts, lengths = self._flatten(row_ids)
        n_rows = len(row_ids)
        rows = np.repeat(np.arange(n_rows), lengths)
        doc_len = np.bincount(rows, weights=counts, minlength=n_rows)
        avg_len = float(doc_len.mean()) if n_rows and doc_len.any() else 1.0
        norm = self.k1 * (1.0 - self.b + self.b * doc_len / avg_len)
        tf = counts.astype(np.float64)
        values = tf * (self.k1 + 1.0) / (tf + norm[rows])
        weights = sparse.csc_matrix((values, (rows, columns)), shape=(n_rows, len(self._vocab)))
        weights.sort_indices()  # search() looks rows up in each column by binary search
        df = np.diff(weights.indptr)
        idf = np.log1p((n_rows - df + 0.5) / (df + 0.5))
        return _Scoring(row_ids=row_ids, weights=weights, idf=idf)

    def _flatten(self, row_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Concatenate (columns, counts) of the given ids, plus how many terms each id has."""
        parts = [self._docs[chunk_id] for chunk_id in row_ids.tolist()]
        lengths = np.array([len(cols) for cols, _ in parts], dtype=np.int64)
        if not parts:
            return np.zeros(0, np.int32), np.zeros(0, np.int32), lengths
        columns = np.concatenate([cols for cols, _ in parts])
        counts = np.concatenate([tfs for _, tfs in parts])
        return columns, counts, lengths

    def search(
        self, terms: list[str], k: int, allowed: Collection[int] | None = None,
        weights: dict[str, float] | None = None,
    ) -> list[tuple[int, float, list[str]]]:
        """Best-first (id, score, matched query terms) for chunks scoring above zero.

        `weights` scales a term's contribution (default 1): expansions count for less than typed words.
        """
        scoring = self._scoring()
        weights = weights or {}
        query = [t for t in dict.fromkeys(terms) if t in self._vocab]  # duplicates count once
        if k <= 0 or not query or len(scoring.row_ids) == 0:
            return []
        matrix = scoring.weights
        scores = np.zeros(len(scoring.row_ids))
        postings = []
        for term in query:
            column = self._vocab[term]
            if column >= matrix.shape[1]:  # term first seen after this snapshot was built
                postings.append(np.zeros(0, np.int32))
                continue
            start, end = matrix.indptr[column], matrix.indptr[column + 1]
            rows = matrix.indices[start:end]
            scores[rows] += weights.get(term, 1.0) * scoring.idf[column] * matrix.data[start:end]
            postings.append(rows)
        if allowed is not None:
            scores[~_allowed_mask(scoring.row_ids, allowed)] = 0.0
        top = _top_rows(scores, scoring.row_ids, k)
        present = [_contains(rows, top) for rows in postings]
        return [
            (int(scoring.row_ids[row]), float(scores[row]),
             [term for term, hits in zip(query, present) if hits[place]])
            for place, row in enumerate(top)
        ]

    def clone(self) -> BM25Index:
        """A copy a writer may change while readers search this one (postings arrays are shared, never mutated)."""
        copy = BM25Index(self._tokenize, self.k1, self.b)
        with self._lock:
            copy._vocab, copy._docs = dict(self._vocab), dict(self._docs)
            copy._loaded, copy._scoring_cache = self._loaded, self._scoring_cache  # same postings, same matrix
        return copy

    def subset(self, ids: Iterable[int]) -> BM25Index:
        """A new index holding only ids' postings (a segment of this one)."""
        part = BM25Index(self._tokenize, self.k1, self.b)
        terms = list(self._vocab)
        with self._lock:
            for chunk_id in _as_id_list(ids):
                columns, counts = self._docs[chunk_id]
                part._docs[chunk_id] = (np.array([part._vocab.setdefault(terms[c], len(part._vocab))
                                                  for c in columns.tolist()], dtype=np.int32), counts)
        return part

    def absorb(self, other: BM25Index) -> None:
        """Add every posting of other (a later segment) to this index; its ids replace equal ones here."""
        terms = list(other._vocab)
        with self._lock:
            for chunk_id, (columns, counts) in other._docs.items():
                self._docs[chunk_id] = (np.array([self._vocab.setdefault(terms[c], len(self._vocab))
                                                  for c in columns.tolist()], dtype=np.int32), counts)
            self._scoring_cache = self._loaded = None

    def save(self, folder: Path) -> None:
        """Write bm25.json (ids, vocabulary, parameters) and bm25.npz (term counts) into folder."""
        with self._lock:
            row_ids = np.array(sorted(self._docs), dtype=np.int64)
            columns, counts, lengths = self._flatten(row_ids)
            terms = list(self._vocab)
        # Only terms still used are written, so vocabulary left by removed chunks is dropped.
        used = np.unique(columns)
        remap = np.full(len(terms), -1, dtype=np.int32)
        remap[used] = np.arange(len(used), dtype=np.int32)
        meta = {
            "format": FORMAT, "version": VERSION, "k1": self.k1, "b": self.b,
            "ids": row_ids.tolist(), "vocab": [terms[c] for c in used.tolist()],
        }
        folder = Path(folder)
        (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        np.savez(folder / COUNTS_FILE, indptr=indptr, columns=remap[columns], counts=counts)

    @classmethod
    def load(cls, folder: Path, tokenize: Callable[[str], list[str]]) -> BM25Index:
        """Read an index written by save(); the caller supplies the same tokenizer."""
        folder = Path(folder)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("version") != VERSION:
            raise CorruptIndex(f"{folder / META_FILE} is not a fanwen BM25 index (version {VERSION})",
                               zh=f"{folder / META_FILE} 不是本程序的关键词索引：请运行 fanwen index --rebuild 重建索引")
        with np.load(folder / COUNTS_FILE, allow_pickle=False) as arrays:
            indptr, columns, counts = arrays["indptr"], arrays["columns"], arrays["counts"]
        ids, vocab = meta["ids"], meta["vocab"]
        consistent = len(indptr) == len(ids) + 1 and int(indptr[-1]) == len(columns) == len(counts)
        if not consistent:
            raise CorruptIndex(f"{folder} holds an inconsistent BM25 index",
                               zh=f"{folder} 的关键词索引前后不一致：请运行 fanwen index --rebuild 重建索引")
        index = cls(tokenize, k1=meta["k1"], b=meta["b"])
        index._vocab = {term: column for column, term in enumerate(vocab)}
        # Views into the loaded arrays (postings are never mutated in place), not 200,000 small copies.
        bounds = indptr.tolist()
        index._docs = {chunk_id: (columns[bounds[row]:bounds[row + 1]], counts[bounds[row]:bounds[row + 1]])
                       for row, chunk_id in enumerate(ids)}
        row_ids = np.array(ids, dtype=np.int64)
        if len(row_ids) < 2 or bool((np.diff(row_ids) > 0).all()):  # save() writes ids ascending
            index._loaded = (row_ids, columns, counts, np.diff(indptr))
        return index


def _allowed_mask(row_ids: np.ndarray, allowed: Collection[int]) -> np.ndarray:
    """Boolean mask over rows whose id is in allowed (row_ids must be sorted)."""
    mask = np.zeros(len(row_ids), dtype=bool)
    wanted = np.fromiter((operator.index(i) for i in allowed), dtype=np.int64, count=len(allowed))
    if len(wanted) == 0:
        return mask
    places = np.searchsorted(row_ids, wanted)
    inside = places < len(row_ids)
    places = places[inside]
    mask[places[row_ids[places] == wanted[inside]]] = True
    return mask


def _contains(sorted_rows: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each of rows, whether it occurs in sorted_rows."""
    if len(sorted_rows) == 0:
        return np.zeros(len(rows), dtype=bool)
    places = np.minimum(np.searchsorted(sorted_rows, rows), len(sorted_rows) - 1)
    return sorted_rows[places] == rows


def _top_rows(scores: np.ndarray, row_ids: np.ndarray, k: int) -> np.ndarray:
    """Rows of the k best positive scores, best first, ties broken by smaller id."""
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
    order = np.lexsort((row_ids[candidates], -scores[candidates]))
    return candidates[order]
