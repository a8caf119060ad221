"""Copy-on-write vector store: immutable FAISS parts shared between snapshots, their tombstones, one small delta."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Collection, Iterable

import numpy as np

from fanwen.index.errors import NotFound
from fanwen.index.storage.tombstones import bury_all
from fanwen.index.storage.vector_checks import as_ids, ascending_ids, unit_rows
from fanwen.index.storage.vector_part import KINDS, Hits, VectorPart  # noqa: F401 (KINDS for callers)

# Past this many frozen parts, a clone merges all but the largest into one, so searches stay a few FAISS calls.
MAX_PARTS = 8
# A part whose removed share passes this is merged away too: its tombstones cost over-fetching and memory.
DEAD_SHARE = 0.5


@dataclass(frozen=True)
class _Frozen:
    """A part nobody changes any more, and the ids removed from it since it was frozen."""

    part: VectorPart
    dead: frozenset = frozenset()

    def live(self) -> int:
        return self.part.count() - len(self.dead)

    @cached_property
    def dead_array(self) -> np.ndarray:
        return np.array(sorted(self.dead), dtype=np.int64)

    def bury(self, ids: list[int]) -> _Frozen:
        """This part with those of ids it holds alive removed (itself when it holds none)."""
        hits = {i for i, held in zip(ids, self.part.holds(ids)) if held and i not in self.dead}
        return _Frozen(self.part, self.dead | hits) if hits else self


class VectorStore:
    """Add, remove, get and search vectors by id; kinds are exact "flat" and approximate "hnsw".

    clone() costs what changed since the last clone, not the library: the vectors live in frozen parts
    that clones share (a removal is a tombstone beside the part), and new vectors go to a small delta."""

    def __init__(self, dim: int, kind: str = "flat", hnsw_m: int = 32, ef_search: int = 96):
        self._delta = VectorPart(dim, kind, hnsw_m, ef_search)  # checks the settings
        self.dim, self.kind, self.hnsw_m, self.ef_search = self._delta.dim, kind, int(hnsw_m), int(ef_search)
        self._frozen: list[_Frozen] = []
        self._lock = threading.RLock()

    def _new_part(self) -> VectorPart:
        return VectorPart(self.dim, self.kind, self.hnsw_m, self.ef_search)

    def count(self) -> int:
        with self._lock:
            return sum(f.live() for f in self._frozen) + self._delta.count()

    def add(self, ids: Iterable[int], vectors: np.ndarray) -> None:
        """Store vectors under ids; an id already present is replaced."""
        id_array, rows = self._delta.checked_batch(ids, vectors)  # checked before anything is buried
        if len(id_array) == 0:
            return
        with self._lock:
            self._bury(id_array.tolist())
            self._delta.add(id_array, rows)

    def remove(self, ids: Iterable[int]) -> int:
        """Drop ids from the store; returns how many were present."""
        id_list = list(set(as_ids(ids).tolist()))
        with self._lock:
            return self._delta.remove(id_list) + self._bury(id_list)

    def _bury(self, id_list: list[int]) -> int:
        self._frozen, buried = bury_all(self._frozen, id_list)
        return buried

    def _sources(self) -> list[_Frozen]:
        """Every part with its tombstones, the delta last (it is searched as it is at that moment)."""
        with self._lock:
            return [f for f in self._frozen if f.live()] + [_Frozen(self._delta)]

    def get(self, ids: Iterable[int]) -> np.ndarray:
        """Stored (normalised) vectors of ids, one row per id in the order given."""
        id_list = as_ids(ids).tolist()
        out = np.zeros((len(id_list), self.dim), dtype=np.float32)
        todo = np.ones(len(id_list), dtype=bool)
        for source in reversed(self._sources()):
            if not todo.any():
                break
            here = [n for n in np.flatnonzero(todo).tolist() if id_list[n] not in source.dead]
            held = [n for n, h in zip(here, source.part.holds([id_list[n] for n in here])) if h]
            if held:
                out[held] = source.part.get([id_list[n] for n in held])
                todo[held] = False
        if todo.any():
            missing = [id_list[n] for n in np.flatnonzero(todo)[:10].tolist()]
            raise NotFound(f"vector ids not in store: {missing}", zh=f"向量库中没有这些段落：{missing}，请重新检索")
        return out

    def search(self, queries: np.ndarray, k: int, allowed: Collection[int] | None = None) -> list[Hits]:
        """Best-first (id, inner product) hits, one list per query row."""
        rows = unit_rows(queries, self.dim, "queries")
        sources = [s for s in self._sources() if s.live()]
        if k <= 0 or not sources or len(rows) == 0:
            return [[] for _ in rows]
        if allowed is not None:
            allowed = ascending_ids(allowed)
        if len(sources) == 1 and not sources[0].dead:  # the usual read after opening: FAISS's own answer
            return sources[0].part.search(rows, k, allowed)
        found = [_search_source(s, rows, k, allowed) for s in sources]
        # Parts hold disjoint ids, so the best k of the union are among each part's best k.
        return [sorted((hit for part in per_row for hit in part), key=lambda h: (-h[1], h[0]))[:k]
                for per_row in zip(*found)]

    def clone(self) -> VectorStore:
        """A copy a writer may change while readers use this one: it shares the frozen parts (this store's
        delta is frozen first), so it costs the tombstone sets, not a copy of the vectors."""
        copy = VectorStore(self.dim, self.kind, self.hnsw_m, self.ef_search)
        with self._lock:
            if self._delta.count():
                self._frozen.append(_Frozen(self._delta))
                self._delta = self._new_part()
            copy._frozen = list(self._frozen)
        copy._merge_small()
        return copy

    def _merge_small(self) -> None:
        """Merge every frozen part but the largest sound one when there are too many or one is mostly dead:
        this copies the merged parts' vectors, never the large part's."""
        sound = [f for f in self._frozen if len(f.dead) <= DEAD_SHARE * f.part.count()]
        if len(self._frozen) <= MAX_PARTS and len(sound) == len(self._frozen):
            return
        keep = max(sound, key=_Frozen.live, default=None)
        merged = [_live(f) for f in self._frozen if f is not keep]
        ids = np.concatenate([ids for ids, _ in merged])
        part = self._new_part()
        if len(ids):
            part.add(ids, np.vstack([rows for _, rows in merged]))
        self._frozen = ([keep] if keep is not None else []) + ([_Frozen(part)] if len(ids) else [])

    def ids(self) -> np.ndarray:
        """The stored ids, ascending."""
        return np.sort(np.concatenate([_live(s, vectors=False)[0] for s in self._sources()]))

    def subset(self, ids: Iterable[int]) -> VectorStore:
        """A new store holding those of ids this one holds (a segment of it)."""
        wanted = np.unique(as_ids(ids)).tolist()
        held = np.zeros(len(wanted), dtype=bool)
        for source in self._sources():
            held |= np.array(source.part.holds(wanted), dtype=bool) & np.array([i not in source.dead for i in wanted])
        present = np.array(wanted, dtype=np.int64)[held]
        part = VectorStore(self.dim, self.kind, self.hnsw_m, self.ef_search)
        if len(present):
            part.add(present, self.get(present))
        return part

    def save(self, path: Path) -> None:
        """Write all the vectors as one FAISS file (+ '.json' sidecar) that load() reads back."""
        with self._lock:
            whole = self._whole()
        whole.save(path)

    def _whole(self) -> VectorPart:
        """One part holding everything: usually the only one there is; else (a compaction) a merged copy,
        which then replaces the parts, so the next search needs one FAISS call."""
        live = [f for f in self._frozen if f.live()]
        if not live:
            return self._delta
        if len(live) == 1 and not live[0].dead and not self._delta.count():
            return live[0].part
        ids = self.ids()
        whole = self._new_part()
        whole.add(ids, self.get(ids))
        self._frozen, self._delta = [_Frozen(whole)], self._new_part()
        return whole

    @classmethod
    def load(cls, path: Path) -> VectorStore:
        """Read a store written by save(): one frozen part."""
        part = VectorPart.load(path)
        store = cls(part.dim, part.kind, part.hnsw_m, part.ef_search)
        store._frozen = [_Frozen(part)]
        return store

    @classmethod
    def stacked(cls, stores: list[tuple[VectorStore, Iterable[int]]], settings: VectorStore) -> VectorStore:
        """One store searching the parts of several (segments), minus each one's removed ids: nothing is
        copied. `settings` gives dim and kind when there are no stores."""
        like = stores[0][0] if stores else settings
        joined = cls(like.dim, like.kind, like.hnsw_m, like.ef_search)
        for store, dead in stores:
            dead_list = list(set(as_ids(dead).tolist()))
            joined._frozen += [f.bury(dead_list) for f in store._sources() if f.part.count()]
        return joined


def _live(frozen: _Frozen, vectors: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """The live ids of a part, and their vectors."""
    ids = frozen.part.ids()
    if frozen.dead:
        ids = ids[~np.isin(ids, frozen.dead_array)]
    return ids, (frozen.part.get(ids) if vectors else None)


def _search_source(source: _Frozen, rows: np.ndarray, k: int, allowed: np.ndarray | None) -> list[Hits]:
    """The k best live hits of one part: tombstones are filtered out of the allowed set, or over-fetched past."""
    part, dead = source.part, source.dead
    if allowed is not None:
        return part.search(rows, k, allowed[~np.isin(allowed, source.dead_array)] if dead else allowed)
    if not dead:
        return part.search(rows, k)
    total, live = part.count(), source.live()
    fetch = min(total, k * total // live + 16)  # in proportion to the tombstones: usually one pass
    while True:
        hits = [[h for h in row if h[0] not in dead][:k] for row in part.search(rows, fetch)]
        if fetch >= total or all(len(row) >= min(k, live) for row in hits):
            return hits
        fetch = min(total, fetch * 2)
