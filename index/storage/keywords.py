"""Okapi BM25 keyword index over integer chunk ids, kept as shared immutable parts plus a small delta."""
from __future__ import annotations

import json
import math
import operator
import threading
from collections import Counter
from pathlib import Path
from typing import Callable, Collection, Iterable, Sequence

import numpy as np

from fanwen.index.errors import CorruptIndex
from fanwen.index.storage import npz
from fanwen.index.storage.keyword_part import Block, KeywordPart, row_sums
from fanwen.index.storage.tombstones import bury_all

META_FILE = "bm25.json"
COUNTS_FILE = "bm25.npz"
TERM_MAJOR = ("term_indptr", "term_rows", "term_counts")  # the search matrix, in bm25.npz since it was added
FORMAT = "fanwen-bm25"
VERSION = 1
MAX_PARTS = 8  # past this many parts, a clone merges all but the largest (copying the small ones only)
DEAD_SHARE = 0.5  # a part with more of its chunks removed than this is merged away too


def _as_id_list(ids: Iterable[int]) -> list[int]:
    # operator.index rejects floats and strings instead of silently truncating them.
    return [operator.index(i) for i in ids]


class BM25Index:
    """Classic Okapi BM25 with idf = ln(1 + (N - df + 0.5) / (df + 0.5)), N, df and the average length taken
    over the whole index. Chunks live in immutable parts (KeywordPart) that clones share, with the ids
    removed from each beside it; added chunks go to a small delta. So a write neither copies nor rebuilds
    the large part: a search scores each part with the library-wide statistics and merges the best."""

    def __init__(self, tokenize: Callable[[str], list[str]], k1: float = 1.2, b: float = 0.75):
        self._tokenize = tokenize
        # An analyzer may index more than its query words (sub-words, a bigram field): see tokenize.Analyzer.
        self._index_terms = getattr(tokenize, "index_terms", tokenize)
        self.k1 = float(k1)
        self.b = float(b)
        self._blocks: list[Block] = []  # frozen parts, never changed: a removal replaces the Block
        self._vocab: dict[str, int] = {}  # the delta's columns
        self._docs: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # the delta: id -> (term columns, counts)
        self._delta: KeywordPart | None = None  # the delta as a part, built at the first search after a change
        self._lock = threading.Lock()

    @property
    def analyzer(self) -> Callable[[str], list[str]]:
        return self._tokenize

    def terms(self, text: str) -> list[str]:
        """The content words of text, as the analyzer cuts indexed texts."""
        return self._tokenize(text)

    def count(self) -> int:
        with self._lock:
            return sum(block.live() for block in self._blocks) + len(self._docs)

    def __contains__(self, term: str) -> bool:
        return term in self._vocab or any(term in block.part.vocab for block in self._blocks)

    def lengths_agree(self) -> bool:
        """Whether the words per chunk kept in the file are the sums of its term counts (`fanwen doctor`)."""
        return all(np.array_equal(block.part.lengths, row_sums(block.part.counts, block.part.indptr))
                   for block in self._blocks)

    def holding(self, terms: Iterable[str]) -> set[str]:
        """Those of `terms` that some chunk holds."""
        return {term for term in terms if term in self}

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
            self._bury(id_list)
            for chunk_id, counts in zip(id_list, counted):
                self._docs[chunk_id] = self._encode(counts)
            self._delta = None

    def _encode(self, counts: Counter) -> tuple[np.ndarray, np.ndarray]:
        vocab = self._vocab
        columns = [vocab.setdefault(term, len(vocab)) for term in counts]
        return np.array(columns, dtype=np.int32), np.array(list(counts.values()), dtype=np.int32)

    def remove(self, ids: Iterable[int]) -> int:
        """Drop ids from the index; returns how many were present."""
        id_list = list(set(_as_id_list(ids)))
        with self._lock:
            removed = sum(self._docs.pop(chunk_id, None) is not None for chunk_id in id_list)
            if removed:
                self._delta = None
            return removed + self._bury(id_list)

    def _bury(self, id_list: list[int]) -> int:
        self._blocks, buried = bury_all(self._blocks, id_list)
        return buried

    def _current(self) -> list[Block]:
        """The frozen blocks and the delta as one, as they are now (callers search them without the lock)."""
        with self._lock:
            return self._current_locked()

    def _current_locked(self) -> list[Block]:
        if self._delta is None:
            self._delta = KeywordPart.from_postings(self._docs, list(self._vocab))
        return [block for block in self._blocks if block.live()] + [Block(self._delta)]

    def search(
        self, terms: list[str], k: int, allowed: Collection[int] | None = None,
        weights: dict[str, float] | None = None,
    ) -> list[tuple[int, float, list[str]]]:
        """Best-first (id, score, matched query terms) for chunks scoring above zero.

        `weights` scales a term's contribution (default 1): expansions count for less than typed words.
        """
        blocks = [block for block in self._current() if block.live()]
        query = [t for t in dict.fromkeys(terms) if any(t in block.part.vocab for block in blocks)]  # once each
        if k <= 0 or not query or not blocks:
            return []
        n = sum(block.live() for block in blocks)
        words = sum(block.words for block in blocks)
        avgdl = words / n if words > 0 else 1.0
        idf = {}
        for term in query:
            df = sum(block.df(term) for block in blocks)
            idf[term] = math.log1p((n - df + 0.5) / (df + 0.5))
        found = [hit for block in blocks
                 for hit in block.top(query, idf, weights or {}, (self.k1, self.b, avgdl), k, allowed)]
        # Parts hold disjoint ids, so the best k overall are among each part's best k.
        return sorted(found, key=lambda hit: (-hit[1], hit[0]))[:k]

    def clone(self) -> BM25Index:
        """A copy a writer may change while readers search this one: the delta is frozen into a part that
        both share with the other parts, so this costs the tombstone sets, not a copy of the postings."""
        copy = BM25Index(self._tokenize, self.k1, self.b)
        with self._lock:
            if self._docs:
                self._blocks.append(self._current_locked()[-1])
                self._docs, self._vocab, self._delta = {}, {}, None
            copy._blocks = list(self._blocks)
        copy._merge_small()
        return copy

    def _merge_small(self) -> None:
        """Merge every part but the largest sound one when there are too many or one is mostly removed."""
        sound = [b for b in self._blocks if len(b.dead) <= DEAD_SHARE * len(b.part)]
        if len(self._blocks) <= MAX_PARTS and len(sound) == len(self._blocks):
            return
        keep = max(sound, key=Block.live, default=None)
        merged = _joined([b for b in self._blocks if b is not keep])
        self._blocks = ([keep] if keep is not None else []) + ([Block(merged)] if len(merged) else [])

    def subset(self, ids: Iterable[int]) -> BM25Index:
        """A new index holding only ids' postings (a segment of this one)."""
        part = BM25Index(self._tokenize, self.k1, self.b)
        wanted = _as_id_list(ids)
        for block in self._current():
            rows = block.part.rows_of(wanted)
            for chunk_id, row in zip(wanted, rows.tolist()):
                if row >= 0 and chunk_id not in block.dead:
                    terms, counts = block.part.posting(row)
                    part._docs[chunk_id] = (np.array([part._vocab.setdefault(t, len(part._vocab)) for t in terms],
                                                     dtype=np.int32), counts)
        return part

    def save(self, folder: Path) -> None:
        """Write bm25.json (ids, vocabulary, parameters) and bm25.npz (term counts) into folder."""
        whole = _joined(self._current())  # only terms still used: vocabulary left by removed chunks goes
        meta = {
            "format": FORMAT, "version": VERSION, "k1": self.k1, "b": self.b,
            "ids": whole.row_ids.tolist(), "vocab": whole.terms,
        }
        folder = Path(folder)
        (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        matrix = whole.matrix()  # saved too (optional to readers), so opening does not have to build it
        np.savez(folder / COUNTS_FILE, indptr=whole.indptr, columns=whole.columns, counts=whole.counts,
                 lengths=whole.lengths,  # words per chunk: summing them took 1.8 s of opening a million chunks
                 term_indptr=matrix.indptr.astype(np.int64, copy=False),
                 term_rows=matrix.indices.astype(np.int32, copy=False), term_counts=matrix.data.astype(np.int32))

    @classmethod
    def load(cls, folder: Path, tokenize: Callable[[str], list[str]]) -> BM25Index:
        """Read an index written by save(); the caller supplies the same tokenizer."""
        folder = Path(folder)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("version") != VERSION:
            raise CorruptIndex(f"{folder / META_FILE} is not a fanwen BM25 index (version {VERSION})",
                               zh=f"{folder / META_FILE} 不是本程序的关键词索引：请运行 fanwen index --rebuild 重建索引")
        arrays = npz.read_arrays(folder / COUNTS_FILE)
        indptr, columns, counts = arrays["indptr"], arrays["columns"], arrays["counts"]
        term_major = tuple(arrays[n] for n in TERM_MAJOR) if set(TERM_MAJOR) <= set(arrays) else None
        ids, vocab = meta["ids"], meta["vocab"]
        consistent = (len(indptr) == len(ids) + 1 and int(indptr[-1]) == len(columns) == len(counts)
                      and (len(columns) == 0 or 0 <= int(columns.min()) <= int(columns.max()) < len(vocab)))
        if not consistent:
            raise CorruptIndex(f"{folder} holds an inconsistent BM25 index",
                               zh=f"{folder} 的关键词索引前后不一致：请运行 fanwen index --rebuild 重建索引")
        index = cls(tokenize, k1=meta["k1"], b=meta["b"])
        row_ids = np.array(ids, dtype=np.int64)
        if len(row_ids) > 1 and not bool((np.diff(row_ids) > 0).all()):  # save() writes ids ascending
            index._blocks = [Block(_unsorted(row_ids, indptr, columns, counts, vocab))]
        elif len(row_ids):
            lengths = arrays.get("lengths")  # absent from files written before it was kept
            lengths = lengths if lengths is not None and lengths.shape == (len(row_ids),) else None
            index._blocks = [Block(KeywordPart(row_ids, indptr, columns, counts, vocab, lengths))]
            if term_major is not None:
                index._blocks[0].part.adopt_matrix(*term_major)
        return index

    @classmethod
    def stacked(cls, indexes: list[tuple[BM25Index, Iterable[int]]], tokenize) -> BM25Index:
        """One index searching the parts of several (segments), minus each one's removed ids: nothing is copied."""
        like = indexes[0][0] if indexes else None
        joined = cls(tokenize, like.k1, like.b) if like is not None else cls(tokenize)
        for index, dead in indexes:
            dead_list = list(set(_as_id_list(dead)))
            joined._blocks += [block.bury(dead_list) for block in index._current() if len(block.part)]
        return joined


def _joined(blocks: list[Block]) -> KeywordPart:
    """The live rows of blocks as one part, rows ascending, only the terms they use."""
    live = [b for b in blocks if b.live()]
    if len(live) == 1 and not live[0].dead:
        part = live[0].part  # rows already ascending: copying a million chunks' postings would double them
        used = np.zeros(len(part.terms), dtype=bool)
        used[part.columns] = True
        if used.all():
            return part
    terms: dict[str, int] = {}
    ids, lengths, columns, counts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [
        np.zeros(0, np.int32)]
    for block in live:
        row_ids, sizes, cols, tfs = block.part.live_arrays(block.dead_rows)
        remap = np.array([terms.setdefault(t, len(terms)) for t in block.part.terms], dtype=np.int32)
        ids.append(row_ids), lengths.append(sizes), columns.append(remap[cols]), counts.append(tfs)
    indptr = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)
    return _unsorted(np.concatenate(ids), indptr, np.concatenate(columns), np.concatenate(counts), list(terms),
                     compact=True)


def _unsorted(ids, indptr, columns, counts, terms: list[str], compact: bool = False) -> KeywordPart:
    """A part from rows in any order (sorted here), keeping only the used terms when compact."""
    lengths = np.diff(indptr)
    if len(ids) > 1 and not bool((np.diff(ids) > 0).all()):
        order = np.argsort(ids, kind="stable")
        row_of_posting = np.repeat(np.arange(len(ids)), lengths)
        rank = np.empty(len(ids), dtype=np.int64)
        rank[order] = np.arange(len(ids))
        postings = np.argsort(rank[row_of_posting], kind="stable")
        ids, lengths, columns, counts = ids[order], lengths[order], columns[postings], counts[postings]
    if compact:
        used = np.unique(columns)
        remap = np.full(len(terms), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        columns, terms = remap[columns], [terms[c] for c in used.tolist()]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return KeywordPart(ids, indptr, np.asarray(columns, dtype=np.int32), np.asarray(counts, dtype=np.int32), terms)
