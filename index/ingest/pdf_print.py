"""A PDF's page furniture told by type size and place (notes set small at a page's foot with the raised note numbers
in the text, a running header set small at the head of pages), and where its paragraphs open and close (an indent
from a column's margin; a line short of its column's width; a title set large)."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import takewhile

from fanwen.index.ingest.pdf_lines import PrintedLine

NOTE_SIZE = 0.85  # a note's text is set at most this share of the body's size (9 pt under 12 pt; 小五 under 四号)
MARK_SIZE = 0.75  # a raised note number is smaller still than the line it sits in
TITLE_SIZE = 1.15  # a title is set at least this share of the body's size (二号 over 三号)
INDENT = (0.8, 4.0)  # a paragraph's first line starts this many characters in from its column's margin
NARROW = 0.75  # a line this share of its column's width or less ends its paragraph (pdf.rejoin too)
_PAGE_MARK = re.compile(r"^[\s\-—–－·第页共/0-9]+$")  # a page number below the notes, in the body's size
_NOTE_START = re.compile(r"^\s*([0-9]{1,2}|[①-⑳]|\*|［\d{1,2}］|\[\d{1,2}\]|注[：:])")


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
    return any(_raised(char, char_size, size) for char, char_size in line.chars)


def _raised(char: str, char_size: float, line_size: float) -> bool:
    """A note number set smaller still than the line it sits in."""
    return (char.isdigit() or "①" <= char <= "⑳") and 0 < char_size < MARK_SIZE * line_size


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
    return "".join(char for char, char_size in line.chars if not _raised(char, char_size, size))


def margins(pages: list[list[PrintedLine]], body: float) -> list[float]:
    """Where lines start in at least three places of the document (each column has its own margin); the first
    lines of many paragraphs share their indent too, but that is no margin (the margin, starting more lines,
    is taken first)."""
    starts = Counter(round(line.x) for page in pages for line in page if line.x is not None)
    found: list[float] = []
    for x, count in starts.most_common():  # a column's margin starts more lines than its paragraphs' indent
        if count >= 3 and not any(INDENT[0] * body <= x - margin <= INDENT[1] * body for margin in found):
            found.append(x)
    return sorted(found)


def _margin_of(line: PrintedLine, margins: list[float]) -> float | None:
    return max((m for m in margins if line.x is not None and m <= line.x + 0.5), default=None)


def _extent(line: PrintedLine) -> float:
    """How far the line reaches from where it starts: Chinese characters and full-width marks a full size wide."""
    return sum(size * (1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.5) for char, size in line.chars)


def line_marks(pages: list[list[PrintedLine]], body: float) -> list[list[tuple[bool, bool]]]:
    """For each line: whether it starts a little in from the margin left of it (a paragraph's first line), and
    whether it is clearly narrower than its column (a paragraph's last line, or a line standing alone). Each
    column has its own margin, and on each page its own width: what most of its lines reach (a page may open
    across the whole width and go on in two columns from the same left margin)."""
    edges = margins(pages, body)
    marks = []
    for page in pages:
        # each line's margin, and how far it reaches from that margin (None: where it stands is unknown)
        placed = [(line, margin := _margin_of(line, edges),
                   None if line.x is None else line.x + _extent(line) - (margin or 0.0)) for line in page]
        reaches: dict[float | None, list[float]] = {}
        for _, margin, reach in placed:
            if reach is not None:
                reaches.setdefault(margin, []).append(reach)
        width = {margin: sorted(values)[len(values) // 2] for margin, values in reaches.items()}
        flags = []
        for line, margin, reach in placed:
            offset = (line.x - margin) / body if margin is not None and line.x is not None else 0.0
            short = reach is not None and reach < NARROW * width[margin]
            flags.append((INDENT[0] <= offset <= INDENT[1], short))
        marks.append(flags)
    return marks


def read_pages(pages: list[list[PrintedLine]]) -> tuple[list[tuple[str, bool, bool, bool]], list[str]]:
    """(text, opens a paragraph, stands alone, stops short) for each line of the body, and the running headers'
    and notes' lines left out. A line set large (a title, over two lines read as one) stands alone. Note numbers
    in the text go only when notes were found, so a small digit elsewhere stays."""
    body = body_size(pages)
    if not body:
        return [(line.text, False, False, False) for page in pages for line in page], []
    # notes only where the text raises note numbers: a table set small at a page's foot is no block of notes
    starts = [_note_start(page, body) if any(map(_raises_marks, page)) else len(page) for page in pages]
    heads = _header_ends(pages, body)
    notes = [line.text for page, start in zip(pages, starts) for line in page[start:]]
    read = _without_marks if notes else (lambda line: line.text)
    headers = [line.text for page, head in zip(pages, heads) for line in page[:head]]
    kept: list[tuple[str, bool, bool, bool]] = []
    for page, head, start, marks in zip(pages, heads, starts, line_marks(pages, body)):
        large = False
        for line, (indent, short) in list(zip(page, marks))[head:start]:
            if large and line.size >= TITLE_SIZE * body:
                kept[-1] = (kept[-1][0] + read(line), True, True, True)
                continue
            large = line.size >= TITLE_SIZE * body
            kept.append((read(line), indent or large, large, short or large))
    return kept, headers + notes
