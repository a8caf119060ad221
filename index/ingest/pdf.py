"""Text PDFs: extract lines, drop page numbers, re-join lines the layout wrapped inside a paragraph."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from fanwen.index.errors import UnreadableFile
from fanwen.index.ingest.blocks import Block, RawDocument, normalize_spaces
from fanwen.index.ingest.limits import ReadLimits, check_chars, check_pages
from fanwen.index.ingest.pdf_lines import PrintedLine, page_lines
from fanwen.index.ingest.pdf_print import NARROW, read_pages

_NUM = "一二三四五六七八九十百零〇"
_HEADING_START = re.compile(
    rf"^(?:[{_NUM}]+、|[（(][{_NUM}]+[）)]|\d{{1,2}}[.．、](?!\d)|[（(]\d{{1,2}}[）)]"
    rf"|第[{_NUM}\d]+[章节部分条篇]|[①-⑳])")
_PAGE_NUMBER = re.compile(  # two of them on a scanned spread (·36· ·37·)
    r"^(?:(?:[-—–－·\s]*\d{1,3}[-—–－·\s]*){1,2}|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?"
    r"|\d+\s*/\s*\d+|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$")
# What a machine prints at each page's edge, whatever the document: a fax's transmission line (01/09/2025 16:22
# 0XXX5526018 XX CO. #0187 P.003/004), a browser's date and time over the page's title and its address under it
# with 2/3, a phone scanner's mark. Left out before lines are joined, or they split a paragraph.
_MACHINE_EDGE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s+\d{1,2}:\d{2}\b.{0,80}?P\.?\s*\d{1,3}\s*/\s*\d{1,3}$"
                           r"|^\d{4}/\d{1,2}/\d{1,2}\s+\d{1,2}:\d{2}\s+\S.{0,60}$"
                           r"|^https?://\S+\s+\d{1,3}\s*/\s*\d{1,3}$|^(扫描全能王|CamScanner)\s*(创建|扫描)?$")
# English wraps at word boundaries, but a number split over two lines must not get a space
_LATIN_WRAP = re.compile(r"[A-Za-z][A-Za-z0-9]|[0-9][A-Za-z]")
_SENTENCE_END = re.compile(r"(?:[。！？；：!?;]|[。！？][”’」』])$")
_FIRST_POINT = re.compile(r"^(?:一是|第一[，,、]|首先[，,])")
MIN_INDENTS = 5  # indented lines a document needs before its indents are trusted to open paragraphs


def read_pdf(path: Path, data: bytes, name: str, limits: ReadLimits = ReadLimits()) -> RawDocument:
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise UnreadableFile(f"cannot read {name}: corrupt .pdf, not a PDF file",
                             zh=f"无法读取 {name}：不是 PDF 文件或已损坏，请重新导出 PDF")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile(f"cannot read {name}: the PDF is password-protected",
                                 zh=f"无法读取 {name}：PDF 有密码保护，请去掉密码后再上传")
        pages, aside = _extract_pages(reader, name, limits)
    except (UnreadableFile, MemoryError):  # a memory cap hit is no damage to the file
        raise
    except Exception as exc:  # pypdf signals damage with many exception types
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise UnreadableFile(f"cannot read {name}: corrupt .pdf ({detail})",
                             zh=f"无法读取 {name}：PDF 已损坏（{detail}），请重新导出 PDF 或上传 Word 版") from None
    read, furniture = read_pages(pages)
    kept = [(normalize_spaces(text), *flags) for text, *flags in read]
    machine = [bool(_MACHINE_EDGE.match(line[0])) for line in kept]
    furniture += [line[0] for line, edge in zip(kept, machine) if edge]
    kept = [line for line, edge in zip(kept, machine) if line[0] and not edge and not _PAGE_NUMBER.match(line[0])]
    if not kept:
        raise UnreadableFile(f"cannot read {name}: the PDF has no extractable text (scanned images?); OCR it first",
                             zh=f"无法读取 {name}：扫描件无法识别文字，请先做文字识别（OCR）或上传 Word 版")
    lines, opens, closes, shorts = (list(column) for column in zip(*kept))
    return RawDocument([Block(text) for text in rejoin(lines, opens, closes, shorts)], "pdf", None, furniture + aside)


def _extract_pages(reader, name: str, limits: ReadLimits) -> tuple[list[list[PrintedLine]], list[str]]:
    """Each page's printed lines, and the text set aslant on them (watermarks, seals), refusing a PDF over the
    page cap before extracting and stopping once past the character cap."""
    check_pages(len(reader.pages), name, limits)
    pages, aside, chars = [], [], 0
    for page in reader.pages:
        lines, text, turned = page_lines(page)
        pages.append(lines)
        aside += turned
        chars += len(text)
        check_chars(chars, name, limits)
    return pages, aside


def _width(text: str) -> int:
    # ambiguous-width marks (“”‘’…—) are set full width in Chinese fonts
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def rejoin(lines: list[str], opens: list[bool] | None = None, closes: list[bool] | None = None,
           shorts: list[bool] | None = None) -> list[str]:
    """Glue lines that the PDF layout wrapped inside a paragraph back together. Where the document indents its
    paragraphs' first lines (`opens`, read from where each line starts), an indent opens a paragraph and a line
    at the margin goes on with the one before unless that was clearly short; elsewhere widths and sentence ends
    decide. A line that `closes` (a title set large) never takes the next one; `shorts` (each line stops short
    of its own column's edge), where known, stand in for widths measured against the widest lines."""
    opens = opens or [False] * len(lines)
    closes = closes or [False] * len(lines)
    indents = sum(opens) >= MIN_INDENTS and sum(opens) >= 0.1 * len(lines)
    widths = sorted(_width(line) for line in lines)
    full = widths[int(len(widths) * 0.9)] if len(widths) > 1 else widths[0]
    paragraphs = [lines[0]]
    last = lines[0]
    for i, (line, indented) in enumerate(zip(lines[1:], opens[1:])):
        if closes[i]:
            ends = True
        elif indents:
            short = shorts[i] if shorts is not None else _width(last) < NARROW * full
            ends = indented or _HEADING_START.match(line) or short
        else:
            ends = _HEADING_START.match(line) or _line_ends_paragraph(last, paragraphs[-1], full, line)
        if ends:
            paragraphs.append(line)
        else:
            glue = " " if _LATIN_WRAP.search(last[-1] + line[0]) else ""
            paragraphs[-1] = normalize_spaces(paragraphs[-1] + glue + line)
        last = line
    return paragraphs


def _line_ends_paragraph(last: str, paragraph: str, full: int, following: str) -> bool:
    """A line clearly narrower than the column ended its paragraph (or is a title); a sentence end
    ends it short of the column or before a first point (一是), since a full line that happens to
    end a sentence goes on; a numbered heading line short of the column is a heading."""
    width = _width(last)
    if width < NARROW * full or (paragraph[:1] in "【[" and last[-1:] in "】]"):
        return True  # narrow, or a bracketed notice that closed: 【…】
    short = width < 0.97 * full
    if _SENTENCE_END.search(last):
        return short or bool(_FIRST_POINT.match(following))
    return short and paragraph == last and bool(_HEADING_START.match(last))
