"""Checks an index folder file by file without opening it for search: what is damaged, in Chinese and English."""
from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fanwen.index.errors import FanwenError
from fanwen.index.records import EMBEDDED_TEXT, embedded_text_of
from fanwen.index.storage import chunk_keys, npz
from fanwen.index.storage import generations as gen
from fanwen.index.storage import segments as seg
from fanwen.index.storage.chunk_rows import COLUMNS_FILE, columns_of
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.storage.vectors import VectorStore

# what reading a damaged file raises, besides the library's own CorruptIndex
READ_ERRORS = (OSError, ValueError, KeyError, TypeError, sqlite3.Error, RuntimeError, zipfile.BadZipFile, FanwenError)


@dataclass
class Finding:
    """One thing checked: the file or folder (relative to the index folder), whether it is sound, and why not."""

    where: str
    ok: bool
    zh: str
    en: str
    kind: str = "damage"  # or "model": built with another model (the files are sound)


@dataclass
class Health:
    home: Path
    findings: list[Finding] = field(default_factory=list)
    model: str | None = None  # the model the index was built with (from its manifest)
    documents: int = 0
    chunks: int = 0
    empty: bool = False  # no index yet: nothing to check, nothing wrong

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    @property
    def ok(self) -> bool:
        return not self.problems

    def good(self, where: str, zh: str, en: str) -> None:
        self.findings.append(Finding(where, True, zh, en))

    def bad(self, where: str, zh: str, en: str, kind: str = "damage") -> None:
        self.findings.append(Finding(where, False, zh, en, kind))


def check_index(home: Path, model: str | None = None) -> Health:
    """Every file of the live generation read back; `model` (the embedder's name) compared with the manifest's."""
    health = Health(Path(home))
    folder = _pointer(health)
    if folder is None:
        return health
    manifest = _manifest(health, folder)
    if manifest is None:
        return health
    health.model = manifest.get("model")
    if model is not None and health.model != model:
        health.bad("manifest.json", f"索引是用模型 {health.model} 建的，现在用的是 {model}",
                   f"the index was built with model {health.model}, the current model is {model}", kind="model")
    for path, entry in _segment_list(health.home, folder, manifest):
        _check_segment(health, path, entry)
    return health


def _pointer(health: Health) -> Path | None:
    """The live generation folder named by CURRENT, or None (with the finding) when there is none."""
    pointer = health.home / gen.CURRENT
    generations = sorted(p.name for p in health.home.glob("gen-*") if p.is_dir()) if health.home.is_dir() else []
    if not pointer.exists():
        if generations:
            health.bad(gen.CURRENT, f"缺少 CURRENT 文件，但有 {', '.join(generations)}：不知道哪一代是当前索引",
                       f"CURRENT is missing but {', '.join(generations)} exist: no generation is live")
        else:
            health.empty = True
        return None
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except READ_ERRORS as exc:
        health.bad(gen.CURRENT, f"CURRENT 读不出来（{exc}）", f"CURRENT cannot be read ({exc})")
        return None
    folder = health.home / name
    if not name or not name.startswith("gen-") or not folder.is_dir():
        health.bad(gen.CURRENT, f"CURRENT 指向的 {name or '（空）'} 不存在", f"CURRENT names {name!r}, which does not exist")
        return None
    health.good(gen.CURRENT, f"CURRENT → {name}", f"CURRENT -> {name}")
    return folder


def _manifest(health: Health, folder: Path) -> dict | None:
    where = f"{folder.name}/manifest.json"
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("dim"), int):
            raise ValueError("not a fanwen manifest")
        if "segments" in manifest and not all(isinstance(e, dict) and "name" in e for e in manifest["segments"]):
            raise ValueError("its list of segments is malformed")
    except READ_ERRORS as exc:
        health.bad(where, f"{where} 读不出来或不完整（{exc}）", f"{where} cannot be read or is incomplete ({exc})")
        return None
    count = len(manifest.get("segments", [None]))
    health.good(where, f"{where}：模型 {manifest.get('model')}，{count} 个分段",
                f"{where}: model {manifest.get('model')}, {count} segment(s)")
    if embedded_text_of(manifest) != EMBEDDED_TEXT:
        health.good(where, "向量是按旧方式（标题路径加正文）生成的，仍可正常使用；"
                           "运行 fanwen index --rebuild 重建后，按语义检索更准",
                    "vectors embed the heading path with the text (the older way); they work, and "
                    "'fanwen index --rebuild' re-embeds the text alone, which retrieves better")
    return manifest


