"""Building a generation from parsed reports: chunk records, batched embeddings, keyword postings, dedup marks."""
from __future__ import annotations

import dataclasses
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from fanwen.index import identity
from fanwen.index.errors import unsupported_format
from fanwen.index.ingest import role_model
from fanwen.index.ingest.pipeline import ParsedDocument
from fanwen.index.ingest.readers import SUPPORTED
from fanwen.index.records import EMBEDDED_TEXT, Chunk, Document, embedding_text
from fanwen.index.storage import chunk_table
from fanwen.index.storage import generations as store
from fanwen.index.storage.dedup import THRESHOLD, PrefixIndex, best_earlier

Progress = Callable[[int, int, str], None]
UPLOADS = "uploads"  # where uploaded originals are kept, one folder per upload, inside the library home
BATCH = 32  # passages per model call, across documents: small reports no longer mean small batches
# The duplicate check of a write's chunks runs here while the model embeds them: it needs their text only.
_BESIDE = ThreadPoolExecutor(1, thread_name_prefix="fanwen-dedup")
_FIRST_SENTENCE = re.compile(r"[^。；！？!?]*[。；！？!?]?")


@dataclass
class IngestReport:
    files: int = 0
    chunks: int = 0
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    boilerplate_lines: int = 0
    duplicates: int = 0
    removed: dict[str, list[str]] = field(default_factory=dict)  # doc id -> lines removed as noise

    def to_dict(self) -> dict:
        data = self.__dict__.copy()
        data["skipped"] = [{"path": path, "reason": reason} for path, reason in self.skipped]
        return data


def place_documents(work: store.Snapshot, parsed: list[ParsedDocument], report: IngestReport, replace: str | None,
                    gone: list, dropped: list) -> list[ParsedDocument]:
    """Give each parsed file its document id (see identity.place); returns the ones to embed. Replaced
    documents are dropped from `work`; their records go to `gone` and their chunk ids to `dropped`."""
    known, todo = identity.Catalog(work.docs), []
    for doc in parsed:
        spot = known.place(doc.doc_id, doc.path, doc.sha256, replace)
        doc.doc_id = spot.doc_id
        report.boilerplate_lines += len(doc.removed_lines)
        report.removed[doc.doc_id] = list(doc.removed_lines)
        if spot.action in (identity.UNCHANGED, identity.SAME_CONTENT):
            report.unchanged.append(doc.doc_id)
            continue
        if spot.action == identity.REPLACE:
            old = work.docs[doc.doc_id]
            if not identity.same_file(old.path, doc.path):
                gone.append(old)
            dropped.extend(work.by_doc.get(doc.doc_id, []))
            drop_document(work, doc.doc_id)
            report.replaced.append(doc.doc_id)
        known.add(Document(doc.doc_id, doc.title, doc.path, doc.format, doc.sha256))
        todo.append(doc)
    return todo


def add_documents(work: store.Snapshot, docs: list[ParsedDocument], embedder, report: IngestReport,
                  progress: Progress | None, topic_vectors: bool, while_embedding: Callable | None = None,
                  embedded_text: str = EMBEDDED_TEXT):
    """Chunks of every document get ids, then are embedded (as `embedded_text` says, the library's own
    recipe) in batches that cross document boundaries.
    `while_embedding(new ids)`, when given, runs on another thread while they are embedded, after they are
    recorded in `work` (which it may read, not change); its result is returned."""
    next_id, per_doc = work.next_id(), []
    for doc in docs:
        chunks = [Chunk(next_id + i, doc.doc_id, p.text, p.heading_path, p.role, p.para_index, p.point_index,
                        p.start, p.end, p.placeholders, role_confidence=p.role_confidence)
                  for i, p in enumerate(doc.pieces)]
        next_id += len(chunks)
        per_doc.append(chunks)
    flat = [chunk for chunks in per_doc for chunk in chunks]
    owners = [doc.doc_id for doc, chunks in zip(docs, per_doc) for _ in chunks]
    ids = [c.id for c in flat]
    for doc, chunks in zip(docs, per_doc):
        _record(work, doc, chunks, report)
    beside = _BESIDE.submit(while_embedding, ids) if while_embedding is not None else None
    try:
        texts = [embedding_text(c, embedded_text) for c in flat]
        work.vectors.add(ids, embed_all(embedder, texts, owners, progress))
        if topic_vectors:
            work.heads.add(ids, embed_all(embedder, [topic_sentence(c.text) for c in flat], owners, None))
        work.keywords.add(ids, [keyword_text(c) for c in flat])
    finally:  # it reads `work`: never left running behind an error (whose own exception stays the one raised)
        if beside is not None:
            wait([beside])
    if work.pending is not None:
        work.pending.added.extend(doc.doc_id for doc in docs)
    retag_headless(work, docs)
    return beside.result() if beside is not None else None


def embed_all(embedder, texts: list[str], owners: list[str], progress: Progress | None) -> np.ndarray:
    rows = []
    for start in range(0, len(texts), BATCH):
        rows.append(embedder.embed_passages(texts[start:start + BATCH]))
        if progress:
            done = min(start + BATCH, len(texts))
            progress(done, len(texts), owners[done - 1])
    return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, embedder.dim), dtype=np.float32)


def _record(work: store.Snapshot, doc: ParsedDocument, chunks: list[Chunk], report: IngestReport) -> None:
    for chunk in chunks:
        work.chunks[chunk.id] = chunk
    work.by_doc[doc.doc_id] = [c.id for c in chunks]
    work.docs[doc.doc_id] = Document(doc.doc_id, doc.title, doc.path, doc.format, doc.sha256,
                                     len(chunks), len(doc.text), time.strftime("%Y-%m-%dT%H:%M:%S"))
    report.files += 1
    report.chunks += len(chunks)
    report.documents.append(doc.doc_id)


