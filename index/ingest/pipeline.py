"""From a file on disk to cleaned, outlined, chunked text ready to embed."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from fanwen.index.ingest.bullets import join_bullet_groups
from fanwen.index.ingest.chunking import ChunkParams, Piece, chunk_outline
from fanwen.index.ingest.glued import unglue
from fanwen.index.ingest import fields, footnotes, forum, layout, messages, noise, roles, surroundings
from fanwen.index.ingest.clean import Rules, is_boilerplate, load_rules, normalize_line, strip_boilerplate
from fanwen.index.errors import UnreadableFile
from fanwen.index.ingest.limits import ReadLimits
from fanwen.index.ingest.readers import read_document
from fanwen.index.ingest.role_text import tag_from_text
from fanwen.index.ingest.structure import build_outline, looks_like_title, names_type


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


def parse_file(path: Path, params: ChunkParams = ChunkParams(), doc_id: str | None = None,
               limits: ReadLimits | None = None, name: str | None = None) -> ParsedDocument:
    """Read, clean, outline and chunk one file; raises UnreadableFile/UnsupportedFormat on bad input.
    `limits` caps what the file may inflate to; `name` is what messages call it (default: its file name)."""
    path = Path(path)
    raw = read_document(path, name, limits)
    lines, levels = [], []
    for block in raw.blocks:
        text = normalize_line(block.text)
        if text:
            lines.append(text)
            levels.append(block.level)
    lines, levels, removed = tidy_lines(lines, levels, load_rules())
    removed = raw.dropped + removed
    outline = build_outline(lines, levels, fallback_title=doc_id_for(path))
    pieces = tag_from_text(chunk_outline(outline, params), outline.title)
    if not pieces:
        raise UnreadableFile(f"{path.name}: no report text left after removing boilerplate",
                             zh=f"{path.name}：去掉页眉页脚等套话后没有剩下正文，请确认这是一份报告")
    return ParsedDocument(doc_id or doc_id_for(path), outline.title, str(path), raw.format,
                          file_sha256(path), outline.text, pieces, removed)


Lines = tuple[list[str], list[int | None], list[str]]


def tidy_lines(lines: list[str], levels: list[int | None], rules: Rules) -> Lines:
    """Noise that sits between lines goes first, so the paragraphs it interrupted can be re-joined."""
    lines, levels, codes = drop_field_codes(lines, levels)
    positions, notes = footnotes.note_blocks(lines, lambda line: noise.is_page_mark(line, rules))
    lines, levels, footnote_lines = drop_lines(lines, levels, positions)
    lines, levels, removed = drop_page_furniture(lines, levels, rules)
    lines, levels = layout.repair(*layout.join_table_rows(*join_bullet_groups(*unglue(lines, levels))))
    lines, markers = footnotes.cut_all_markers(lines, notes)  # after the re-join: a term may have been wrapped
    removed = codes + footnote_lines + markers + removed
    lines, levels, dropped = drop_boilerplate(lines, levels, rules)
    lines, levels, tail = drop_lines(lines, levels, surroundings.after_closing(lines, roles.CLOSING_CUE))
    lines, levels, repeats = drop_title_repeats(lines, levels)
    return lines, levels, removed + dropped + tail + repeats


def drop_field_codes(lines: list[str], levels: list[int | None]) -> Lines:
    """Word's field codes out of each line (a contents field, page numbers, bookmark names), and the lines
    that were nothing else."""
    kept, kept_levels, removed = [], [], []
    for line, level in zip(lines, levels):
        line, cut = fields.cut_fields(line)
        removed += cut
        if line:
            kept.append(line)
            kept_levels.append(level)
    return kept, kept_levels, removed


def drop_lines(lines: list[str], levels: list[int | None], positions: Iterable[int]) -> Lines:
    """The lines (and their levels) without those at `positions`, and the dropped lines, for the report."""
    drop = set(positions)
    kept = [i for i in range(len(lines)) if i not in drop]
    return [lines[i] for i in kept], [levels[i] for i in kept], [lines[i] for i in sorted(drop)]


def drop_page_furniture(lines: list[str], levels: list[int | None], rules: Rules) -> Lines:
    """Page-mark and site-chrome lines, running headers and related-article lists out; page counters and
    marks cut from inside sentences."""
    lines, levels, blocks = drop_lines(lines, levels, noise.running_headers(lines, levels) + surroundings.related_lists(lines)
                                       + surroundings.email_preamble(lines) + surroundings.notice_wrapper(lines)
                                       + messages.chat_messages(lines) + messages.margin_comments(lines)
                                       + forum.forum_posts(lines) + surroundings.ad_blocks(lines)
                                       + surroundings.preface(lines) + surroundings.previous_tail(lines) + surroundings.masthead(lines)
                                       + surroundings.appendix(lines, roles.CLOSING_CUE) + surroundings.contents(lines))
    totals, marks = noise.page_totals(lines, rules), noise.page_marks(lines)
    kept, kept_levels, removed = [], [], []
    for i, (line, level) in enumerate(zip(lines, levels)):
        # a bare number after a line ending in a digit is the tail of a number the wrap cut
        cut_number = line.isdigit() and i > 0 and lines[i - 1][-1:].isdigit()
        if level is None and not cut_number and (noise.is_page_mark(line, rules) or noise.is_chrome(line, rules)):
            removed.append(line)
            continue
        line, form = noise.form_row(line) if level is None else (line, "")
        line, marked = noise.cut_spans(line, marks.get(i, []))
        line, cut = noise.cut_page_counters(line, totals)
        line, watermarks = noise.cut_watermarks(line)
        removed.extend(([form] if form else []) + marked + cut + watermarks)
        if line.strip():
            kept.append(line.strip())
            kept_levels.append(level)
    return kept, kept_levels, blocks + removed


def drop_boilerplate(lines: list[str], levels: list[int | None], rules: Rules) -> Lines:
    """Pattern boilerplate after re-joining, so a wrapped ad line matches as a whole."""
    kept, kept_levels, removed = [], [], []
    for line, level in zip(lines, levels):
        # only a line that is to lose boilerplate is cut at contact numbers: report text stays as written
        pieces = noise.split_after_contacts(line) if is_boilerplate(line, rules.lines) else [line]
        result = strip_boilerplate(pieces, rules.lines)
        removed.extend(result.removed)
        for text in result.lines:
            kept.append(text)
            kept_levels.append(level)
    return kept, kept_levels, removed


TITLE_MAX = 60  # a title naming its document type may run this long (…述职评议会记录（根据录音整理）)


def pick_title(lines: list[str], levels: list[int | None]) -> int | None:
    """Index of the title: a styled title, else a title-like line before the first paragraph,
    preferring one that names its document type (…述职报告) over leftovers of a page header."""
    candidates = []
    for i, (line, level) in enumerate(zip(lines[:8], levels)):
        if level == 0:
            return i
        if len(line) > TITLE_MAX or "。" in line:
            break
        if looks_like_title(line) or (names_type(line) and not any(p in line for p in "；，,")):
            candidates.append(i)
    typed = [i for i in candidates if names_type(lines[i])]
    return (typed or candidates or [None])[0]


def drop_title_repeats(lines: list[str], levels: list[int | None]) -> Lines:
    """The title moves to the top as level 0; a host page or running header repeating it is noise."""
    at = pick_title(lines, levels)
    if at is None:
        return lines, levels, []
    title, parts = lines[at], {at}
    if at > 0 and _SECOND_LINE.match(title) and levels[at - 1] is None and looks_like_title(lines[at - 1]) \
            and not _FORM_NAME.match(lines[at - 1]):
        title, parts = lines[at - 1] + title, {at - 1, at}  # XX公司党委书记、董事长 / 2024年度…述职报告
    repeats = set(noise.repeated_title(lines, title)) - parts
    # above the title, a copy of it, or the name of the form that carries the report (…述职评议表)
    drop = repeats | {i for i in range(at) if noise.repeated_title([lines[i], title], title)
                      or _FORM_NAME.match(lines[i])} - parts
    kept = [i for i in range(len(lines)) if i not in drop and i not in parts]
    removed = [lines[i] for i in sorted(drop)]
    return [_DECORATION.sub("", title) or title] + [lines[i] for i in kept], [0] + [levels[i] for i in kept], removed


_FORM_NAME = re.compile(r"^.{4,60}(评议表|登记表|考核表|测评表|审批表|鉴定表)$")
# a post's emoji around its title (🌟🌟 …述职报告🌟🌟): decoration, not the title's words
_DECORATION = re.compile("^[\u2600-\u27BF\u2B50\u2B55\uFE0F\U0001F300-\U0001FAFF\\s]+"
                         "|[\u2600-\u27BF\u2B50\u2B55\uFE0F\U0001F300-\U0001FAFF\\s]+$")


# a title's second line: its year (the unit and post stand above) or a subtitle (——…述职报告, the theme above)
_SECOND_LINE = re.compile(r"^([\d〇○零一二三四五六七八九]{4}\s*年|[—－-]{1,2})")
