"""Outline export: numbered points with citations, as Markdown or a .docx with real heading styles."""
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
    name = ex.doc if ex.title in ex.doc else f"{ex.title}（{ex.doc}）"
    where = f" {ex.heading}" if ex.heading else ""
    return f"{'改写自' if slot.rewritten else '出处'}：《{name}》{where} · 段落 #{ex.id}"


def blocks(outline: Outline) -> list[tuple[str, str]]:
    """The outline as (kind, text) blocks: title, h1, h2, p, cite."""
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
            out.append(("cite", citation(slot)))
    return out


def to_markdown(outline: Outline) -> str:
    marks = {"title": "# ", "h1": "## ", "h2": "### "}
    lines = []
    for kind, text in blocks(outline):
        text = re.sub(r"^(#)", r"\\\1", re.sub(r"([\\`*_\[\]<>])", r"\\\1", text))
        lines.append(f"*{text}*" if kind == "cite" else marks.get(kind, "") + text)
    return "\n\n".join(lines) + "\n"


def to_docx(outline: Outline, target) -> None:
    """Write a .docx (path or binary stream): Title, Heading 1/2, body paragraphs, small italic citations."""
    import docx
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    for name, font in (("Normal", "宋体"), ("Title", "黑体"), ("Heading 1", "黑体"), ("Heading 2", "楷体")):
        document.styles[name].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    for kind, text in blocks(outline):
        if kind == "title":
            document.add_heading(text, level=0)
        elif kind in ("h1", "h2"):
            document.add_heading(text, level=1 if kind == "h1" else 2)
        elif kind == "cite":
            run = document.add_paragraph().add_run(text)
            run.italic, run.font.size, run.font.color.rgb = True, Pt(9), RGBColor(0x66, 0x66, 0x66)
        else:
            paragraph, last = document.add_paragraph(style="Normal"), 0
            for start, end in placeholders(text) + [(len(text), len(text))]:
                paragraph.add_run(text[last:start])
                if end > start:  # slots to fill stand out in yellow, as on the page
                    paragraph.add_run(text[start:end]).font.highlight_color = WD_COLOR_INDEX.YELLOW
                last = end
    document.save(target)

