"""id -> Chunk over an embedded index's segments, read on demand, with a writer's changes kept beside them."""
from __future__ import annotations

from collections.abc import ItemsView, MutableMapping, ValuesView
from pathlib import Path

import numpy as np

from fanwen.index.lru import LRU
from fanwen.index.records import Chunk
from fanwen.index.storage.chunk_rows import SegmentRows

_SCAN_SHARE = 0.2  # fetching more than this share of a segment's rows reads the whole segment instead
RECENT = 50_000  # stored chunks kept after reading: a search reads ~100, and searches ask for the same ones


class ChunkTable(MutableMapping):
    """The chunks of some segments (minus their removed ids, plus dup_of patches) and of a write in progress.

    Opening a million-chunk index used to build a million Chunk objects (~12 s); this keeps a few columns
    (document, start, role, confidence, dup_of) in numpy and reads a chunk's row when it is asked for.
    Writes go to `_changed` (new and replaced chunks) and `_hidden` (removed stored ids): the segments are
    never written, and a copy shares them.
    """

    def __init__(self, segments: list[tuple[SegmentRows, set[int]]] = (), patches: dict[int, int | None] = None):
        self._segments = [rows for rows, _ in segments]
        parts = [(rows.ids, np.full(len(rows.ids), n, np.int32), np.arange(len(rows.ids)), dead)
                 for n, (rows, dead) in enumerate(segments)]
        keep = [~np.isin(ids, np.fromiter(dead, np.int64, len(dead))) for ids, _, _, dead in parts]
        ids = np.concatenate([p[0][k] for p, k in zip(parts, keep)] or [np.zeros(0, np.int64)])
        order = np.argsort(ids, kind="stable")
        self._ids = ids[order]  # stored ids, ascending
        self._seg = np.concatenate([p[1][k] for p, k in zip(parts, keep)] or [np.zeros(0, np.int32)])[order]
        self._row = np.concatenate([p[2][k] for p, k in zip(parts, keep)] or [np.zeros(0, np.int64)])[order]
        self._patches = dict(patches or {})
        self._changed: dict[int, Chunk] = {}  # new chunks, and stored ones replaced (a changed dup_of)
        self._replaced: set[int] = set()  # those of _changed that are also stored
        self._hidden: set[int] = set()  # stored ids removed since
        self._recent = LRU(RECENT)  # shared by copies: the stored chunks they read are the same

    @classmethod
    def open(cls, folders: list[tuple[Path, list[int]]], patches: dict[int, int | None],
             known: ChunkTable | None = None) -> ChunkTable:
        """The chunks of the segments in folders, each minus its removed ids; segments `known` already
        reads are shared with it, not read again (a write keeps every segment but the one it adds)."""
        opened = {rows.folder: rows for rows in known._segments} if known is not None else {}
        return cls([(opened.get(folder) or SegmentRows(folder), set(dead)) for folder, dead in folders], patches)

    def copy(self) -> ChunkTable:
        """A copy to change: it shares the segments and copies only the changes."""
        twin = object.__new__(ChunkTable)
        twin.__dict__.update(self.__dict__)
        twin._changed, twin._hidden, twin._replaced = dict(self._changed), set(self._hidden), set(self._replaced)
        return twin

    # ---- the mapping ----------------------------------------------------------------------
    def _place(self, cid) -> int:
        """Position of a stored, not hidden id in _ids; -1 otherwise."""
        return -1 if cid in self._hidden else self._stored_place(cid)

    def _stored_place(self, cid) -> int:
        if not isinstance(cid, (int, np.integer)) or isinstance(cid, bool):
            return -1
        at = int(np.searchsorted(self._ids, cid))
        return at if at < len(self._ids) and self._ids[at] == cid else -1

    def __getitem__(self, cid) -> Chunk:
        if cid in self._changed:
            return self._changed[cid]
        at = self._place(cid)
        if at < 0:
            raise KeyError(cid)
        return self._stored([at])[0]

    def __contains__(self, cid) -> bool:
        return cid in self._changed or self._place(cid) >= 0

    def __setitem__(self, cid: int, chunk: Chunk) -> None:
        self._changed[cid] = chunk
        self._hidden.discard(cid)
        if self._stored_place(cid) >= 0:
            self._replaced.add(cid)

    def __delitem__(self, cid) -> None:
        if cid not in self._changed and self._place(cid) < 0:
            raise KeyError(cid)
        self._changed.pop(cid, None)
        self._replaced.discard(cid)
        if self._stored_place(cid) >= 0:
            self._hidden.add(int(cid))

    def __len__(self) -> int:
        return len(self._ids) - len(self._hidden) + len(self._changed) - len(self._replaced)

    def __iter__(self):
        return iter(self.ids().tolist())

    def ids(self) -> np.ndarray:
        """Every id held, ascending."""
        # _ids is ascending and the live mask leaves out the changed: no np.union1d (it hashed 1M ids, ~0.6 s)
        stored = self._ids[self._live_mask()]
        if not self._changed:
            return stored
        return np.sort(np.concatenate([stored, np.fromiter(self._changed, np.int64, len(self._changed))]))

    def values(self):
        return _Values(self)

    def items(self):
        return _Items(self)

    def many(self, ids) -> dict[int, Chunk]:
        """The chunks of those ids held, read in one pass per segment (ids not held are left out)."""
        ids = [int(cid) for cid in ids]
        found = {cid: self._changed[cid] for cid in ids if cid in self._changed}
        rest = np.array([cid for cid in ids if cid not in found], dtype=np.int64)
        if len(rest) and len(self._ids):
            places = np.minimum(np.searchsorted(self._ids, rest), len(self._ids) - 1)
            held = self._ids[places] == rest
            if self._hidden:
                held &= ~np.isin(rest, np.fromiter(self._hidden, np.int64, len(self._hidden)))
            found.update((chunk.id, chunk) for chunk in self._stored(places[held]))
        return found

    def _stored(self, places: list[int]) -> list[Chunk]:
        """Chunks at those positions of _ids, read from their segments (or the recently read), patched; in the
        order asked."""
        places = np.asarray(places, dtype=np.int64)
        wanted = self._ids[places].tolist()
        chunks = self._recent.found(wanted)
        if len(chunks) < len(wanted):
            read = self._read(places[np.fromiter((cid not in chunks for cid in wanted), bool, len(wanted))])
            if len(read) <= self._recent.budget // 10:  # not a merge's whole segment
                self._recent.put_many(read)
            chunks.update(read)
        return [chunks[cid] for cid in wanted]

    def _read(self, places: np.ndarray) -> dict[int, Chunk]:
        chunks: dict[int, Chunk] = {}
        for n in np.unique(self._seg[places]).tolist():
            segment, mine = self._segments[n], self._ids[places[self._seg[places] == n]]
            if len(mine) > _SCAN_SHARE * len(segment.ids):
                wanted = set(mine.tolist())
                chunks.update((c.id, c) for c in segment.scan() if c.id in wanted)
            else:
                chunks.update((c.id, c) for c in segment.fetch(mine.tolist()))
        for cid, chunk in chunks.items():
            if cid in self._patches:
                chunk.dup_of = self._patches[cid]
        return chunks

    def _live_mask(self) -> np.ndarray:
        """Stored ids neither hidden nor replaced by a changed chunk."""
        gone = self._hidden.union(self._changed)
        mask = np.ones(len(self._ids), dtype=bool)
        if gone:
            mask &= ~np.isin(self._ids, np.fromiter(gone, np.int64, len(gone)))
        return mask

    # ---- columns, without reading rows -----------------------------------------------------
    def _column(self, name: str, places: np.ndarray | None = None) -> np.ndarray:
        """A column of the stored chunks at those positions of _ids (all of them when None)."""
        places = np.arange(len(self._ids)) if places is None else places
        out = np.zeros(len(places), dtype=getattr(self._segments[0], name).dtype if self._segments else np.int64)
        for n, segment in enumerate(self._segments):
            mine = self._seg[places] == n
            out[mine] = getattr(segment, name)[self._row[places[mine]]]
        return out

    def roles_of(self, ids) -> list[str]:
        """The role of each of ids (all held), from the columns."""
        return self._by_role(ids, lambda role: role, object).tolist()

    def has_role(self, ids, roles) -> np.ndarray:
        """Mask: whether each of ids (all held) has one of roles, from the columns (no string per chunk)."""
        return self._by_role(ids, lambda role: role in roles, bool)

    def _by_role(self, ids, value, dtype) -> np.ndarray:
        """value(role) of each of ids, computed once per role name of each segment."""
        ids = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids), dtype=np.int64)
        out = np.empty(len(ids), dtype=dtype)
        if len(self._ids):
            places = np.minimum(np.searchsorted(self._ids, ids), len(self._ids) - 1)
            codes = self._column("roles", places)
            for n, segment in enumerate(self._segments):
                mine = self._seg[places] == n
                out[mine] = np.array([value(role) for role in segment.role_names], dtype=dtype)[codes[mine]]
        for k in np.flatnonzero(np.isin(ids, np.fromiter(self._changed, np.int64, len(self._changed)))).tolist():
            out[k] = value(self._changed[int(ids[k])].role)
        return out

    def max_id(self) -> int:
        return max(int(self._ids[-1]) if len(self._ids) else -1, max(self._changed, default=-1))

    def confident(self, floor: float) -> list[int]:
        """Ids of the chunks whose role was read with at least this confidence, ascending."""
        stored = self._ids[self._live_mask() & (self._column("confidence") >= floor)]
        new = [cid for cid, c in self._changed.items() if c.role_confidence >= floor]
        return sorted(stored.tolist() + new)

    def duplicates_above(self, floor: int) -> list[int]:
        """Ids above floor of the chunks marked as duplicates, ascending."""
        dup = self._column("dup_of")
        for cid, target in self._patches.items():
            at = self._stored_place(cid)
            if at >= 0:
                dup[at] = -1 if target is None else target
        stored = self._ids[self._live_mask() & (dup >= 0) & (self._ids > floor)]
        new = [cid for cid, c in self._changed.items() if c.dup_of is not None and cid > floor]
        return sorted(stored.tolist() + new)

    def doc_order(self) -> dict[str, list[int]]:
        """Chunk ids per document in reading order (start, then id), documents sorted: Snapshot.by_doc.
        Documents are sorted as codes into the sorted names of all segments, not as strings."""
        extra = list(self._changed.values())
        names = sorted({d for s in self._segments for d in s.doc_names} | {c.doc for c in extra})
        rank = {name: n for n, name in enumerate(names)}
        codes = np.zeros(len(self._ids), dtype=np.int64)
        for n, segment in enumerate(self._segments):
            mine = self._seg == n
            local = np.array([rank[d] for d in segment.doc_names], dtype=np.int64)
            codes[mine] = local[segment.docs[self._row[mine]]] if len(local) else 0
        mask = self._live_mask()
        codes = np.concatenate([codes[mask], np.array([rank[c.doc] for c in extra], dtype=np.int64)])
        starts = np.concatenate([self._column("starts")[mask], np.array([c.start for c in extra], dtype=np.int64)])
        ids = np.concatenate([self._ids[mask], np.array([c.id for c in extra], dtype=np.int64)])
        order = np.lexsort((ids, starts, codes))
        codes, ids = codes[order], ids[order].tolist()
        bounds = [0, *(np.flatnonzero(np.diff(codes)) + 1).tolist(), len(ids)] if len(ids) else [0]
        return {names[codes[a]]: ids[a:b] for a, b in zip(bounds, bounds[1:])}


