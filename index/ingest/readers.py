"""Read .txt, .md, .docx and .pdf reports into a list of text blocks with known heading levels."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fanwen.index.errors import UnreadableFile, UnsupportedFormat

SUPPORTED = (".txt", ".md", ".docx", ".pdf")


@dataclass
class Block:
    """One paragraph or line; level 0 = title, 1..4 = heading known from styles/markup, None = body."""

    text: str
    level: int | None = None


@dataclass
class RawDocument:
    """A file's blocks in reading order; `encoding` only for .txt/.md."""

    blocks: list[Block]
    format: str
    encoding: str | None


_CJK = r"\u2E80-\u2FFF\u3001-\u303F\u3040-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\U00020000-\U0003FFFF"
_ODD_SPACE = re.compile(r"[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]")
_INVISIBLE = re.compile(r"[\u200B-\u200D\u2060\uFEFF]")
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}]) +(?=\S)|(?<=\S) +(?=[{_CJK}])")


def normalize_spaces(text: str) -> str:
    """Unify unicode spaces, drop spaces next to CJK characters, keep one space between Latin words."""
    text = _INVISIBLE.sub("", _ODD_SPACE.sub(" ", text))
    lines = []
    for line in text.split("\n"):
        line = re.sub(r" {2,}", " ", line.strip())
        lines.append(_SPACE_BY_CJK.sub("", line))
    return "\n".join(lines)


def read_document(path: Path, name: str | None = None) -> RawDocument:
    """Read one report; `name` is what error messages call the file (default: its file name)."""
    path = Path(path)
    name = name or path.name
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise UnsupportedFormat(
            f"unsupported file type '{ext or '(none)'}' for {name}: allowed {', '.join(SUPPORTED)}")
    data = _read_bytes(path, name)
    if ext == ".docx":
        doc = _read_docx(path, data, name)
    elif ext == ".pdf":
        doc = _read_pdf(path, data, name)
    else:
        doc = _read_text(data, name, markdown=ext == ".md")
    if not doc.blocks:
        raise UnreadableFile(f"cannot read {name}: no text in the file (only whitespace)")
    return doc


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"cannot read {name}: file not found") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read {name}: {exc.strerror or exc}") from None
    if not data:
        raise UnreadableFile(f"cannot read {name}: file is empty (0 bytes)")
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
        raise UnreadableFile(f"cannot read {name}: file contains only whitespace")
    lines = text.splitlines()  # also splits \r\n and lone \r
    if markdown:
        blocks = _markdown_blocks(lines)
    else:
        blocks = [Block(t) for t in map(normalize_spaces, lines) if t]
    return RawDocument(blocks, "md" if markdown else "txt", encoding)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _textual(data.decode(codec), name), codec
            except UnicodeDecodeError:
                raise UnreadableFile(f"cannot read {name}: invalid {codec} text after its BOM") from None
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(f"cannot read {name}: binary content, looks like {what}, not plain text")
    if b"\x00" in data:
        raise UnreadableFile(f"cannot read {name}: binary content (NUL bytes), not a text file")
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
        raise UnreadableFile(f"cannot read {name}: unknown text encoding or binary content")
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
        raise UnreadableFile(f"cannot read {name}: binary content (control characters), not a text file")
    return text


_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_BULLET = re.compile(r"^\s*(?:[-*+]|>)\s+")
_MD_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$|^\s*(?:```|~~~)")
_MD_STRONG = (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
              # fill-in blanks like "____年" are common in templates, so underscores need word edges
              re.compile(r"(?<![_\w])__(?=[^_\s])(.+?)(?<=[^_\s])__(?![_\w])"))


def _markdown_blocks(lines: list[str]) -> list[Block]:
    blocks = []
    for line in lines:
        if _MD_RULE.match(line):
            continue
        level = None
        heading = _MD_HEADING.match(line)
        if heading:
            level, line = min(len(heading.group(1)), 4), heading.group(2)
        else:
            line = _MD_BULLET.sub("", line)
        for pattern in _MD_STRONG:
            line = pattern.sub(r"\1", line)
        text = normalize_spaces(line)
        if text:
            blocks.append(Block(text, level))
    return blocks


_STYLE_HEADING = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_STYLE_TITLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)


def _read_docx(path: Path, data: bytes, name: str) -> RawDocument:
    import docx

    if not data.startswith(b"PK"):
        what = "an old .doc (Word 97-2003) file; save it as .docx" if data.startswith(
            b"\xd0\xcf\x11\xe0") else "not a Word .docx package"
        raise UnreadableFile(f"cannot read {name}: corrupt .docx, {what}")
    try:
        document = docx.Document(str(path))
        blocks = list(_docx_blocks(document))
    except Exception as exc:  # python-docx raises zip, XML and key errors alike on bad packages
        raise UnreadableFile(
            f"cannot read {name}: corrupt .docx package ({type(exc).__name__})") from None
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


_NUM = "一二三四五六七八九十百零〇"
_HEADING_START = re.compile(
    rf"^(?:[{_NUM}]+、|[（(][{_NUM}]+[）)]|\d{{1,2}}[.．、](?!\d)|[（(]\d{{1,2}}[）)]"
    rf"|第[{_NUM}\d]+[章节部分条篇]|[①-⑳])")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－·\s]*\d{1,3}[-—–－·\s]*|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?"
    r"|\d+\s*/\s*\d+|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$")
# English wraps at word boundaries, but a number split over two lines must not get a space
_LATIN_WRAP = re.compile(r"[A-Za-z][A-Za-z0-9]|[0-9][A-Za-z]")
_SENTENCE_END = re.compile(r"(?:[。！？；：!?;]|[。！？][”’」』])$")
_FIRST_POINT = re.compile(r"^(?:一是|第一[，,、]|首先[，,])")


def _read_pdf(path: Path, data: bytes, name: str) -> RawDocument:
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise UnreadableFile(f"cannot read {name}: corrupt .pdf, not a PDF file")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile(f"cannot read {name}: the PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableFile:
        raise
    except Exception as exc:  # pypdf signals damage with many exception types
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise UnreadableFile(f"cannot read {name}: corrupt .pdf ({detail})") from None
    lines = [normalize_spaces(line) for page in pages for line in page.splitlines()]
    lines = [line for line in lines if line and not _PAGE_NUMBER.match(line)]
    if not lines:
        raise UnreadableFile(
            f"cannot read {name}: the PDF has no extractable text (scanned images?); OCR it first")
    return RawDocument([Block(text) for text in _rejoin(lines)], "pdf", None)


def _width(text: str) -> int:
    # ambiguous-width marks (“”‘’…—) are set full width in Chinese fonts
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _rejoin(lines: list[str]) -> list[str]:
    """Glue lines that the PDF layout wrapped inside a paragraph back together."""
    widths = sorted(_width(line) for line in lines)
    full = widths[int(len(widths) * 0.9)] if len(widths) > 1 else widths[0]
    paragraphs = [lines[0]]
    last = lines[0]
    for line in lines[1:]:
        if _HEADING_START.match(line) or _line_ends_paragraph(last, paragraphs[-1], full, line):
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
    if width < 0.75 * full or (paragraph[:1] in "【[" and last[-1:] in "】]"):
        return True  # narrow, or a bracketed notice that closed: 【…】
    short = width < 0.97 * full
    if _SENTENCE_END.search(last):
        return short or bool(_FIRST_POINT.match(following))
    return short and paragraph == last and bool(_HEADING_START.match(last))
