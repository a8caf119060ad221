"""A PDF page's printed lines as pypdf's text visitor reports each piece: its size and where it stands. Lines come
in pypdf's reading order, or top down by position when that order is not the page's; pieces of one printed line
are one line, and text set aslant (a watermark, a seal) is set aside."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

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
