"""One searchable state of an embedded index, in memory: documents, chunks, stores; and what a writer changed."""
from __future__ import annotations

import json
import threading
from collections.abc import MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from fanwen.index.records import Chunk, Document
from fanwen.index.storage import chunk_table
from fanwen.index.storage import segments as seg
from fanwen.index.storage.dedup import PrefixIndex
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.storage.vectors import VectorStore

_DEDUP_READER = ThreadPoolExecutor(1, thread_name_prefix="fanwen-dedup-keys")
_DEDUP_LOCK = threading.Lock()


@dataclass
class Pending:
    """What a writer changed since the snapshot it copied: all that the next generation has to write."""

    added: list[str] = field(default_factory=list)  # document ids, in the order added
    dropped: list[tuple[str, list[int]]] = field(default_factory=list)  # (document id, its chunk ids)
    patched: set[int] = field(default_factory=set)  # older chunks whose dup_of changed
    dedup: PrefixIndex = field(default_factory=PrefixIndex)  # prefix keys of the added chunks


@dataclass
class Snapshot:
    """Everything one search needs, never mutated after it is published."""

    manifest: dict
    docs: dict[str, Document]
    chunks: MutableMapping[int, Chunk]  # a ChunkTable when read from disk: rows read on demand
    vectors: VectorStore  # one row per chunk: what manifest["embedded_text"] says the model saw
    keywords: BM25Index
    heads: VectorStore | None = None  # one row per chunk: its topic sentence (二是党建与业务工作融合不好。)
    generation: int = 0
    by_doc: dict[str, list[int]] = field(default_factory=dict)
    doc_segment: dict[str, str] = field(default_factory=dict)  # document id -> segment holding it
    folders: list[Path] = field(default_factory=list)  # segment folders, for the lazily read dedup keys
    dedup: PrefixIndex | None = None
    pending: Pending | None = None  # None: the next save writes everything
    # The dedup keys are read in the background as soon as a writer copies this snapshot: the write needs
    # them only after embedding its chunks (1.6 GB, 1.3-3 s at a million chunks).
    _reading: Future | None = field(default=None, repr=False, compare=False)
    _origin: Snapshot | None = field(default=None, repr=False, compare=False)  # a copy's source of them

    def __post_init__(self) -> None:
        if not self.by_doc:
            self.by_doc = chunk_table.doc_order(self.chunks)

    def next_id(self) -> int:
        # Ids are never reused, so a removed segment's ids cannot come back under a tombstone.
        return max(chunk_table.max_id(self.chunks) + 1, self.manifest.get("next_id", 0))

    def dedup_index(self) -> PrefixIndex:
        if self.dedup is None:
            self.dedup = self._origin.dedup_index() if self._origin is not None else self.read_dedup().result()
        return self.dedup

    def read_dedup(self) -> Future:
        """The dedup keys, read once, in the background."""
        with _DEDUP_LOCK:
            if self._reading is None:
                self._reading = _DEDUP_READER.submit(self._dedup_from_disk)
            return self._reading

    def _dedup_from_disk(self) -> PrefixIndex:
        if self.folders:
            return seg.read_dedup(self.folders, self.chunks)
        return PrefixIndex().with_part(PrefixIndex.part([(c.id, c.text) for c in self.chunks.values()]))

    def copy(self) -> Snapshot:
        """A working copy that shares nothing a writer changes (Chunk objects are replaced, not edited; the
        stores' clones share their immutable parts and copy only tombstone sets)."""
        if self.dedup is None:
            self.read_dedup()
        return Snapshot(json.loads(json.dumps(self.manifest)), dict(self.docs), self.chunks.copy(),
                        self.vectors.clone(), self.keywords.clone(), self.heads.clone(), self.generation,
                        {doc: list(ids) for doc, ids in self.by_doc.items()}, dict(self.doc_segment),
                        list(self.folders), self.dedup, Pending(), _origin=self if self.dedup is None else None)

    def published(self) -> Snapshot:
        """This working copy as readers get it: without the writer's bookkeeping."""
        return Snapshot(self.manifest, self.docs, self.chunks, self.vectors, self.keywords, self.heads,
                        self.generation, self.by_doc, self.doc_segment, self.folders, self.dedup)


