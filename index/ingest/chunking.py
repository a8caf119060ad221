"""Cut an outlined report into chunks: paragraphs, points (一是…), problem and cause parts."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from fanwen.index.ingest import roles
from fanwen.index.ingest.structure import Outline, Paragraph, point_starts

PLACEHOLDER = re.compile(r"(?<![A-Za-z])X+(?:月X+日)?(?![A-Za-z])")
_PIECE_END = re.compile(r"[。；！？!?]")


@dataclass(frozen=True)
class ChunkParams:
    """Chunking parameters, recorded in the index manifest."""

    max_chars: int = 400  # ≈300 e5 tokens for Chinese text, well inside the 512-token window
    point_split_min: int = 150  # shorter paragraphs stay whole even when they list points
    lead_max: int = 60  # a shorter lead-in before 一是 is an introduction, not a chunk of its own

    def to_dict(self) -> dict:
        return {"max_chars": self.max_chars, "point_split_min": self.point_split_min, "lead_max": self.lead_max}


@dataclass
class Piece:
    """A chunk before it has an id."""

    text: str
    heading_path: list[str]
    role: str
    para_index: int
    point_index: int
    start: int
    end: int
    placeholders: list[tuple[int, int]] = field(default_factory=list)
    role_confidence: float = 1.0  # 1 when a heading names the role; less when read from the text
    after_cause_cue: bool = False  # the part of a paragraph after 究其原因…: a hint for reading roles from text


def placeholders(text: str) -> list[tuple[int, int]]:
    """Spans of slots to fill: X, XX, XXX, X月X日."""
    return [m.span() for m in PLACEHOLDER.finditer(text)]


def chunk_outline(outline: Outline, params: ChunkParams = ChunkParams()) -> list[Piece]:
    pieces: list[Piece] = []
    tail = _tail_start(outline.paragraphs)
    for paragraph in outline.paragraphs:
        pieces.extend(chunk_paragraph(paragraph, params, is_last=paragraph.index >= tail or paragraph.ends_report))
    roles.carry_tags(pieces)
    return pieces


def _tail_start(paragraphs: list[Paragraph]) -> int:
    """Where the report's last two paragraphs start: the closing formula (以上述职…批评指正) and the one before
    it, even when a signature or a page's leftovers were kept after it."""
    last = len(paragraphs) - 1
    formula = next((i for i in range(last, max(last - 3, 0) - 1, -1)
                    if roles.CLOSING_CUE.search(paragraphs[i].text)), last)
    return formula - 1


def chunk_paragraph(paragraph: Paragraph, params: ChunkParams, is_last: bool = False) -> list[Piece]:
    """Split one paragraph into problem/cause parts, then points, then window-sized pieces."""
    pieces = []
    for part_start, part_end in _parts(paragraph):
        part = paragraph.text[part_start:part_end]
        role = roles.classify(paragraph.heading_path, part, is_last=is_last, is_first=paragraph.index == 0)
        if part_start > 0 and roles.path_role(paragraph.heading_path) is None:
            role = "causes"  # a hint for reading roles from the text: this part follows a cause cue
        long_paragraph = len(paragraph.text) >= params.point_split_min
        heading = paragraph.heading_path[-1] if paragraph.heading_path and part_start == 0 else ""
        for point_index, (seg_start, seg_end) in _segments(part, params, long_paragraph, heading):
            for lo, hi in split_long(part[seg_start:seg_end], params.max_chars):
                begin, end = part_start + seg_start + lo, part_start + seg_start + hi
                text = paragraph.text[begin:end]
                stripped = len(text) - len(text.lstrip())
                text = text.strip()
                if not text:
                    continue
                begin += stripped
                pieces.append(Piece(text, list(paragraph.heading_path), role, paragraph.index, point_index,
                                    paragraph.start + begin, paragraph.start + begin + len(text),
                                    placeholders(text), after_cause_cue=part_start > 0))
    return pieces


def _parts(paragraph: Paragraph) -> list[tuple[int, int]]:
    # without a role-naming heading the text may still turn from problems to causes
    if roles.path_role(paragraph.heading_path) not in ("problems", None):
        return [(0, len(paragraph.text))]
    cut = roles.cause_split(paragraph.text)
    if cut is None:
        return [(0, len(paragraph.text))]
    return [(0, cut), (cut, len(paragraph.text))]


def _segments(text: str, params: ChunkParams, long_paragraph: bool,
              heading: str = "") -> list[tuple[int, tuple[int, int]]]:
    """(point_index, span) of each point; the whole text as point -1 when it is not split."""
    starts = [pos for pos, _ in point_starts(text)]
    if len(starts) < 2 or not long_paragraph:
        return [(-1, (0, len(text)))]
    bounds = starts + [len(text)]
    segments = [(i, (bounds[i], bounds[i + 1])) for i in range(len(starts))]
    lead = text[:starts[0]]
    announcement = _after_heading(lead, heading)
    own = lead[announcement:]  # what the text before the first point says besides its heading
    if starts[0] > params.lead_max or any(mark in own for mark in "。！？!?"):
        segments.insert(0, (-1, (0, starts[0])))
    elif own.strip():
        # a clause announcing the list (究其主要原因，/ …原因在于：) opens the first point's chunk: too short
        # for a chunk of its own, and a search for the words in it must still find them
        segments[0] = (0, (announcement, bounds[1]))
    return segments


def _after_heading(lead: str, heading: str) -> int:
    """Offset in the text before the first point where what it says of its own begins: after the heading
    sentence, which is already in the heading path. The rest is a chunk if it holds a full sentence, whether
    it had its own line or ran into the points (a page that lost its line breaks chunks like the original),
    else a clause that announces the list."""
    start = len(lead) - len(lead.lstrip())
    if heading and lead[start:].startswith(heading):
        rest = lead[start + len(heading):]
        start += len(heading) + len(rest) - len(rest.lstrip("。！？!?：:；;，, \n"))
    return start


def split_long(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Spans no longer than max_chars, cut after sentence ends; the first keeps the heading sentence."""
    if len(text) <= max_chars:
        return [(0, len(text))]
    ends = [m.end() for m in _PIECE_END.finditer(text)]
    if not ends or ends[-1] != len(text):
        ends.append(len(text))
    spans, start, prev = [], 0, 0
    for end in ends:
        if end - start > max_chars and prev > start:
            spans.append((start, prev))
            start = prev
        prev = end
    spans.append((start, len(text)))
    return [piece for span in spans for piece in _hard_cut(span, max_chars)]


def _hard_cut(span: tuple[int, int], max_chars: int) -> list[tuple[int, int]]:
    """A single sentence longer than the window is cut at fixed width: rare, but never embedded whole."""
    start, end = span
    return [(pos, min(pos + max_chars, end)) for pos in range(start, end, max_chars)]
