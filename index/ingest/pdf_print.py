"""A PDF page's printed lines with their type size and where each starts: page furniture told by its size (notes
set small at a page's foot, the raised note numbers after the terms they explain, a running header set small at
the head of pages) goes, and an indented line opens a paragraph."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import takewhile
from dataclasses import dataclass, field

NOTE_SIZE = 0.85  # a note's text is set at most this share of the body's size (9 pt under 12 pt; 小五 under 四号)
MARK_SIZE = 0.75  # a raised note number is smaller still than the line it sits in
TITLE_SIZE = 1.15  # a title is set at least this share of the body's size (二号 over 三号)
INDENT = (0.8, 4.0)  # a paragraph's first line starts this many characters in from its column's margin
NARROW = 0.75  # a line this share of its column's width or less ends its paragraph
_PAGE_MARK = re.compile(r"^[\s\-—–－·第页共/0-9]+$")  # a page number below the notes, in the body's size
_NOTE_START = re.compile(r"^\s*([0-9]{1,2}|[①-⑳]|\*|［\d{1,2}］|\[\d{1,2}\]|注[：:])")


@dataclass
class PrintedLine:
    chars: list[tuple[str, float]] = field(default_factory=list)  # each character with its size (0: unknown)
    x: float | None = None  # where its first character starts
    y: float | None = None  # and its baseline (up the page)

    @property
    def text(self) -> str:
        return "".join(char for char, _ in self.chars)

    @property
    def size(self) -> float:
        sizes = Counter(round(size, 1) for char, size in self.chars if not char.isspace())
        return sizes.most_common(1)[0][0] if sizes else 0.0


Piece = tuple[str, float, "float | None", "float | None"]  # text, size, x, y as pypdf's visitor reports them
MIN_LINES = 8  # a page this long before its order is judged


def _turned(matrix) -> bool:
    """Whether a transformation turns text off the horizontal (by more than about 6 degrees)."""
    return abs(matrix[1]) > 0.1 * abs(matrix[0]) or abs(matrix[2]) > 0.1 * abs(matrix[3])


def _same_baseline(lines) -> list[PrintedLine]:
    """Lines pypdf broke where pieces of one printed line stand apart (a contents entry, its dot leader and its page
    number drawn separately) joined again: same baseline, the later piece to the right."""
    joined: list[PrintedLine] = []
    for line in lines:
        last = joined[-1] if joined else None
        if last is not None and None not in (last.y, line.y, last.x, line.x) and line.x > last.x \
                and abs(line.y - last.y) <= 0.3 * max(last.size, 1.0):
            last.chars.extend(line.chars)
        else:
            joined.append(line)
    return joined


def out_of_order(lines: list[PrintedLine]) -> bool:
    """Whether pypdf's lines are not the page's: most of them a single character, or the lines climbing the page
    far more often than a new column or a footer would make them."""
    if len(lines) < MIN_LINES:
        return False
    if sum(len(line.text.strip()) == 1 for line in lines) > len(lines) / 2:
        return True
    placed = [line.y for line in lines if line.y is not None]
    climbs = sum(later > earlier + 1 for earlier, later in zip(placed, placed[1:]))
    return climbs > 0.3 * max(len(placed) - 1, 1)


def by_position(pieces: list[Piece]) -> list[PrintedLine]:
    """Lines rebuilt from where each piece of text stands: pieces whose baselines are within half a character
    of each other make a line, read left to right; lines top down."""
    placed = sorted(((text.replace("\n", ""), size, x, y) for text, size, x, y in pieces
                     if x is not None and y is not None and text.strip()), key=lambda piece: -piece[3])
    rows: list[list[Piece]] = []
    for piece in placed:
        if rows and rows[-1][0][3] - piece[3] <= 0.5 * max(piece[1], rows[-1][0][1], 1.0):
            rows[-1].append(piece)
        else:
            rows.append([piece])
    lines = []
    for row in rows:
        row.sort(key=lambda piece: piece[2])
        lines.append(PrintedLine([(char, size) for text, size, _, _ in row for char in text], row[0][2], row[0][3]))
    return lines


def page_lines(page) -> tuple[list[PrintedLine], str, list[str]]:
    """The page's printed lines, its plain text and the text set aslant (left out): in pypdf's reading order, or
    top down by where each piece of text stands when that order is not the page's (a typesetter placing each
    character on its own, a stream drawn from the foot up)."""
    pieces: list[Piece] = []

    turned: list[bool] = []

    def visit(piece, cm, tm, font, size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        pieces.append((piece, abs(size * (tm[3] or 1) * (cm[3] or 1)), x, y))
        turned.append(_turned(tm) or _turned(cm))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(piece[0] for piece in pieces) != text:  # sizes and places that do not add up: none at all
        pieces, turned = [(text, 0.0, None, None)], [False]
    lines = [PrintedLine()]
    for (piece, size, x, y), aslant in zip(pieces, turned):
        for char in piece:
            if char == "\n":
                lines.append(PrintedLine())
                continue
            if aslant:  # a watermark set across the page, a seal's name set round its ring: no line of the text
                continue
            if lines[-1].x is None and not char.isspace():
                lines[-1].x, lines[-1].y = x, y
            lines[-1].chars.append((char, size))
    lines = _same_baseline(line for line in lines if line.text.strip())
    if out_of_order(lines):
        lines = by_position([piece for piece, aslant in zip(pieces, turned) if not aslant])
        text = "\n".join(line.text for line in lines)
    aside = "".join(piece[0] for piece, aslant in zip(pieces, turned) if aslant).split()
    return lines, text, [" ".join(aside)] if aside else []


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
        placed = [(line, _margin_of(line, edges)) for line in page]
        reach: dict[float | None, list[float]] = {}
        for line, margin in placed:
            if line.x is not None:
                reach.setdefault(margin, []).append(line.x + _extent(line) - (margin or 0.0))
        width = {margin: sorted(values)[len(values) // 2] for margin, values in reach.items()}
        flags = []
        for line, margin in placed:
            offset = (line.x - margin) / body if margin is not None and line.x is not None else 0.0
            short = line.x is not None and line.x + _extent(line) - (margin or 0.0) < NARROW * width[margin]
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
