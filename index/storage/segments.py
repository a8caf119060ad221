"""Immutable segments: the documents, chunks, vectors, postings and dedup keys that one write added."""
from __future__ import annotations

import json
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fanwen.index.records import Chunk, Document
from fanwen.index.storage import chunk_keys, chunk_table, npz
from fanwen.index.storage.chunk_rows import COLUMNS_FILE, chunk_of, columns_of, write_columns
from fanwen.index.storage.dedup import PrefixIndex
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.storage.vectors import VectorStore

FOLDER = "segments"  # inside the library home; generations list the segments they are made of
DEDUP_FILE = "dedup.npz"
DEDUP_NAMES = ("keys", "ids", "sizes", "places") + chunk_keys.NAMES  # its arrays, in PrefixIndex part order


@dataclass
class Segment:
    """A segment's documents and stores; its chunks are read on demand (chunk_table.ChunkTable)."""

    docs: dict[str, Document]
    vectors: VectorStore
    heads: VectorStore
    keywords: BM25Index


def new_name(generation: int) -> str:
    return f"seg-{generation:06d}-{uuid.uuid4().hex[:6]}"


def write_segment(folder: Path, docs, chunks, vectors: VectorStore, heads: VectorStore, keywords: BM25Index,
                  dedup: tuple[np.ndarray, ...] | None) -> None:
    """Write the given parts (already restricted to this segment's chunks) into folder."""
    write_metadata(folder / "meta.sqlite", docs, chunks)
    write_columns(folder / COLUMNS_FILE, columns_of(chunks))
    vectors.save(folder / "vectors.faiss")
    heads.save(folder / "heads.faiss")
    (folder / "bm25").mkdir()
    keywords.save(folder / "bm25")
    if dedup is not None:
        np.savez(folder / DEDUP_FILE, **dict(zip(DEDUP_NAMES, dedup)))


def read_segment(folder: Path, tokenize) -> Segment:
    if not (folder / "meta.sqlite").exists():
        raise OSError("missing meta.sqlite")
    return Segment(read_documents(folder / "meta.sqlite"), VectorStore.load(folder / "vectors.faiss"),
                   VectorStore.load(folder / "heads.faiss"), BM25Index.load(folder / "bm25", tokenize))


def read_dedup(folders: list[Path], chunks: dict) -> PrefixIndex:
    """The dedup postings of the segments; a segment without them (an index written before segments)
    gets them computed from its chunks' text."""
    index = PrefixIndex()
    for folder in folders:
        path = folder / DEDUP_FILE
        if path.exists():
            arrays = npz.read_arrays(path)
            # Segments written before sizes and places were kept load without them: never filtered.
            part = tuple(arrays[name] for name in DEDUP_NAMES if name in arrays)
            if len(part) == 4:  # chunk keys came later: computed here once, and kept beside the postings
                ids = np.unique(part[1]).tolist()
                found = chunk_table.held(chunks, ids)  # one pass over the segment, not a read per id
                live = [(i, found[i].text) for i in ids if i in found]
                part += PrefixIndex.part(live)[4:]
                _keep_chunk_keys(path, part)
            index = index.with_part(part)
        else:
            index = index.with_part(PrefixIndex.part([(c.id, c.text) for c in chunks.values()]))
    return index


def _keep_chunk_keys(path: Path, part: tuple) -> None:
    """Replace a segment's dedup file by the same postings plus the chunk keys just computed, so the next
    process reads them (a million chunks' keys take minutes to compute). Written aside, flushed to disk, then
    swapped in; a library on a read-only disk computes them each time instead."""
    staging = path.with_name(path.name + ".new.npz")
    try:
        with open(staging, "wb") as handle:
            np.savez(handle, **dict(zip(DEDUP_NAMES, part)))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(staging, path)
    except OSError:
        staging.unlink(missing_ok=True)


_SCHEMA = """
CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT, path TEXT, format TEXT, sha256 TEXT,
                        chunks INTEGER, chars INTEGER, added TEXT);
CREATE TABLE chunks (id INTEGER PRIMARY KEY, doc TEXT REFERENCES documents(id), text TEXT,
                     heading_path TEXT, role TEXT, para_index INTEGER, point_index INTEGER,
                     start INTEGER, "end" INTEGER, placeholders TEXT, dup_of INTEGER,
                     role_confidence REAL DEFAULT 1.0);
CREATE INDEX chunks_doc ON chunks(doc);
"""


def write_metadata(path: Path, docs, chunks) -> None:
    with sqlite3.connect(path) as db:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?)",
                       [(d.id, d.title, d.path, d.format, d.sha256, d.chunks, d.chars, d.added) for d in docs])
        db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", (  # rows made one at a time
            (c.id, c.doc, c.text, json.dumps(c.heading_path, ensure_ascii=False), c.role, c.para_index,
             c.point_index, c.start, c.end, json.dumps(c.placeholders), c.dup_of, c.role_confidence)
            for c in chunks))
    db.close()


def read_documents(path: Path) -> dict[str, Document]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0]: Document(*row) for row in db.execute("SELECT * FROM documents")}
    finally:
        db.close()


def read_metadata(path: Path) -> tuple[dict[str, Document], dict[int, Chunk]]:
    if not path.exists():
        raise OSError(f"missing {path.name}")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        docs = {row[0]: Document(*row) for row in db.execute("SELECT * FROM documents")}
        chunks = {row[0]: chunk_of(row) for row in db.execute("SELECT * FROM chunks")}
    finally:
        db.close()
    return docs, chunks
