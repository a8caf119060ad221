"""One FAISS index of L2-normalised float32 vectors keyed by int64 ids: a part of a vectors.VectorStore."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Collection, Iterable

import faiss
import numpy as np

from fanwen.index.errors import CorruptIndex, NotFound
from fanwen.index.storage import vector_files
from fanwen.index.storage.vector_checks import as_ids, ascending_ids, unit_rows
from fanwen.index.storage.vector_sketch import Sketch, sketch_of

KINDS = ("flat", "hnsw")
MAX_THREADS = min(2, os.cpu_count() or 1)
# With a filter this small, exact scoring of the allowed vectors beats a filtered graph walk,
# whose recall drops when most of the graph is excluded.
EXACT_FILTER_LIMIT = 20_000
# HNSW cannot delete, so removed entries linger as tombstones; past this many beyond the live
# count the graph is rebuilt, which keeps search over-fetching cheap.
TOMBSTONE_SLACK = 1024

Hits = list[tuple[int, float]]


def _set_threads(parallel: bool) -> None:
    """Use MAX_THREADS for graph building and query batches, one thread otherwise.

    The OpenMP thread count is per calling thread, so it is set before every faiss call.
    faiss parallelises over queries, so a single query gains nothing from a thread team,
    and on a busy host the team's barriers cost more than the work.
    """
    faiss.omp_set_num_threads(MAX_THREADS if parallel else 1)


class VectorPart:
    """Add, remove, get and search vectors by id; kinds are exact "flat" and approximate "hnsw"."""

    def __init__(self, dim: int, kind: str = "flat", hnsw_m: int = 32, ef_search: int = 96):
        if kind not in KINDS:
            raise ValueError(f"unknown vector index kind {kind!r}; allowed: {', '.join(KINDS)}")
        if dim < 1:
            raise ValueError(f"vector dimension must be positive, got {dim}")
        _set_threads(False)
        self.dim, self.kind = int(dim), kind
        self.hnsw_m, self.ef_search = int(hnsw_m), int(ef_search)
        self._index = self._new_index()
        self._lock = threading.Lock()
        self._ids: set[int] = set()  # flat: faiss labels are the ids themselves
        # hnsw: faiss labels are slots (insertion positions), so a replaced id gets a new slot
        # and its old slot becomes a tombstone.
        self._slot_ids = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._slot_of: dict[int, int] = {}
        self._sketch: Sketch | None = None  # flat: built on the first search, dropped by any change
        self._sketched = False
        self._mapped = False  # storage memory-mapped from its file (read-only): copied before any change

    def _new_index(self) -> faiss.IndexIDMap2:
        if self.kind == "flat":
            return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        graph = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = max(40, 2 * self.hnsw_m)
        graph.hnsw.efSearch = self.ef_search
        return faiss.IndexIDMap2(graph)

    def count(self) -> int:
        return len(self._ids) if self.kind == "flat" else len(self._slot_of)

    def checked_batch(self, ids: Iterable[int], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids, unit rows) for add(), or a ValueError naming what does not fit this store."""
        id_array = as_ids(ids)
        rows = unit_rows(vectors, self.dim, "vectors")
        if len(rows) != len(id_array):
            raise ValueError(f"add() got {len(id_array)} ids but {len(rows)} vectors")
        if len(np.unique(id_array)) != len(id_array):
            raise ValueError("add() got the same id more than once in one call")
        return id_array, rows

    def add(self, ids: Iterable[int], vectors: np.ndarray) -> None:
        """Store vectors under ids; an id already present is replaced."""
        id_array, rows = self.checked_batch(ids, vectors)
        if len(id_array) == 0:
            return
        with self._lock:
            _set_threads(False)
            self._own()
            self._remove_locked(id_array.tolist())
            self._drop_sketch()
            _set_threads(len(rows) > 1)
            if self.kind == "flat":
                self._index.add_with_ids(rows, id_array)
                self._ids.update(id_array.tolist())
            else:
                self._append_slots(id_array, rows)
                self._compact_if_needed()

    def _append_slots(self, id_array: np.ndarray, rows: np.ndarray) -> None:
        first = len(self._slot_ids)
        slots = np.arange(first, first + len(id_array), dtype=np.int64)
        self._index.add_with_ids(rows, slots)
        self._slot_ids = np.concatenate([self._slot_ids, id_array])
        self._alive = np.concatenate([self._alive, np.ones(len(id_array), dtype=bool)])
        self._slot_of.update(zip(id_array.tolist(), slots.tolist()))

    def remove(self, ids: Iterable[int]) -> int:
        """Drop ids from the store; returns how many were present."""
        id_list = as_ids(ids).tolist()
        with self._lock:
            _set_threads(False)
            removed = self._remove_locked(id_list)
            if self.kind == "hnsw":
                self._compact_if_needed()
            return removed

    def _remove_locked(self, id_list: list[int]) -> int:
        if self.kind == "flat":
            present = [i for i in set(id_list) if i in self._ids]
            if present:
                self._own()
                self._drop_sketch()  # it views the storage that remove_ids compacts
                self._index.remove_ids(np.array(present, dtype=np.int64))
                self._ids.difference_update(present)
            return len(present)
        slots = [self._slot_of.pop(i) for i in set(id_list) if i in self._slot_of]
        self._alive[slots] = False
        return len(slots)

    def _own(self) -> None:
        """Copy a memory-mapped index into memory before changing it: faiss aborts the process when a mapped
        index grows or shrinks. The engine never changes a loaded part (writes go to a new one); this keeps
        a direct caller safe."""
        if self._mapped:
            self._drop_sketch()
            self._index = faiss.deserialize_index(faiss.serialize_index(self._index))
            if self.kind == "hnsw":
                faiss.downcast_index(self._index.index).hnsw.efSearch = self.ef_search
            self._mapped = False

    def _drop_sketch(self) -> None:
        self._sketch, self._sketched = None, False

    def _scan(self, rows: np.ndarray, fetch: int) -> tuple[np.ndarray, np.ndarray]:
        """index.search without a filter; a large flat index answers through its 8-bit sketch."""
        if self.kind == "flat" and not self._sketched:
            self._sketch, self._sketched = sketch_of(self._index, self.dim), True
        if self._sketch is not None:
            return self._sketch.search(rows, fetch)
        return self._index.search(rows, fetch)

    def _dead(self) -> int:
        return len(self._slot_ids) - len(self._slot_of)

    def _compact_if_needed(self) -> None:
        if self._dead() > self.count() + TOMBSTONE_SLACK:
            self._compact()

    def _compact(self) -> None:
        """Rebuild the HNSW graph from live vectors only, renumbering slots from zero."""
        live = np.flatnonzero(self._alive).astype(np.int64)
        rows = self._stored(live) if len(live) else None
        ids = self._slot_ids[live]
        self._index, self._mapped = self._new_index(), False
        self._slot_ids = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._slot_of = {}
        if rows is not None:
            _set_threads(True)
            self._append_slots(ids, np.ascontiguousarray(rows, dtype=np.float32))

    def _labels(self, ids: Iterable[int]) -> tuple[np.ndarray, list[int]]:
        """faiss labels of the ids that are present, and the ids that are not."""
        table = self._ids if self.kind == "flat" else self._slot_of
        labels, missing = [], []
        for chunk_id in ids:
            if chunk_id in table:
                labels.append(chunk_id if self.kind == "flat" else self._slot_of[chunk_id])
            else:
                missing.append(chunk_id)
        return np.array(labels, dtype=np.int64), missing

    def _stored(self, labels: np.ndarray) -> np.ndarray:
        """Stored rows for faiss labels."""
        if self.kind == "hnsw":
            # Slots equal storage positions (the graph never deletes and compaction renumbers),
            # and reading storage directly is far faster than IDMap2's per-label lookup.
            return faiss.downcast_index(self._index.index).reconstruct_batch(labels)
        return self._index.reconstruct_batch(labels)

    def get(self, ids: Iterable[int]) -> np.ndarray:
        """Stored (normalised) vectors of ids, one row per id in the order given."""
        id_list = as_ids(ids).tolist()
        with self._lock:
            _set_threads(False)
            labels, missing = self._labels(id_list)
            if missing:
                raise NotFound(f"vector ids not in store: {missing[:10]}", zh=f"向量库中没有这些段落：{missing[:10]}，请重新检索")
            if len(labels) == 0:
                return np.zeros((0, self.dim), dtype=np.float32)
            return self._stored(labels)

    def search(
        self, queries: np.ndarray, k: int, allowed: Collection[int] | None = None
    ) -> list[Hits]:
        """Best-first (id, inner product) hits, one list per query row."""
        rows = unit_rows(queries, self.dim, "queries")
        with self._lock:
            if k <= 0 or self.count() == 0 or len(rows) == 0:
                return [[] for _ in rows]
            _set_threads(len(rows) > 1)
            if allowed is None:
                return self._search_all(rows, k)
            labels, _ = self._labels(ascending_ids(allowed).tolist())
            if len(labels) == 0:
                return [[] for _ in rows]
            if self.kind == "hnsw" and len(labels) <= EXACT_FILTER_LIMIT:
                return self._search_exact(rows, k, labels)
            return self._search_selected(rows, k, labels)

    def _search_all(self, rows: np.ndarray, k: int) -> list[Hits]:
        total, live = self._index.ntotal, self.count()
        # Over-fetch in proportion to the tombstones so k live hits usually arrive in one pass.
        fetch = min(total, k if total == live else k * total // live + 16)
        while True:
            scores, labels = self._scan(rows, fetch)
            hits = self._collect(scores, labels, k)
            if fetch >= total or all(len(row) >= min(k, live) for row in hits):
                return hits
            fetch = min(total, fetch * 2)

    def _search_selected(self, rows: np.ndarray, k: int, labels: np.ndarray) -> list[Hits]:
        selector = faiss.IDSelectorBatch(labels)
        if self.kind == "flat":
            params = faiss.SearchParameters(sel=selector)
        else:
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.ef_search, k))
        scores, found = self._index.search(rows, min(k, len(labels)), params=params)
        return self._collect(scores, found, k)

    def _search_exact(self, rows: np.ndarray, k: int, labels: np.ndarray) -> list[Hits]:
        # faiss.knn rather than numpy: it follows the thread setting above, numpy's BLAS does not.
        scores, best = faiss.knn(rows, self._stored(labels), min(k, len(labels)),
                                 metric=faiss.METRIC_INNER_PRODUCT)
        return self._collect(scores, labels[best], k)

    def _collect(self, scores: np.ndarray, labels: np.ndarray, k: int) -> list[Hits]:
        """Turn faiss result rows into (id, score) lists, skipping padding and tombstones."""
        results = []
        for row_scores, row_labels in zip(scores.tolist(), labels.tolist()):
            hits: Hits = []
            for score, label in zip(row_scores, row_labels):
                if label < 0:
                    continue
                if self.kind == "hnsw":
                    if not self._alive[label]:
                        continue
                    label = int(self._slot_ids[label])
                hits.append((label, float(score)))
                if len(hits) == k:
                    break
            results.append(hits)
        return results

    def holds(self, ids: list[int]) -> list[bool]:
        """Whether each id is stored (and not removed) here."""
        table = self._ids if self.kind == "flat" else self._slot_of
        return [i in table for i in ids]

    def ids(self) -> np.ndarray:
        """The stored ids, ascending."""
        with self._lock:
            table = self._ids if self.kind == "flat" else self._slot_of
            return np.array(sorted(table), dtype=np.int64)

    def save(self, path: Path) -> None:
        """Write the faiss index to path and its settings (and hnsw slot ids) to path + '.json'."""
        path = Path(path)
        with self._lock:
            _set_threads(False)
            if self.kind == "hnsw" and self._dead():
                self._compact()
            vector_files.write(path, self._index, {
                "kind": self.kind, "dim": self.dim, "hnsw_m": self.hnsw_m, "ef_search": self.ef_search,
                "slot_ids": self._slot_ids.tolist() if self.kind == "hnsw" else None})

    @classmethod
    def load(cls, path: Path) -> VectorPart:
        """Read a store written by save(); a large file stays memory-mapped (vector_files.read)."""
        path = Path(path)
        meta, index, mapped = vector_files.read(path)
        store = cls(meta["dim"], meta["kind"], meta["hnsw_m"], meta["ef_search"])
        store._index, store._mapped = index, mapped
        labels = faiss.vector_to_array(index.id_map).astype(np.int64)
        if store.kind == "flat":
            store._ids = set(labels.tolist())
            return store
        faiss.downcast_index(index.index).hnsw.efSearch = store.ef_search
        slot_ids = np.array(meta["slot_ids"], dtype=np.int64)
        if len(slot_ids) != index.ntotal or not np.array_equal(labels, np.arange(len(labels))):
            raise CorruptIndex(f"{path} and its sidecar disagree about the stored ids",
                               zh=f"{path} 与说明文件记录的段落不一致：请运行 fanwen index --rebuild 重建索引")
        store._slot_ids = slot_ids
        store._alive = np.ones(len(slot_ids), dtype=bool)
        store._slot_of = dict(zip(slot_ids.tolist(), range(len(slot_ids))))
        return store
