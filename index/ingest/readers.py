"""Read .txt, .md, .docx and .pdf reports into a list of text blocks with known heading levels."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from fanwen.index.errors import UnreadableFile, unsupported_format
from fanwen.index.ingest.blocks import (Block, RawDocument, join_vertical, normalize_spaces,  # noqa: F401 (re-exported)
                                        split_indents, strip_borders, strip_line_numbers,
                                        strip_style_names)
from fanwen.index.ingest.dictation import punctuate
from fanwen.index.ingest.docx_text import read_docx
from fanwen.index.ingest.hanzi import to_simplified
from fanwen.index.ingest.json_text import json_report
from fanwen.index.ingest.messages import quoted_report
from fanwen.index.ingest.mojibake import is_garbled, repair
from fanwen.index.ingest.sentences import sentence_paragraphs
from fanwen.index.ingest.sheet import csv_column, csv_unquoted, table_cells
from fanwen.index.ingest.html_text import looks_like_html, plain_entities, visible_lines
from fanwen.index.ingest.markdown import looks_like_markdown, markdown_blocks, outline_nodes
from fanwen.index.ingest.pdf import read_pdf
from fanwen.index.ingest.limits import ReadLimits, check_chars, check_file_size, strip_controls

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
        doc = read_docx(path, data, name, limits)
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
    garbled = list(map(is_garbled, texts))
    doc.dropped += [text for text, lost in zip(texts, garbled) if lost]
    return to_simplified(punctuate(["" if lost else text for text, lost in zip(texts, garbled)]))


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
    text = "\n".join(map(repair, text.split("\n")))  # before soft hyphens go: one may be a garbled byte
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
