"""Which document a file is: stable ids that never let one report silently replace another, and distinct names."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fanwen.index.records import Document

NEW, UNCHANGED, REPLACE, SAME_CONTENT = "new", "unchanged", "replace", "same_content"


@dataclass(frozen=True)
class Placement:
    """Where a parsed file goes: `doc_id` and what happens there."""

    doc_id: str
    action: str  # NEW, UNCHANGED, REPLACE or SAME_CONTENT (already held under `doc_id`)


def same_file(left: str, right: str) -> bool:
    try:
        return os.path.realpath(left) == os.path.realpath(right)
    except (OSError, ValueError):
        return left == right


def place(proposed: str, path: str, sha256: str, docs: dict[str, Document], replace: str | None = None) -> Placement:
    """A file that was indexed from the same place is the same document (re-read, replaced when changed).
    Identical content already held elsewhere is not added twice. Anything else is a new document whose id is
    the proposed one, suffixed when taken: never a silent replacement. `replace` names a document the user
    explicitly asked to replace."""
    if replace is not None:
        old = docs.get(replace)
        return Placement(replace, UNCHANGED if old is not None and old.sha256 == sha256 else REPLACE)
    for doc in docs.values():
        if same_file(doc.path, path):
            return Placement(doc.id, UNCHANGED if doc.sha256 == sha256 else REPLACE)
    for doc in docs.values():
        if doc.sha256 == sha256:
            return Placement(doc.id, SAME_CONTENT)
    return Placement(unique_id(proposed, docs), NEW)


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