class _Values(ValuesView):
    def __iter__(self):
        yield from _in_batches(self._mapping)


class _Items(ItemsView):
    def __iter__(self):
        for chunk in _in_batches(self._mapping):
            yield chunk.id, chunk


def _in_batches(table: ChunkTable, size: int = 20_000):
    ids = table.ids().tolist()
    for at in range(0, len(ids), size):
        batch = table.many(ids[at:at + size])
        yield from (batch[cid] for cid in ids[at:at + size])


def doc_order(chunks) -> dict[str, list[int]]:
    """Chunk ids per document in reading order (start, then id), documents sorted: Snapshot.by_doc. From a
    ChunkTable's columns, or by grouping any id -> Chunk mapping first (a global sort of tuples is slower)."""
    if isinstance(chunks, ChunkTable):
        return chunks.doc_order()
    groups: dict[str, list[Chunk]] = {}
    for chunk in chunks.values():
        groups.setdefault(chunk.doc, []).append(chunk)
    return {doc: [c.id for c in sorted(groups[doc], key=lambda c: (c.start, c.id))] for doc in sorted(groups)}


def roles_of(chunks, ids) -> list[str]:
    """The role of each of ids, from a ChunkTable's columns or any id -> Chunk mapping."""
    fast = getattr(chunks, "roles_of", None)
    return fast(ids) if fast is not None else [chunks[cid].role for cid in ids]


