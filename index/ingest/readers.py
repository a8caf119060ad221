"""Read .txt, .md, .docx and .pdf reports into a list of text blocks with known heading levels."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from fanwen.index.errors import UnreadableFile, unsupported_format
from fanwen.index.ingest.blocks import (Block, RawDocument, join_vertical, normalize_spaces,  # noqa: F401 (re-exported)
                                        split_indents, strip_borders, strip_line_numbers,
                                        strip_style_names)
from fanwen.index.ingest.dictation import punctuate
from fanwen.index.ingest.hanzi import to_simplified
from fanwen.index.ingest.json_text import json_report
from fanwen.index.ingest.messages import quoted_report
from fanwen.index.ingest.mojibake import is_garbled, repair
from fanwen.index.ingest.sentences import sentence_paragraphs
from fanwen.index.ingest.sheet import csv_column, csv_unquoted, table_cells
from fanwen.index.ingest.html_text import looks_like_html, plain_entities, visible_lines
from fanwen.index.ingest.markdown import looks_like_markdown, markdown_blocks, outline_nodes
from fanwen.index.ingest.pdf import read_pdf
from fanwen.index.ingest.limits import ReadLimits, check_chars, check_file_size, check_zip, strip_controls

SUPPORTED = (".txt", ".md", ".docx", ".pdf")


def read_document(path: Path, name: str | None = None, limits: ReadLimits | None = None) -> RawDocument:
    """Read one report; `name` is what error messages call the file (default: its file name); `limits`
    caps what it may inflate to (default ReadLimits())."""
    path = Path(path)
    name = name or path.name
    limits = limits or ReadLimits()
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise unsupported_format(ext, name, SUPPORTED)
    if ext in (".txt", ".md"):
        check_file_size(path, name, limits)
    data = _read_bytes(path, name)
    if ext == ".docx":
        doc = _read_docx(path, data, name, limits)
    elif ext == ".pdf":
        doc = read_pdf(path, data, name, limits)
    else:
        doc = _read_text(data, name, markdown=ext == ".md")
    doc.blocks = [Block(text, b.level) for b, raw in zip(doc.blocks, _readable(doc)) if (text := normalize_spaces(raw))]
    check_chars(sum(len(b.text) for b in doc.blocks), name, limits)
    if not doc.blocks:
        raise UnreadableFile(f"cannot read {name}: no text in the file (only whitespace)",
                             zh=f"无法读取 {name}：文件里没有文字（只有空白），请检查是否选错了文件")
    return doc


def _readable(doc: RawDocument) -> list[str]:
    """Each block's text with misread encodings read back, a .docx dictated without punctuation punctuated and
    traditional characters simplified; a block lost to a wrong encoding is empty (and listed as dropped)."""
    texts = [repair(strip_controls(block.text)) for block in doc.blocks]
    doc.dropped += [text for text in texts if is_garbled(text)]
    return to_simplified(punctuate(["" if is_garbled(text) else text for text in texts]))


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"cannot read {name}: file not found", zh=f"无法读取 {name}：找不到这个文件，请检查路径") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read {name}: {exc.strerror or exc}",
                             zh=f"无法读取 {name}（{exc.strerror or exc}），请检查文件权限或是否为文件夹") from None
    if not data:
        raise UnreadableFile(f"cannot read {name}: file is empty (0 bytes)", zh=f"无法读取 {name}：文件是空的（0 字节），请重新保存后再上传")
    return data


_BOMS = (  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
_MAGIC = ((b"PK\x03\x04", "a zip/.docx/.xlsx package"), (b"%PDF-", "a PDF"),
          (b"\xd0\xcf\x11\xe0", "an old Office (.doc/.xls) file"), (b"\x89PNG", "a PNG image"),
          (b"\xff\xd8\xff", "a JPEG image"))


def _read_text(data: bytes, name: str, markdown: bool) -> RawDocument:
    text, encoding = _decode(data, name)
    if not text.strip():
        raise UnreadableFile(f"cannot read {name}: file contains only whitespace", zh=f"无法读取 {name}：文件里只有空白，没有文字")
    if (fields := json_report(text)) is not None:  # an API's raw JSON response saved as .txt
        text = "\n".join(fields)
    lines = punctuate(strip_line_numbers(strip_borders(strip_style_names(text.splitlines()))))
    lines = [part for line in join_vertical(lines) for part in split_indents(line)]
    # a sheet saved as CSV, a two-column table; an e-mail reply quoting the report; a script a sentence a line
    lines, dropped = csv_column(lines) or table_cells(lines) or quoted_report(lines) or (csv_unquoted(lines), [])
    lines = sentence_paragraphs(lines) or lines
    if markdown or looks_like_markdown(lines):  # a note app's export saved as .txt is Markdown too
        (blocks, furniture), markdown = markdown_blocks(lines), True
        dropped += furniture
    elif nodes := outline_nodes(lines):  # an outline tool's export: a node's depth is its level
        blocks = nodes
    elif looks_like_html(text):  # a page's source saved as .txt: its visible text, the <h1> as the title
        blocks = [Block(t, level) for line, level in visible_lines(text) if (t := normalize_spaces(line))]
    else:
        blocks = [Block(t) for t in map(normalize_spaces, plain_entities(lines)) if t]
    return RawDocument(blocks, "md" if markdown else "txt", encoding, dropped)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _textual(data.decode(codec), name), codec
            except UnicodeDecodeError:
                raise UnreadableFile(f"cannot read {name}: invalid {codec} text after its BOM",
                                     zh=f"无法读取 {name}：文件编码（{codec}）有误，请另存为 UTF-8 文本后再试") from None
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(f"cannot read {name}: binary content, looks like {what}, not plain text",
                                 zh=f"无法读取 {name}：内容看起来是 {what}，不是文本文件，请检查扩展名")
    if b"\x00" in data:
        raise UnreadableFile(f"cannot read {name}: binary content (NUL bytes), not a text file",
                             zh=f"无法读取 {name}：不是文本文件（含二进制内容），请检查扩展名")
    try:
        return _textual(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        # Big5 and other legacy encodings often decode as GB18030 into private-use junk
        if _odd_share(text) <= _ODD_LIMIT:
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    return _guess_encoding(data, name)


def _guess_encoding(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    # chaos is the share of odd-looking characters; above ~20% the text is noise
    if best is None or best.chaos > 0.2:
        raise UnreadableFile(f"cannot read {name}: unknown text encoding or binary content",
                             zh=f"无法读取 {name}：无法识别文字编码，请另存为 UTF-8 文本或 .docx 后再试")
    return _textual(str(best), name), best.encoding


_ODD_LIMIT = 0.02


def _odd_share(text: str) -> float:
    """Share of control, unassigned and private-use characters, which real text hardly has."""
    sample = text[:20000]
    odd = sum(1 for ch in sample
              if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\t\n\r\f\v")
    return odd / len(sample) if sample else 0.0


def _textual(text: str, name: str) -> str:
    if _odd_share(text) > _ODD_LIMIT:
        raise UnreadableFile(f"cannot read {name}: binary content (control characters), not a text file",
                             zh=f"无法读取 {name}：不是文本文件（含控制字符），请检查扩展名")
    return text


_STYLE_HEADING = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_STYLE_TITLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)


def _read_docx(path: Path, data: bytes, name: str, limits: ReadLimits) -> RawDocument:
    import docx

    if not data.startswith(b"PK"):
        what = "an old .doc (Word 97-2003) file; save it as .docx" if data.startswith(
            b"\xd0\xcf\x11\xe0") else "not a Word .docx package"
        advice = "请在 Word/WPS 中另存为 .docx 后再上传" if "old .doc" in what else "文件已损坏或不是 Word 文档，请重新保存为 .docx"
        raise UnreadableFile(f"cannot read {name}: corrupt .docx, {what}", zh=f"无法读取 {name}：{advice}")
    check_zip(path, name, limits)  # python-docx would inflate a zip bomb whole
    try:
        document = docx.Document(str(path))
        blocks = list(_docx_blocks(document))
    except MemoryError:
        raise  # a memory cap was hit (see service parse_worker): not a corrupt file
    except Exception as exc:  # python-docx raises zip, XML and key errors alike on bad packages
        raise UnreadableFile(f"cannot read {name}: corrupt .docx package ({type(exc).__name__})",
                             zh=f"无法读取 {name}：.docx 文件已损坏，请在 Word/WPS 中打开后重新保存") from None
    return RawDocument(blocks, "docx", None)


def _docx_blocks(container, seen: set | None = None):
    """Paragraphs and table-cell paragraphs in document order; merged cells are read once."""
    from docx.table import Table

    seen = set() if seen is None else seen
    for item in container.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    # keep the element itself: ids of dropped lxml proxies get reused
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        yield from _docx_blocks(cell, seen)
        else:
            yield from _paragraph_blocks(item)


def _paragraph_blocks(paragraph):
    level = _paragraph_level(paragraph)
    lines = paragraph.text.split("\n")  # soft line breaks
    if level is not None:
        lines = ["".join(lines)]
    for line in lines:
        text = normalize_spaces(line)
        if text:
            yield Block(text, level)


def _paragraph_level(paragraph) -> int | None:
    style, hops = paragraph.style, 0
    while style is not None and hops < 5:  # custom styles often inherit from Heading N
        style_name = (style.name or "").strip()
        if _STYLE_TITLE.match(style_name):
            return 0
        found = _STYLE_HEADING.match(style_name)
        if found:
            return min(int(found.group(1)), 4)
        style, hops = style.base_style, hops + 1
    # direct formatting: Chinese templates often set the outline level without a heading style
    outline = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    if outline and outline[0].isdigit() and int(outline[0]) < 9:
        return min(int(outline[0]) + 1, 4)
    return None
