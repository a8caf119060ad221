"""The embedded engine: FAISS + BM25 + SQLite segments in one folder, generations swapped atomically."""
from __future__ import annotations

import fcntl
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from fanwen.index import building
from fanwen.index.identity import check_removals
from fanwen.index.building import IngestReport
from fanwen.index.errors import IndexBusy
from fanwen.index.records import Document, embedded_text_of
from fanwen.index.storage import generations as store
from fanwen.index.storage.chunk_table import ChunkTable
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.storage.vectors import VectorStore

REFRESH_SECONDS = 0.5  # how stale a reader may be after another process writes


class EmbeddedEngine:
    """One index folder: readers get an immutable Snapshot, a writer publishes a new generation."""

    kind = "embedded"

    def __init__(self, home: Path, embedder, vector_kind: str, chunking: dict, tokenize, rebuild: bool,
                 topic_vectors: bool):
        self.home, self.embedder, self.vector_kind = Path(home), embedder, vector_kind
        self.chunking, self.tokenize, self.topic_vectors = chunking, tokenize, topic_vectors
        self._write_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._rebuild = rebuild
        self._checked = time.monotonic()
        if rebuild:
            self._snap = self._empty()
            self._snap.generation = store.generation_number(self.home)
        else:
            self._snap = store.load_snapshot(self.home, self.tokenize) or self._empty()
            store.check_model(self._snap.manifest, self.home, embedder.name)

    def view(self) -> store.Snapshot:
        """The live index; a generation written by another process (the CLI, another server) is picked
        up at the next read, checked at most every REFRESH_SECONDS."""
        now = time.monotonic()
        if now - self._checked >= REFRESH_SECONDS and not self._rebuild:
            self._checked = now
            if store.generation_number(self.home) > self._snap.generation:
                self._reload()
        return self._snap

    def replace_view(self, snap: store.Snapshot) -> None:
        """Search a changed copy of the index (ablation benchmarks); writes still start from disk."""
        self._snap = snap

    def _reload(self) -> None:
        # One reader reloads; the others (and a writer of this process) never wait for it: they keep
        # answering from the snapshot they have.
        if not self._reload_lock.acquire(blocking=False):
            return
        try:
            if store.generation_number(self.home) > self._snap.generation:
                fresh = store.load_snapshot(self.home, self.tokenize)
                if fresh is not None and fresh.generation > self._snap.generation:
                    store.check_model(fresh.manifest, self.home, self.embedder.name)
                    self._snap = fresh
        finally:
            self._reload_lock.release()

    def _empty(self) -> store.Snapshot:
        manifest = store.new_manifest(self.embedder.name, self.embedder.dim, self.vector_kind, self.chunking)
        return store.Snapshot(manifest, {}, ChunkTable(), VectorStore(self.embedder.dim, self.vector_kind),
                              BM25Index(self.tokenize), VectorStore(self.embedder.dim, self.vector_kind))

    # ---- writing -------------------------------------------------------------------------
    def held_documents(self) -> dict[str, Document]:
        """The documents of the live generation, from metadata alone (readable even with another model)."""
        return store.read_documents(self.home)

    def start_rebuild(self) -> None:
        """The next write starts from an empty index; the old one stays live until then."""
        self._rebuild = True

    def apply(self, parsed, removals: list[str], report: IngestReport, progress, replace=None,
              must_exist: bool = False) -> list[Document]:
        """One write: drop `removals`, place and embed `parsed`, publish; returns the dropped documents
        (their originals may go once this returns). `must_exist`: a removal of an unknown id is NotFound."""
        with write_lock(self.home, self._write_lock):
            work = self._working_copy()
            check_removals(work.docs, removals, must_exist)
            gone = [work.docs[doc_id] for doc_id in removals if doc_id in work.docs]
            dropped = [cid for doc_id in removals for cid in work.by_doc.get(doc_id, [])]
            for doc_id in removals:
                building.drop_document(work, doc_id)
            todo = building.place_documents(work, parsed, report, replace, gone, dropped)
            marks = None
            if todo:  # duplicates are looked for while the model embeds the new chunks
                marks = building.add_documents(work, todo, self.embedder, report, progress, self.topic_vectors,
                                               lambda ids: building.duplicate_marks(work, ids, dropped),
                                               embedded_text_of(work.manifest))
            if not (removals or todo or self._rebuild):
                return []
            new_ids = [cid for doc in todo for cid in work.by_doc[doc.doc_id]]
            building.apply_marks(work, marks or building.duplicate_marks(work, [], dropped), new_ids)
            report.duplicates += sum(1 for c in new_ids if work.chunks[c].dup_of is not None)
            store.save_snapshot(self.home, work)
            self._rebuild = False
            self._snap = work.published()
            return gone

    def _latest(self) -> store.Snapshot:
        """The live generation: the one this engine holds unless another process wrote since."""
        if store.generation_number(self.home) != self._snap.generation:
            fresh = store.load_snapshot(self.home, self.tokenize)
            if fresh is None:
                return self._empty()
            store.check_model(fresh.manifest, self.home, self.embedder.name)
            self._snap = fresh
        return self._snap

    def _working_copy(self) -> store.Snapshot:
        """A copy of the live generation to change (it shares the vector and keyword parts, copy-on-write;
        nothing is read back from disk unless another process wrote), or an empty index when rebuilding."""
        if self._rebuild:
            work = self._empty()
            work.generation = store.generation_number(self.home)
            return work
        return self._latest().copy()


@contextmanager
def write_lock(home: Path, thread_lock, wait: float = 60.0):
    """One writer at a time: threads of this process (thread_lock) and other processes (flock on .lock)."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    with thread_lock, open(home / ".lock", "w") as handle:
        deadline = time.time() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.time() > deadline:
                    raise IndexBusy(f"index at {home} is being written by another process; try again later",
                                    zh=f"{home} 的索引正被另一个程序写入（如正在建索引或上传），请稍后再试") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
