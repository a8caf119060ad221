"""A .docx report as Word shows it: tracked insertions kept and deletions gone, automatic numbers written out,
and the text of content controls, smart tags, simple fields and text boxes, which python-docx's paragraphs skip."""
from __future__ import annotations

import re
from pathlib import Path

from fanwen.index.errors import UnreadableFile
from fanwen.index.ingest.blocks import Block, RawDocument, normalize_spaces
from fanwen.index.ingest.docx_numbers import Numbering
from fanwen.index.ingest.limits import ReadLimits, check_zip

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Not what Word shows: deleted and moved-away text, field codes, properties; text boxes are read as blocks of
# their own, and a text box's VML fallback repeats the text its drawing holds.
_HIDDEN = {_W + name for name in ("del", "moveFrom", "instrText", "delText", "delInstrText", "rPr", "pPr",
                                  "txbxContent", "fldData")} | {_MC + "Fallback"}
_BREAKS = {_W + "br", _W + "cr"}
LONG_CELL = 100  # a cell holding this many characters holds the report's text
LABEL = 12  # a label cell's lines are no longer than this
# A form's row that others fill in: the organisation's assessment, the vote, signatures
_OTHERS = re.compile(r"评价|评语|鉴定|测评|考核意见|审核意见|审批意见|组织意见|单位意见|领导意见|等次|签字|签名|盖章")
_STYLE_HEADING = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_STYLE_TITLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)


def read_docx(path: Path, data: bytes, name: str, limits: ReadLimits) -> RawDocument:
    import docx

    if not data.startswith(b"PK"):
        what = "an old .doc (Word 97-2003) file; save it as .docx" if data.startswith(
            b"\xd0\xcf\x11\xe0") else "not a Word .docx package"
        advice = "请在 Word/WPS 中另存为 .docx 后再上传" if "old .doc" in what else "文件已损坏或不是 Word 文档，请重新保存为 .docx"
        raise UnreadableFile(f"cannot read {name}: corrupt .docx, {what}", zh=f"无法读取 {name}：{advice}")
    check_zip(path, name, limits)  # python-docx would inflate a zip bomb whole
    try:
        document = docx.Document(str(path))
        reader = _Reader(document)
        blocks = list(reader.blocks(document.element.body))
    except MemoryError:
        raise  # a memory cap was hit (see service parse_worker): not a corrupt file
    except Exception as exc:  # python-docx raises zip, XML and key errors alike on bad packages
        raise UnreadableFile(f"cannot read {name}: corrupt .docx package ({type(exc).__name__})",
                             zh=f"无法读取 {name}：.docx 文件已损坏，请在 Word/WPS 中打开后重新保存") from None
    return RawDocument(blocks, "docx", None, reader.left_out)


def shown_text(element) -> str:
    """The text Word shows for a paragraph (or any part of one), soft line breaks as newlines."""
    out: list[str] = []
    _collect(element, out)
    return "".join(out)


def _collect(element, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _HIDDEN:
            continue
        if tag == _W + "t":
            out.append(child.text or "")
        elif tag == _W + "r" and _hidden_run(child):
            continue
        elif tag == _W + "tab":
            out.append("\t")
        elif tag in _BREAKS:
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        else:  # runs inside insertions, hyperlinks, smart tags, content controls, simple fields
            _collect(child, out)


def _hidden_run(run) -> bool:
    """A run formatted as hidden text (a drafter's note or an old paragraph kept out of sight): Word neither
    shows nor prints it."""
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(_W + "val", "true") not in ("0", "false", "off")


def _text_boxes(element):
    """The text boxes anchored in a paragraph, each once (not again from its VML fallback)."""
    for child in element:
        if child.tag == _MC + "Fallback":
            continue
        if child.tag == _W + "txbxContent":
            yield child
        else:
            yield from _text_boxes(child)


class _Reader:
    """Walks a document's body in order; keeps the list counters automatic numbering needs."""

    def __init__(self, document):
        from docx.text.paragraph import Paragraph

        self.document, self.paragraph = document, Paragraph
        self.numbering = Numbering.of(document)
        self.left_out: list[str] = []
        self.styles: dict = {}

    def blocks(self, container):
        for child in container:
            if child.tag == _W + "p":
                yield from self.paragraph_blocks(child)
                for box in _text_boxes(child):
                    yield from self.blocks(box)
            elif child.tag == _W + "tbl":
                rows = [(row, list(row.iterchildren(_W + "tc"))) for row in child.iterchildren(_W + "tr")]
                texts = [[[shown_text(p) for p in cell.iter(_W + "p")] for cell in cells] for _, cells in rows]
                form = any(sum(map(len, lines)) >= LONG_CELL for row_texts in texts for lines in row_texts)
                for (_, cells), row_texts in zip(rows, texts):
                    yield from self.row_blocks(cells, row_texts, form)
            elif child.tag in (_W + "sdt", _W + "customXml"):  # content controls, custom XML around blocks
                content = child.find(_W + "sdtContent")
                yield from self.blocks(content if content is not None else child)

    def style_of(self, paragraph):
        """The paragraph's style, looked up once per style (python-docx searches the styles part each time)."""
        props = paragraph._p.pPr
        style_id = props.style if props is not None else None
        if style_id not in self.styles:
            self.styles[style_id] = paragraph.style
        return self.styles[style_id]

    def row_blocks(self, cells, texts, form: bool = False):
        """A table row's cells in order (a merged cell is one element: read once), `texts` their paragraphs' text;
        a cell of several short labels
        stacked beside a cell holding the text (一、成效 二、问题 三、打算 beside the paragraphs) is the layout's,
        not the report's, and cannot be matched to its paragraphs: left out, and listed. In a `form` (a table with
        the report in a cell: 述职报告表, 年度考核登记表) a row of short fields (姓名 | 单位 | 职务) and a row others
        fill in (组织评价意见, 民主测评, 签字) are the form's, not the report's: left out too."""
        if len(cells) < 2:  # nothing beside it: no labels to tell
            yield from (block for cell in cells for block in self.blocks(cell))
            return
        holds_text = any(sum(map(len, lines)) >= LONG_CELL for lines in texts)
        if form and (not holds_text or _OTHERS.search("".join(texts[0]).replace(" ", ""))):
            self.left_out += [line for lines in texts for line in lines if line.strip()]
            return
        for cell, lines in zip(cells, texts):
            labels = [line for line in lines if line.strip()]
            # one label heads its row's text (一、主要工作 | the paragraphs): it stays, read before them
            if holds_text and len(labels) > 1 and all(len(line.strip()) <= LABEL and "。" not in line for line in labels):
                self.left_out += labels
                continue
            yield from self.blocks(cell)

    def paragraph_blocks(self, element):
        paragraph = self.paragraph(element, self.document._body)
        style = self.style_of(paragraph)
        level = _paragraph_level(paragraph, style)
        number = self.numbering.label(paragraph, style)
        lines = (number + shown_text(element)).split("\n")  # soft line breaks
        if level is not None:
            lines = ["".join(lines)]
        for line in lines:
            if text := normalize_spaces(line):
                yield Block(text, level)


def _paragraph_level(paragraph, style) -> int | None:
    hops = 0
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
