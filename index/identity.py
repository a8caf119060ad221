"""Which document a file is: stable ids that never let one report silently replace another, and distinct names."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fanwen.index.errors import NotFound
from fanwen.index.records import Document

NEW, UNCHANGED, REPLACE, SAME_CONTENT = "new", "unchanged", "replace", "same_content"


@dataclass(frozen=True)
class Placement:
    """Where a parsed file goes: `doc_id` and what happens there."""

    doc_id: str
    action: str  # NEW, UNCHANGED, REPLACE or SAME_CONTENT (already held under `doc_id`)


def _resolved(path: str) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return path


def same_file(left: str, right: str) -> bool:
    return _resolved(left) == _resolved(right)


class Catalog:
    """The documents held, looked up by resolved source path and by content hash, so placing each file of a
    large folder costs one lookup instead of a pass (and a realpath call) over every document."""

    def __init__(self, docs: dict[str, Document]):
        self.docs: dict[str, Document] = {}
        self._by_path: dict[str, str] = {}
        self._by_sha: dict[str, str] = {}
        for doc in docs.values():
            self.add(doc)

    def add(self, doc: Document) -> None:
        """Hold `doc`, replacing a document with its id."""
        old = self.docs.pop(doc.id, None)
        if old is not None:
            self._by_path.pop(_resolved(old.path), None)
            if self._by_sha.get(old.sha256) == old.id:
                del self._by_sha[old.sha256]
                twin = next((d.id for d in self.docs.values() if d.sha256 == old.sha256), None)
                if twin is not None:
                    self._by_sha[old.sha256] = twin
        self.docs[doc.id] = doc
        self._by_path.setdefault(_resolved(doc.path), doc.id)
        self._by_sha.setdefault(doc.sha256, doc.id)

    def place(self, proposed: str, path: str, sha256: str, replace: str | None = None) -> Placement:
        """A file that was indexed from the same place is the same document (re-read, replaced when changed).
        Identical content already held elsewhere is not added twice. Anything else is a new document whose id
        is the proposed one, suffixed when taken: never a silent replacement. `replace` names a document the
        user explicitly asked to replace."""
        if replace is not None:
            old = self.docs.get(replace)
            return Placement(replace, UNCHANGED if old is not None and old.sha256 == sha256 else REPLACE)
        same = self._by_path.get(_resolved(path))
        if same is not None:
            return Placement(same, UNCHANGED if self.docs[same].sha256 == sha256 else REPLACE)
        if sha256 in self._by_sha:
            return Placement(self._by_sha[sha256], SAME_CONTENT)
        return Placement(unique_id(proposed, self.docs), NEW)


def place(proposed: str, path: str, sha256: str, docs: dict[str, Document], replace: str | None = None) -> Placement:
    """Catalog.place over `docs` (one file)."""
    return Catalog(docs).place(proposed, path, sha256, replace)


def unique_id(base: str, taken) -> str:
    """`base`, or `base-2`, `base-3`… when a different document already has it."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def display_names(docs: dict[str, Document]) -> dict[str, str]:
    """The title where it is unique; otherwise the title with the file name (or id) that tells them apart."""
    by_title: dict[str, list[Document]] = {}
    for doc in docs.values():
        by_title.setdefault(doc.title or doc.id, []).append(doc)
    names = {}
    for title, group in by_title.items():
        if len(group) == 1:
            names[group[0].id] = title
            continue
        stems = [Path(doc.path).stem.strip() for doc in group]
        distinct = len(set(stems)) == len(stems)
        for doc, stem in zip(group, stems):
            names[doc.id] = f"{title}（{stem if distinct and stem != title else doc.id}）"
    return names


def stored_original(path: str, uploads: Path) -> Path | None:
    """The folder holding an uploaded original, when `path` lies inside the library's uploads folder."""
    try:
        resolved, root = Path(path).resolve(), uploads.resolve()
    except OSError:
        return None
    if root in resolved.parents:
        return root / resolved.relative_to(root).parts[0]
    return None


def check_removals(docs, removals: list[str], must_exist: bool) -> None:
    """A removal names a held document (checked again under the write lock: another writer may have won)."""
    for doc_id in removals:
        if must_exist and doc_id not in docs:
            raise unknown_document(doc_id)


def unknown_document(doc_id: str) -> NotFound:
    """The one message for a document id the library does not hold."""
    return NotFound(f"unknown document {doc_id!r}: see 'fanwen docs' for the ids",
                    zh=f"范文库里没有文档“{doc_id}”：用 fanwen docs 查看文档编号")
