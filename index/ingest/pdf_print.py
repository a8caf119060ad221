"""A PDF page's printed lines with their type size and where each starts: page furniture told by its size (notes
set small at a page's foot, the raised note numbers after the terms they explain, a running header set small at
the head of pages) goes, and an indented line opens a paragraph."""
from __future__ import annotations

import re
from collections import Counter
from itertools import takewhile
from dataclasses import dataclass, field

NOTE_SIZE = 0.85  # a note's text is set at most this share of the body's size (9 pt under 12 pt; 小五 under 四号)
MARK_SIZE = 0.75  # a raised note number is smaller still than the line it sits in
TITLE_SIZE = 1.15  # a title is set at least this share of the body's size (二号 over 三号)
INDENT = (0.8, 4.0)  # a paragraph's first line starts this many characters in from its column's margin
_PAGE_MARK = re.compile(r"^[\s\-—–－·第页共/0-9]+$")  # a page number below the notes, in the body's size
_NOTE_START = re.compile(r"^\s*([0-9]{1,2}|[①-⑳]|\*|［\d{1,2}］|\[\d{1,2}\]|注[：:])")


@dataclass
class PrintedLine:
    chars: list[tuple[str, float]] = field(default_factory=list)  # each character with its size (0: unknown)
    x: float | None = None  # where its first character starts

    @property
    def text(self) -> str:
        return "".join(char for char, _ in self.chars)

    @property
    def size(self) -> float:
        sizes = Counter(round(size, 1) for char, size in self.chars if not char.isspace())
        return sizes.most_common(1)[0][0] if sizes else 0.0


def page_lines(page) -> tuple[list[PrintedLine], str]:
    """The page's printed lines (pypdf's reading order) and its plain text."""
    pieces: list[tuple[str, float, float]] = []

    def visit(piece, cm, tm, font, size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        pieces.append((piece, abs(size * (tm[3] or 1) * (cm[3] or 1)), x))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(piece for piece, _, _ in pieces) != text:  # sizes and places that do not add up: none at all
        pieces = [(text, 0.0, None)]
    lines = [PrintedLine()]
    for piece, size, x in pieces:
        for char in piece:
            if char == "\n":
                lines.append(PrintedLine())
                continue
            if lines[-1].x is None and not char.isspace():
                lines[-1].x = x
            lines[-1].chars.append((char, size))
    return [line for line in lines if line.text.strip()], text


def body_size(pages: list[list[PrintedLine]]) -> float:
    """The size most characters are set in."""
    sizes = Counter(round(size, 1) for page in pages for line in page for _, size in line.chars if size)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _note_start(page: list[PrintedLine], body: float) -> int:
    """Where the page's trailing notes begin (len(page) when it has none): the lines after its last line in the
    body's size, set small, the first of them opening with a note's number."""
    last_body = max((i for i, line in enumerate(page) if line.size > NOTE_SIZE * body
                     and not _PAGE_MARK.match(line.text)), default=-1)
    if last_body + 1 >= len(page) or not _NOTE_START.match(page[last_body + 1].text):
        return len(page)
    return last_body + 1


def _raises_marks(line: PrintedLine) -> bool:
    """Whether a note number is set small in the line."""
    size = line.size
    return any(_is_mark(char) and 0 < char_size < MARK_SIZE * size for char, char_size in line.chars)


def _is_mark(char: str) -> bool:
    return char.isdigit() or "①" <= char <= "⑳"


def _small_head(page: list[PrintedLine], body: float) -> list[str]:
    """The page's first lines set small (at most two), digits dropped (a page number in a header changes)."""
    heads = []
    for line in page[:min(2, len(page) - 1)]:
        if not 0 < line.size <= NOTE_SIZE * body:
            break
        heads.append(re.sub(r"\d+", "", line.text.strip()))
    return heads


def _header_ends(pages: list[list[PrintedLine]], body: float) -> list[int]:
    """How many lines at each page's head are a running header: set small, and heading two pages or more the
    same way (a table set small that runs on over a page break is not one). The first page's head holds the
    title, but a header repeated there goes too."""
    heads = [_small_head(page, body) for page in pages]
    seen = Counter(text for head in heads for text in set(head))
    return [len(list(takewhile(lambda text: seen[text] >= 2, head))) for head in heads]


def _without_marks(line: PrintedLine) -> str:
    """The line's text without the note numbers raised in it."""
    size = line.size
    return "".join(char for char, char_size in line.chars
                   if not _is_mark(char) or not char_size or char_size >= MARK_SIZE * size)


def margins(pages: list[list[PrintedLine]], body: float) -> list[float]:
    """Where lines start in at least three places of the document (each column has its own margin); the first
    lines of many paragraphs share their indent too, but that is no margin."""
    starts = Counter(round(line.x) for page in pages for line in page if line.x is not None)
    found: list[float] = []
    for x in sorted(x for x, count in starts.items() if count >= 3):
        if not any(INDENT[0] * body <= x - margin <= INDENT[1] * body for margin in found):
            found.append(x)
    return found


def indented(page: list[PrintedLine], body: float, margins: list[float]) -> list[bool]:
    """Whether each line starts a little in from the margin left of it: a paragraph's first line."""
    flags = []
    for line in page:
        margin = max((m for m in margins if line.x is not None and m <= line.x + 0.5), default=None)
        offset = (line.x - margin) / body if margin is not None and body else 0.0
        flags.append(INDENT[0] <= offset <= INDENT[1])
    return flags


def read_pages(pages: list[list[PrintedLine]]) -> tuple[list[tuple[str, bool, bool]], list[str]]:
    """(text, opens a paragraph, closes one) for each line of the body, and the running headers' and notes' lines
    left out. A line set large (a title, over two lines read as one) stands alone. Note numbers in the text go
    only when notes were found, so a small digit elsewhere stays."""
    body = body_size(pages)
    if not body:
        return [(line.text, False, False) for page in pages for line in page], []
    # notes only where the text raises note numbers: a table set small at a page's foot is no block of notes
    starts = [_note_start(page, body) if any(map(_raises_marks, page)) else len(page) for page in pages]
    heads = _header_ends(pages, body)
    notes = [line.text for page, start in zip(pages, starts) for line in page[start:]]
    read = _without_marks if notes else (lambda line: line.text)
    headers = [line.text for page, head in zip(pages, heads) for line in page[:head]]
    edges = margins(pages, body)
    kept: list[tuple[str, bool, bool]] = []
    for page, head, start in zip(pages, heads, starts):
        large = False
        for line, flag in list(zip(page, indented(page, body, edges)))[head:start]:
            if large and line.size >= TITLE_SIZE * body:
                kept[-1] = (kept[-1][0] + read(line), True, True)
                continue
            large = line.size >= TITLE_SIZE * body
            kept.append((read(line), flag or large, large))
    return kept, headers + notes
