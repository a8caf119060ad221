"""A PDF's footnotes: the note block above each page mark, and the note numbers left glued to the text."""
from __future__ import annotations

import re
from typing import Callable

# "1 “第一议题”制度，指…" (the readers drop the space: 1“第一议题”…), [1] as some converters print it; a figure
# such as 10日。 opening a note's wrapped line also matches, and counts as a note only when it is the next number
_NOTE = re.compile(r"^(?:(\d{1,2})|\[(\d{1,2})\])\s*(?=[^\d\s.．、,，:：%])")
_TERM_END = re.compile(r"，指|是指|[，,：:。（(]")
NOTE_LINES = 3  # a note wraps onto at most this many lines (a block of n notes spans at most 3n lines)
TERM_MAX = 20  # what a note explains is a name, not a sentence


def note_number(line: str) -> int | None:
    match = _NOTE.match(line)
    return int(match.group(1) or match.group(2)) if match else None


def note_term(line: str) -> str:
    """What a note explains: its text up to 指 or the first comma (“四强”党支部，指… → “四强”党支部)."""
    text = _NOTE.sub("", line, count=1)
    end = _TERM_END.search(text)
    term = text[:end.start()] if end else ""
    return term if 2 <= len(term) <= TERM_MAX else ""


def marker_cut(body: str, number: int, term: str) -> tuple[int, int] | None:
    """Where the note number sits glued inside or after its term in the text (“第一议题”1制度, 党支部4。)."""
    digits = str(number)
    for k in range(len(term), 1, -1):
        if term[k - 1].isdigit():
            continue
        after = re.escape(term[k:k + 1]) if k < len(term) else r"(?![\d.%])"
        found = re.search(re.escape(term[:k]) + digits + after, body)
        if found:
            return found.start() + k, found.start() + k + len(digits)
    return None


def note_blocks(lines: list[str], is_page_mark: Callable[[str], bool]) -> tuple[list[int], dict[int, str]]:
    """Positions of the footnote blocks (the numbered notes and their wrapped lines right above a page mark
    or at the end of the text) and each note's term. A block counts only when one of its notes' numbers is
    found glued to that note's term in the text above it: a list item that happens to open a line with a
    number stays."""
    openers = [i for i, line in enumerate(lines) if note_number(line) is not None]
    if not openers:
        return [], {}
    # page marks are looked for only just below a line that opens like a note: most texts have none
    near = sorted({j for i in openers for j in range(i + 1, min(i + 1 + 4 * NOTE_LINES, len(lines)))})
    ends = [i for i in near if is_page_mark(lines[i])] + [len(lines)]
    drop: list[int] = []
    notes: dict[int, str] = {}
    for end in ends:
        start = _block_start(lines, end)
        if start is None:
            continue
        found = {note_number(lines[i]): note_term(lines[i]) for i in _note_heads(lines, start, end)}
        above = "".join(lines[max(0, start - 200):start])
        if any(term and marker_cut(above, n, term) for n, term in found.items()):
            drop += range(start, end)
            notes.update({n: term for n, term in found.items() if term})
    return drop, notes


def _block_start(lines: list[str], end: int) -> int | None:
    """The first line of the longest run above `end` that opens with a note and numbers its notes n, n+1…,
    with at most NOTE_LINES lines a note."""
    best = None
    for start in range(end - 1, max(-1, end - 1 - 4 * NOTE_LINES), -1):
        if note_number(lines[start]) is not None and end - start <= NOTE_LINES * len(_note_heads(lines, start, end)):
            best = start
    return best


def _note_heads(lines: list[str], start: int, end: int) -> list[int]:
    """Positions of the lines that open a note: the first, then each whose number is the next one."""
    heads, expected = [start], note_number(lines[start]) + 1
    for i in range(start + 1, end):
        if note_number(lines[i]) == expected:
            heads.append(i)
            expected += 1
    return heads


def cut_markers(line: str, notes: dict[int, str]) -> tuple[str, list[str]]:
    """The line without the note numbers glued to the notes' terms; the numbers cut, for the report.
    A note's number is cut once, where it first appears, and leaves `notes`: the term said again later
    with a figure after it (主题党日3次) keeps its figure."""
    cut = []
    for number, term in list(notes.items()):
        span = marker_cut(line, number, term)
        if span:
            line = line[:span[0]] + line[span[1]:]
            cut.append(str(number))
            del notes[number]
    return line, cut


def cut_all_markers(lines: list[str], notes: dict[int, str]) -> tuple[list[str], list[str]]:
    """Every line without its glued note numbers; the numbers cut."""
    left, cut = dict(notes), []
    kept = []
    for line in lines:
        line, numbers = cut_markers(line, left)
        kept.append(line)
        cut += numbers
    return kept, cut
