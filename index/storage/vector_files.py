"""A vector part on disk: the FAISS file (memory-mapped when large) and its JSON sidecar of settings and ids."""
from __future__ import annotations

import json
from pathlib import Path

import faiss

from fanwen.index.errors import CorruptIndex

FORMAT = "fanwen-vectors"
VERSION = 1
MMAP_BYTES = 64 << 20  # vector files from this size (about 40,000 vectors of 384 dimensions) are memory-mapped


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def write(path: Path, index, meta: dict) -> None:
    """The faiss index to path, and meta (settings, hnsw slot ids) with the format stamp to path + '.json'."""
    faiss.write_index(index, str(path))
    sidecar(path).write_text(json.dumps({"format": FORMAT, "version": VERSION, **meta}), encoding="utf-8")


def read(path: Path) -> tuple[dict, object, bool]:
    """(meta, faiss index, whether it is memory-mapped) of a file written by write().

    A large file is memory-mapped, not read: its vectors are paged in as searches touch them (1.3 s of
    opening a million) and stay shared with the page cache. The mapping is read-only: faiss aborts the process
    if a mapped index grows or shrinks, so its owner copies it into memory before any change.
    """
    meta = json.loads(sidecar(path).read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise CorruptIndex(f"{sidecar(path)} is not a fanwen vector store (version {VERSION})",
                           zh=f"{sidecar(path)} 不是本程序的向量库：请运行 fanwen index --rebuild 重建索引")
    mapped = path.stat().st_size >= MMAP_BYTES
    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC if mapped else 0)
    if index.d != meta["dim"]:
        raise CorruptIndex(f"{path} holds {index.d}-dim vectors but its sidecar says {meta['dim']}",
                           zh=f"{path} 的向量维数与说明文件不符：请运行 fanwen index --rebuild 重建索引")
    return meta, index, mapped
