"""From a file on disk to cleaned, outlined, chunked text ready to embed."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from fanwen.index.ingest.chunking import ChunkParams, Piece, chunk_outline
from fanwen.index.ingest.clean import load_patterns, normalize_line, strip_boilerplate
from fanwen.index.errors import UnreadableFile
from fanwen.index.ingest.readers import read_document
from fanwen.index.ingest.structure import build_outline


@dataclass
class ParsedDocument:
    """One report after cleaning and chunking, before ids and vectors."""

    doc_id: str
    title: str
    path: str
    format: str
    sha256: str
    text: str
    pieces: list[Piece]
    removed_lines: list[str] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def doc_id_for(path: Path) -> str:
    """Documents are named by their file stem: readable in URLs, CLI flags and citations."""
    return Path(path).stem.strip() or "document"


def parse_file(path: Path, params: ChunkParams = ChunkParams(), doc_id: str | None = None) -> ParsedDocument:
    """Read, clean, outline and chunk one file; raises UnreadableFile/UnsupportedFormat on bad input."""
    path = Path(path)
    raw = read_document(path)
    lines, levels = [], []
    for block in raw.blocks:
        text = normalize_line(block.text)
        if text:
            lines.append(text)
            levels.append(block.level)
    cleaned = strip_boilerplate(lines, load_patterns())
    levels = _levels_after_cleaning(lines, levels, cleaned.lines)
    outline = build_outline(cleaned.lines, levels, fallback_title=doc_id_for(path))
    pieces = chunk_outline(outline, params)
    if not pieces:
        raise UnreadableFile(f"{path.name}: no report text left after removing boilerplate")
    return ParsedDocument(doc_id or doc_id_for(path), outline.title, str(path), raw.format,
                          file_sha256(path), outline.text, pieces, cleaned.removed)


def _levels_after_cleaning(lines: list[str], levels: list[int | None], kept: list[str]) -> list[int | None]:
    """Carry style levels over to the lines that survived cleaning (kept lines stay in order)."""
    result, position = [], 0
    for line in kept:
        while position < len(lines) and not _same_or_cut(lines[position], line):
            position += 1
        result.append(levels[position] if position < len(lines) else None)
        position += 1
    return result


def _same_or_cut(original: str, kept: str) -> bool:
    return original == kept or (len(kept) < len(original) and kept[:10] in original)
