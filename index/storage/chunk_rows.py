"""One segment's chunks on disk: numeric columns read whole at opening (chunks.npz), rows fetched by id."""
from __future__ import annotations

import functools
import json
import os
import sqlite3
import threading
from pathlib import Path

import numpy as np

from fanwen.index.records import Chunk
from fanwen.index.storage import npz

COLUMNS_FILE = "chunks.npz"  # beside meta.sqlite: what opening an index needs, without reading every row
_BATCH = 500  # ids per SELECT … IN (…): under SQLite's oldest limit of 999 bound parameters


def columns_of(chunks: list[Chunk]) -> dict[str, np.ndarray]:
    """The columns of chunks, ids ascending; documents and roles as codes into their sorted names."""
    chunks = sorted(chunks, key=lambda c: c.id)
    doc_names, role_names = sorted({c.doc for c in chunks}), sorted({c.role for c in chunks})
    doc_code, role_code = {d: i for i, d in enumerate(doc_names)}, {r: i for i, r in enumerate(role_names)}
    return {
        "ids": np.array([c.id for c in chunks], dtype=np.int64),
        "docs": np.array([doc_code[c.doc] for c in chunks], dtype=np.int32),
        "starts": np.array([c.start for c in chunks], dtype=np.int64),
        "roles": np.array([role_code[c.role] for c in chunks], dtype=np.int32),
        "confidence": np.array([c.role_confidence for c in chunks], dtype=np.float64),
        "dup_of": np.array([-1 if c.dup_of is None else c.dup_of for c in chunks], dtype=np.int64),
        "doc_names": np.array(doc_names, dtype=str), "role_names": np.array(role_names, dtype=str),
    }


def write_columns(path: Path, columns: dict[str, np.ndarray]) -> None:
    """Written aside, flushed to disk, then swapped in."""
    staging = path.with_name(path.name + ".new.npz")
    try:
        with open(staging, "wb") as handle:
            np.savez(handle, **columns)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)


def chunk_of(row: tuple) -> Chunk:
    """A chunks-table row as a Chunk; rows written before the role_confidence column have full confidence."""
    confidence = row[11] if len(row) > 11 and row[11] is not None else 1.0
    return Chunk(row[0], row[1], row[2], list(json_items(row[3])), row[4], row[5], row[6], row[7], row[8],
                 list(json_items(row[9])), row[10], confidence)


@functools.lru_cache(maxsize=4096)
def json_items(text: str) -> tuple:
    """A stored heading path or placeholder list (JSON), inner lists as tuples: a report's chunks share a few
    paths and most have no placeholders, so each distinct text is parsed once (callers make their own list
    of the immutable result). Both engines read chunk rows through it."""
    return tuple(tuple(item) if isinstance(item, list) else item for item in json.loads(text))


class SegmentRows:
    """One segment's chunk columns (ids ascending) and a read-only connection for the rest of each row.
    The connection is opened here, so a snapshot can still read a segment that a later write deleted."""

    def __init__(self, folder: Path):
        self.folder = folder
        # immutable=1: segments never change, so SQLite takes no locks and reads no journal
        self._db = sqlite3.connect(f"file:{folder / 'meta.sqlite'}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)
        self._lock = threading.Lock()
        columns = _read_columns(folder, self._db)
        self.ids, self.docs, self.starts = columns["ids"], columns["docs"], columns["starts"]
        self.roles, self.confidence, self.dup_of = columns["roles"], columns["confidence"], columns["dup_of"]
        self.doc_names, self.role_names = columns["doc_names"].tolist(), columns["role_names"].tolist()

    def fetch(self, ids: list[int]) -> list[Chunk]:
        """The chunks of those ids this segment holds, in no particular order."""
        rows = []
        with self._lock:
            for at in range(0, len(ids), _BATCH):
                batch = ids[at:at + _BATCH]
                rows += self._db.execute(f"SELECT * FROM chunks WHERE id IN ({','.join('?' * len(batch))})",
                                         batch).fetchall()
        return [chunk_of(row) for row in rows]

    def scan(self) -> list[Chunk]:
        """Every chunk of the segment, ids ascending."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM chunks ORDER BY id").fetchall()
        return [chunk_of(row) for row in rows]


def _read_columns(folder: Path, db: sqlite3.Connection) -> dict[str, np.ndarray]:
    path = folder / COLUMNS_FILE
    if path.exists():
        return npz.read_arrays(path)
    # A segment written before the columns were kept: computed from its rows once, and kept for next time
    # (a library on a read-only disk computes them at each opening instead).
    columns = columns_of([chunk_of(row) for row in db.execute("SELECT * FROM chunks")])
    try:
        write_columns(path, columns)
    except OSError:
        pass
    return columns