def has_role(chunks, ids: np.ndarray, roles) -> np.ndarray:
    """Mask: whether each of ids has one of roles, from a ChunkTable's columns or any id -> Chunk mapping."""
    fast = getattr(chunks, "has_role", None)
    if fast is not None:
        return fast(ids, roles)
    return np.fromiter((chunks[cid].role in roles for cid in ids.tolist()), dtype=bool, count=len(ids))


def max_id(chunks) -> int:
    fast = getattr(chunks, "max_id", None)
    return fast() if fast is not None else max(chunks, default=-1)


def confident(chunks, floor: float) -> list[int]:
    fast = getattr(chunks, "confident", None)
    return fast(floor) if fast is not None else sorted(c.id for c in chunks.values() if c.role_confidence >= floor)


def duplicates_above(chunks, floor: int) -> list[int]:
    fast = getattr(chunks, "duplicates_above", None)
    return (fast(floor) if fast is not None else
            sorted(c.id for c in chunks.values() if c.dup_of is not None and c.id > floor))


def many(chunks, ids) -> list[Chunk]:
    """The chunks of ids (all held), in that order: one read per segment from a ChunkTable."""
    found = held(chunks, ids)
    return [found[cid] for cid in ids]


def held(chunks, ids) -> dict[int, Chunk]:
    """id -> chunk for those of ids the mapping holds."""
    fast = getattr(chunks, "many", None)
    return fast(ids) if fast is not None else {cid: chunks[cid] for cid in ids if cid in chunks}


def fetch(view, ids) -> dict[int, Chunk]:
    """The chunk records of ids from any engine's view, in one round trip where the engine is remote; ids
    gone since are left out."""
    many = getattr(view, "fetch", None)
    return many(ids) if many is not None else held(view.chunks, ids)
