"""Slides and outlines: a short bullet point and the items under it (● lead, then ◆ items) as one paragraph."""
from __future__ import annotations

from fanwen.index.ingest.blocks import SENTENCE_ENDS, join_runs

BULLETS = "●◆■➢✓✔◇▪►•○◎□▶➤▷·・"
LEAD_MAX = 30  # a lead is a phrase (坚持书记抓、抓书记), not a sentence
ITEM_MAX = 60  # a slide's items are fragments; under a WeChat post's ◆ heading, ▶ items are whole paragraphs


def _glyph(line: str) -> str:
    return line[0] if line and line[0] in BULLETS else ""


def _bare(line: str) -> str:
    return line[1:].strip().rstrip("。；;，,")


def join_bullet_groups(lines: list[str], levels: list[int | None]) -> tuple[list[str], list[int | None]]:
    """A bullet line that is a short phrase, followed by short lines under another bullet, becomes one
    paragraph: lead：item；item。 Read apart, the lead was taken for a heading over fragments of a dozen
    characters. Items of a paragraph's length stay paragraphs under their lead."""
    def group_at(i: int) -> tuple[int, str] | None:
        lead = _glyph(lines[i])
        if not lead or levels[i] is not None or len(lines[i]) > LEAD_MAX or any(m in lines[i] for m in SENTENCE_ENDS):
            return None
        end = i + 1
        while end < len(lines) and levels[end] is None and _glyph(lines[end]) not in ("", lead):
            end += 1
        if end == i + 1 or any(len(line) > ITEM_MAX for line in lines[i + 1:end]):
            return None
        items = "；".join(_bare(line) for line in lines[i + 1:end])
        return end, f"{lead}{_bare(lines[i]).rstrip('：:')}：{items}。"

    return join_runs(lines, levels, group_at)