def topic_sentence(text: str, limit: int = 80) -> str:
    """The first sentence, which in these reports states the point (一是…。) the rest supports."""
    match = _FIRST_SENTENCE.match(text)
    return (match.group() if match else text)[:limit]


def keyword_text(chunk: Chunk) -> str:
    return chunk.text


def retag_headless(work: store.Snapshot, docs: list[ParsedDocument]) -> None:
    """Documents whose roles were read from the text get a second opinion from a classifier
    trained on this library's heading-labelled chunks."""
    headless = [d for d in docs if all(p.role_confidence < role_model.TRUSTED for p in d.pieces[1:])]
    if not headless:
        return
    trusted = chunk_table.confident(work.chunks, role_model.TRUSTED)
    roles = chunk_table.roles_of(work.chunks, trusted)
    if len(trusted) < role_model.MIN_TRAIN or len(set(roles)) < 2:
        return
    # A bounded sample: training on every labelled chunk made one write cost minutes in a large library.
    sample = role_model.training_sample(trusted, roles)
    model = role_model.fit_cached(work.vectors.get([trusted[i] for i in sample]), [roles[i] for i in sample])
    for doc in headless:
        chunks = [work.chunks[i] for i in work.by_doc[doc.doc_id]]
        roles, confidence = role_model.retag([c.text for c in chunks], doc.title,
                                             [p.after_cause_cue for p in doc.pieces],
                                             work.vectors.get([c.id for c in chunks]), model)
        for chunk, role, conf in zip(chunks, roles, confidence):
            chunk.role, chunk.role_confidence = role, round(conf, 3)


def expand_paths(paths: Iterable[Path], report: IngestReport) -> list[Path]:
    """Files as given, and the supported files inside folders (sorted); others are reported."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if child.suffix.lower() in SUPPORTED:
                    found.append(child)
                else:
                    report.skipped.append((str(child), str(unsupported_format(child.suffix.lower(), child.name,
                                                                              SUPPORTED))))
        elif path.exists():
            found.append(path)
        else:
            report.skipped.append((str(path), "找不到这个文件或文件夹，请检查路径"))
    return found


def drop_document(work: store.Snapshot, doc_id: str) -> None:
    ids = work.by_doc.pop(doc_id, [])
    if work.pending is not None:
        work.pending.dropped.append((doc_id, list(ids)))
    work.vectors.remove(ids)
    work.heads.remove(ids)
    work.keywords.remove(ids)
    for cid in ids:
        work.chunks.pop(cid, None)
    work.docs.pop(doc_id, None)


def delete_original(doc: Document, home: Path) -> None:
    """An uploaded original goes with its document (these are personnel reports); files indexed from
    the user's own folders are never touched."""
    folder = identity.stored_original(doc.path, home / UPLOADS)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Marks:
    """What the duplicate check decided, before anything in the working copy is changed."""

    part: tuple  # the prefix keys of the added chunks
    index: PrefixIndex  # the library's keys with them
    dup_of: dict[int, int | None]  # for each added chunk, and each older one a removal may have freed


def mark_duplicates(work: store.Snapshot, new_ids: list[int], removed_ids: list[int]) -> int:
    """dup_of of the added chunks, and of older duplicates that a removal may have freed, exactly as a
    comparison of the whole library (dedup.find_duplicates) sets them; returns how many are duplicates."""
    return apply_marks(work, duplicate_marks(work, new_ids, removed_ids), new_ids)


def duplicate_marks(work: store.Snapshot, new_ids: list[int], removed_ids: list[int]) -> Marks:
    """The marks of mark_duplicates, reading `work` only (so it can run while the chunks are embedded):
    each chunk is compared only with the chunks that share a prefix shingle (dedup.prefix_keys)."""
    part = PrefixIndex.part([(cid, work.chunks[cid].text) for cid in new_ids])
    index = work.dedup_index().with_part(part)
    # A chunk's dup_of depends on lower ids only, so a removal can change only duplicates above it.
    floor = min(removed_ids, default=None)
    freed = chunk_table.duplicates_above(work.chunks, floor) if floor is not None else []
    lookup = lambda cid: (lambda c: None if c is None else (c.doc, c.text))(work.chunks.get(cid))  # noqa: E731
    settled: dict[int, int | None] = {}
    for cid in sorted(set(new_ids).union(freed)):
        chunk = work.chunks[cid]
        best, score = best_earlier(cid, chunk.doc, chunk.text, index, lookup)
        dup_of = None
        if best is not None and score >= THRESHOLD:
            root = settled[best] if best in settled else work.chunks[best].dup_of  # lower ids are settled first
            dup_of = best if root is None else root
        settled[cid] = dup_of
    return Marks(part, index, settled)


def apply_marks(work: store.Snapshot, marks: Marks, new_ids: list[int]) -> int:
    work.dedup = marks.index
    if work.pending is not None:
        work.pending.dedup = work.pending.dedup.with_part(marks.part)
    fresh = set(new_ids)
    for cid, dup_of in marks.dup_of.items():
        chunk = work.chunks[cid]
        if cid in fresh:
            chunk.dup_of = dup_of
        elif dup_of != chunk.dup_of:  # an older chunk is shared with published snapshots: replace it
            work.chunks[cid] = dataclasses.replace(chunk, dup_of=dup_of)
            if work.pending is not None:
                work.pending.patched.add(cid)
    return sum(1 for dup_of in marks.dup_of.values() if dup_of is not None)