def _segment_list(home: Path, folder: Path, manifest: dict) -> list[tuple[Path, dict]]:
    if "segments" not in manifest:  # written before segments: the generation folder is its one segment
        return [(folder, {"name": folder.name, "dead_docs": [], "dead_chunks": []})]
    return [(home / seg.FOLDER / entry["name"], entry) for entry in manifest["segments"]]


def _check_segment(health: Health, folder: Path, entry: dict) -> None:
    """meta.sqlite, both vector files, the BM25 postings and the dedup keys of one segment, read back."""
    where = folder.relative_to(health.home).as_posix()
    if not folder.is_dir():
        health.bad(where, f"分段 {where} 不存在", f"segment {where} is missing")
        return
    before = len(health.problems)
    chunks = _read(health, f"{where}/meta.sqlite", lambda: _metadata(folder / "meta.sqlite"))
    for name in ("vectors.faiss", "heads.faiss"):
        store = _read(health, f"{where}/{name}", lambda: VectorStore.load(folder / name))
        if store is not None and chunks is not None and store.count() not in ((len(chunks), 0) if name == "heads.faiss"
                                                                            else (len(chunks),)):
            health.bad(f"{where}/{name}", f"{where}/{name} 有 {store.count()} 个向量，元数据里有 {len(chunks)} 段",
                       f"{where}/{name} holds {store.count()} vectors for {len(chunks)} chunks")
    _read(health, f"{where}/bm25", lambda: _bm25(folder / "bm25"))
    if chunks is not None and (folder / COLUMNS_FILE).exists():
        _read(health, f"{where}/{COLUMNS_FILE}", lambda: _columns(folder / COLUMNS_FILE, chunks))
    if (folder / seg.DEDUP_FILE).exists():
        _read(health, f"{where}/{seg.DEDUP_FILE}", lambda: _dedup(folder / seg.DEDUP_FILE))
    if len(health.problems) == before and chunks is not None:
        docs = {c.doc for c in chunks.values()} - set(entry.get("dead_docs", []))
        live = len(set(chunks) - set(entry.get("dead_chunks", [])))
        health.documents, health.chunks = health.documents + len(docs), health.chunks + live
        health.good(where, f"{where}：{len(docs)} 份文档、{live} 段，文件完好",
                    f"{where}: {len(docs)} document(s), {live} chunk(s), files sound")


def _read(health: Health, where: str, read):
    """read(), or None with a finding naming the file when it fails."""
    try:
        return read()
    except READ_ERRORS as exc:
        if isinstance(exc, RuntimeError):  # faiss: "Error in void faiss::read_xb_vector(…) at index_read.cpp…"
            zh, en = "FAISS 读不出来：文件被截断或内容不对", "FAISS cannot read it: truncated or not a FAISS file"
        else:
            zh = en = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        health.bad(where, f"{where} 已损坏或缺失（{zh}）", f"{where} is damaged or missing ({en})")
        return None


def _metadata(path: Path) -> dict:
    if not path.is_file():
        raise OSError("文件不存在 (missing)")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    if verdict != "ok":
        raise sqlite3.DatabaseError(verdict)
    return seg.read_metadata(path)[1]


def _bm25(folder: Path) -> BM25Index:
    index = BM25Index.load(folder, str.split)
    if not index.lengths_agree():
        raise ValueError("the words per chunk disagree with the term counts")
    return index


def _columns(path: Path, chunks: dict) -> None:
    """The chunk columns opening reads must be those of the chunks in meta.sqlite."""
    expected, stored = columns_of(list(chunks.values())), npz.read_arrays(path)
    for name, column in expected.items():
        if name not in stored or not np.array_equal(stored[name], column):
            raise ValueError(f"{name} disagrees with meta.sqlite")


def _dedup(path: Path) -> int:
    with np.load(path, allow_pickle=False) as arrays:
        keys, ids = arrays["keys"], arrays["ids"]
        grams = [arrays[name] for name in chunk_keys.NAMES if name in arrays.files]
    if len(keys) != len(ids):
        raise ValueError("keys and ids differ in length")
    if grams and (len(grams) != 4 or len(grams[2]) != len(grams[0]) + 1 or int(grams[2][-1]) != len(grams[3])):
        raise ValueError("the chunks' shingle keys are inconsistent")
    return len(keys)
