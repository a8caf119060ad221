"""A text read out a sentence a line (a teleprompter script, subtitles): its sentences joined into paragraphs."""
from __future__ import annotations

import re
from statistics import median

from fanwen.index.ingest.blocks import SENTENCE_ENDS
from fanwen.index.ingest.layout import LINE_MARKER

_ORDINAL = re.compile(r"^([二三四五六七八九十]是|第[二三四五六七八九十][，,、]|其次|再次|最后)")
MIN_LINES = 15
END_SHARE = 0.7  # of its lines, the share that end a sentence
MEDIAN_MAX = 45  # characters: a sentence, where a paragraph line runs to a hundred or more
MIN_RUN = 3  # lines between blank lines, on average: blank lines part sections, not paragraphs
MIN_PARTS = 3  # runs of lines between blank lines: without them, nothing shows where a part ends


def sentence_paragraphs(lines: list[str]) -> list[str] | None:
    """The lines joined into paragraphs when each holds a sentence: a paragraph starts after a blank line,
    after a line that ends no sentence (a heading), and at a numbered or ordinal opening (一是, （二）, 第三，);
    None for any other text."""
    body = [line.strip() for line in lines if line.strip()]
    runs = sum(1 for before, line in zip([""] + lines, lines) if line.strip() and not before.strip())
    if (len(body) < MIN_LINES or median(map(len, body)) > MEDIAN_MAX or not MIN_PARTS <= runs <= len(body) / MIN_RUN
            or sum(line[-1] in SENTENCE_ENDS for line in body) < END_SHARE * len(body)):
        return None
    out: list[str] = []
    joinable = False  # whether the last output line is a paragraph that may take the next sentence
    for raw in lines:
        line = raw.strip()
        if not line:
            joinable = False
            continue
        if joinable and not LINE_MARKER.match(line) and not _ORDINAL.match(line) and line[-1] in SENTENCE_ENDS:
            out[-1] += line
            continue
        out.append(line)
        joinable = line[-1] in SENTENCE_ENDS
    return out
