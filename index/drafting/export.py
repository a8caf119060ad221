"""Outline export: numbered points, 出处 lines on request, as Markdown or a .docx in 公文 layout (GB/T 9704)."""
from __future__ import annotations

import re

from fanwen.index.ingest.chunking import placeholders
from fanwen.index.drafting.outline import SUBHEADINGS, Outline, Slot

_NUMERALS = "一二三四五六七八九十"

def ordinal(role: str, number: int) -> str:
    word = _NUMERALS[number - 1] if number <= 10 else str(number)
    if role in ("achievements", "plans"):
        return f"（{word}）"
    return f"{word}是" if role in ("problems", "causes") else ""


def citation(slot: Slot) -> str:
    ex = slot.exemplar
    # The display name may already tell same-title reports apart by file name: no second suffix then.
    name = ex.doc if ex.title in ex.doc else ex.title if ex.doc in ex.title else f"{ex.title}（{ex.doc}）"
    where = f" {ex.heading}" if ex.heading else ""
    return f"{'改写自' if slot.rewritten else '出处'}：《{name}》{where} · 段落 #{ex.id}"


def blocks(outline: Outline, citations: bool = False) -> list[tuple[str, str]]:
    """The outline as (kind, text) blocks: title, h1, h2, p, and cite after each point when `citations`."""
    out = [("title", outline.title)]
    for section in outline.sections:
        if section.heading:
            out.append(("h1", section.heading))
        numbers: dict[str, int] = {}
        for slot in section.slots:
            if slot.role not in numbers and slot.role in SUBHEADINGS:
                out.append(("h2", SUBHEADINGS[slot.role]))
            numbers[slot.role] = numbers.get(slot.role, 0) + 1
            out.append(("p", ordinal(slot.role, numbers[slot.role]) + slot.text))
            if citations:  # a text to hand in carries no 出处 lines; a working copy may
                out.append(("cite", citation(slot)))
    return out


def to_markdown(outline: Outline, citations: bool = False) -> str:
    marks = {"title": "# ", "h1": "## ", "h2": "### "}
    lines = []
    for kind, text in blocks(outline, citations):
        text = re.sub(r"^(#)", r"\\\1", re.sub(r"([\\`*_\[\]<>])", r"\\\1", text))
        lines.append(f"*{text}*" if kind == "cite" else marks.get(kind, "") + text)
    return "\n\n".join(lines) + "\n"


def to_docx(outline: Outline, target, citations: bool = False) -> None:
    """Write a .docx (path or binary stream): A4 公文 layout, Title, Heading 1/2, body; 出处 lines if asked."""
    from fanwen.index.drafting.gongwen import add_block, new_document

    document = new_document()
    for kind, text in blocks(outline, citations):
        add_block(document, kind, text, placeholders(text) if kind == "p" else ())
    document.save(target)
