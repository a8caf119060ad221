"""Tests for index.readers on real .txt/.md/.docx/.pdf files written to tmp_path."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from fanwen.index.errors import FanwenError, UnreadableFile, UnsupportedFormat
from fanwen.index.ingest.pdf import rejoin
from fanwen.index.ingest.readers import RawDocument, normalize_spaces, read_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

# Lines copied from corpus/机关党委书记抓基层党建工作述职报告（2019）.txt
TITLE = "抓基层党建工作述职报告"
OPENING = ("2019年，在XX的坚强领导下，我认真履行全面从严治党“第一责任人”责任，坚持以习近平新时代中国特色"
           "社会主义思想为指导，严格落实新时代党的建设总要求，全面加强机关党的建设，为确保党XX重大决策部署"
           "的贯彻落实，以及XX工作的完成提供了坚强组织保证。现将履职情况报告如下。")
HEADING = "一、主要做法和成效"
POINT = ("一是强化政治担当，严格落实主体责任。把落实全面从严治党作为最根本的政治担当，坚持思想上重视、精力上"
         "投入、工作上抓实，牢牢牵住全面从严治党责任制“牛鼻子”，研究制定《2019年度落实全面从严治党主体责任"
         "实施方案》，建立领导班子、主要负责人、班子成员、机关党委、机关纪委、党支部等六级责任体系，形成一级"
         "抓一级、层层抓落实、责任全覆盖的格局。建立健全每月清单提示、季度自查、半年互比互查、年度述职考核的"
         "X个方面管控体系，对主体责任落实情况实现全程监督、应督尽督，倒逼责任落实。")
PROBLEMS = "二、存在的问题及原因"


def texts(doc: RawDocument) -> list[str]:
    return [b.text for b in doc.blocks]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("raw, expected", [
    ("2019 年", "2019年"),
    ("党 建 工 作", "党建工作"),
    ("建立健全 X 个方面管控体系", "建立健全X个方面管控体系"),
    ("\u3000\u3000根据区委工作要求，我就述职如下：  ", "根据区委工作要求，我就述职如下："),
    ("落实“第一责任人” 责任", "落实“第一责任人”责任"),
    ("使用 Python 语言", "使用Python语言"),
    ("open  source\u00a0software", "open source software"),
    ("党\u2002建\u200b工作", "党建工作"),
    ("2019 年 12 月 \n 一、 主要工作 ", "2019年12月\n一、主要工作"),
])
def test_normalize_spaces(raw, expected):
    assert normalize_spaces(raw) == expected


def test_utf8_txt_lines_become_blocks(tmp_path):
    body = f"{TITLE}\r\n\r\n\u3000\u3000{OPENING}\r\n{HEADING}\r\n{POINT}\r\n"
    doc = read_document(write(tmp_path, "report.txt", body.encode("utf-8")))
    assert (doc.format, doc.encoding) == ("txt", "utf-8")
    assert texts(doc) == [TITLE, OPENING, HEADING, POINT]
    assert all(b.level is None for b in doc.blocks)


def test_utf8_bom_is_stripped(tmp_path):
    doc = read_document(write(tmp_path, "bom.txt", f"{TITLE}\n{HEADING}\n".encode("utf-8-sig")))
    assert doc.encoding == "utf-8-sig"
    assert texts(doc) == [TITLE, HEADING]


def test_gb18030_txt(tmp_path):
    doc = read_document(write(tmp_path, "gbk.txt", f"{TITLE}\n{OPENING}\n".encode("gb18030")))
    assert doc.encoding == "gb18030"
    assert texts(doc) == [TITLE, OPENING]


def test_utf16_with_bom(tmp_path):
    doc = read_document(write(tmp_path, "u16.txt", f"{HEADING}\r\n{POINT}\r\n".encode("utf-16")))
    assert doc.encoding == "utf-16"
    assert texts(doc) == [HEADING, POINT]


def test_big5_falls_back_to_detection(tmp_path):
    # GB18030 accepts these bytes too, but only as private-use junk
    line = "根據區委工作要求，我就政府辦黨組年度黨組書記履職情況述職如下："
    doc = read_document(write(tmp_path, "big5.txt", (line + "\n").encode("big5") * 3))
    assert doc.encoding == "big5"
    assert texts(doc) == ["根据区委工作要求，我就政府办党组年度党组书记履职情况述职如下："] * 3  # held in simplified characters


def test_upper_case_extension_dispatches(tmp_path):
    doc = read_document(write(tmp_path, "REPORT.TXT", HEADING.encode("utf-8")))
    assert texts(doc) == [HEADING]


def test_real_corpus_file():
    path = CORPUS / "机关党委书记抓基层党建工作述职报告（2019）.txt"
    doc = read_document(path)
    raw_lines = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    assert len(doc.blocks) == len(raw_lines)
    assert texts(doc)[1:5] == [TITLE, OPENING, HEADING, raw_lines[4]]
    assert PROBLEMS in texts(doc)


def test_markdown_headings_emphasis_and_bullets(tmp_path):
    md = (f"# {TITLE}\n\n## {HEADING}\n\n**一是强化政治担当**，严格落实主体责任。\n"
          "- 季度自查\n* 半年互比互查\n\n---\n填写____年__月__日\n#### 四级 ####\n###### 六级\n")
    doc = read_document(write(tmp_path, "r.md", md.encode("utf-8")))
    assert doc.format == "md"
    assert [(b.text, b.level) for b in doc.blocks] == [
        (TITLE, 0), (HEADING, 1), ("一是强化政治担当，严格落实主体责任。", None),
        ("季度自查", None), ("半年互比互查", None), ("填写____年__月__日", None),
        ("四级", 3), ("六级", 4),
    ]


NOTE_EXPORT = """---
title: 述职报告（定稿v3）
date: 2024-01-09 21:14:07
tags:
  - 述职
---

<a name="Hk2sP"></a>
# 城南街道党工委书记抓基层党建工作述职报告

> 💡 **周书记批注（1月5日）：** 数据请再核一遍。

[原文链接](https://example.feishu.cn/docx/Vb2Q)

## 一、主要工作及成效

### （一）强化政治引领

1. **推行“大党委”。** 吸纳驻区单位32家。

| 指标 | 2022年 | 2023年 |
| :--- | ---: | ---: |
| 小区党支部（个） | 18 | 41 |

![](https://cdn.example.com/a.png#width=760)

> 这一段引用的是区委的原话。

---
*本文档最后由 党建办-小刘 编辑于 2024-01-11 08:32*
"""


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_note_app_markdown_export(tmp_path, suffix):
    """A 语雀/飞书 export, also when saved as .txt: front matter, anchors, link and image lines and a
    reviewer's quoted remark go; the lone # heading is the title and ## / ### sit at levels 1 / 2; a
    table row reads as its cells; a plain quote stays."""
    doc = read_document(write(tmp_path, "note" + suffix, NOTE_EXPORT.encode("utf-8")))
    assert doc.format == "md"
    assert [(b.text, b.level) for b in doc.blocks] == [
        ("城南街道党工委书记抓基层党建工作述职报告", 0), ("一、主要工作及成效", 1), ("（一）强化政治引领", 2),
        ("1.推行“大党委”。吸纳驻区单位32家。", None), ("指标2022年2023年", None),
        ("小区党支部（个）18 41", None), ("这一段引用的是区委的原话。", None),
        ("本文档最后由党建办-小刘编辑于2024-01-11 08:32", None),
    ]
    assert "> 💡 **周书记批注（1月5日）：** 数据请再核一遍。" in doc.dropped  # a remark left out is reported
    assert "title: 述职报告（定稿v3）" in doc.dropped


def test_plain_text_with_a_hash_is_not_markdown(tmp_path):
    text = "抓基层党建工作述职报告\n# 这一行以井号开头\n一、主要工作\n![不是图片]\n"
    doc = read_document(write(tmp_path, "r.txt", text.encode("utf-8")))
    assert doc.format == "txt" and texts(doc)[1] == "#这一行以井号开头"


def test_docx_styles_give_levels(tmp_path):
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph(OPENING)
    document.add_paragraph(HEADING, style="Heading 1")
    document.add_paragraph("（一）履行基层党建工作责任", style="Heading 2")
    document.add_paragraph("")
    document.add_paragraph("\u3000\u3000" + POINT)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "季度自查"
    table.cell(0, 1).text = "年度述职考核"
    document.styles.add_style("标题 3", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("1.压实党建主体责任", style="标题 3")
    document.add_paragraph(PROBLEMS, style="Heading 1")
    path = tmp_path / "report.docx"
    document.save(path)

    doc = read_document(path)
    assert (doc.format, doc.encoding) == ("docx", None)
    assert [(b.text, b.level) for b in doc.blocks] == [
        (TITLE, 0), (OPENING, None), (HEADING, 1), ("（一）履行基层党建工作责任", 2), (POINT, None),
        ("季度自查", None), ("年度述职考核", None), ("1.压实党建主体责任", 3), (PROBLEMS, 1),
    ]


def test_docx_merged_cells_outline_level_and_soft_breaks(tmp_path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "合并单元格"
    table.cell(1, 0).text = "左"
    table.cell(1, 1).text = "右"
    heading = document.add_paragraph("二、存在的问题")
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "1")
    heading._p.get_or_add_pPr().append(outline)
    document.add_paragraph("第一行").add_run().add_break()
    document.paragraphs[-1].add_run("第二行")
    path = tmp_path / "table.docx"
    document.save(path)

    assert [(b.text, b.level) for b in read_document(path).blocks] == [
        ("合并单元格", None), ("左", None), ("右", None), ("二、存在的问题", 2),
        ("第一行", None), ("第二行", None),
    ]


def test_docx_without_text(tmp_path):
    import docx

    path = tmp_path / "blank.docx"
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(path)
    with pytest.raises(UnreadableFile, match=r"blank\.docx：文件里没有文字"):
        read_document(path)


def make_pdf(path: Path, paragraphs: list[str]) -> None:
    """A small A5 PDF in the WenQuanYi font with a page number in each footer."""
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    if not FONT.exists():
        pytest.skip("wqy-zenhei font not installed")
    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    style = ParagraphStyle("body", fontName="wqy", fontSize=12, leading=18, wordWrap="CJK")

    def footer(canvas, pdf):
        canvas.setFont("wqy", 9)
        canvas.drawCentredString(A5[0] / 2, 20, f"- {pdf.page} -")

    pdf = SimpleDocTemplate(str(path), pagesize=A5)
    pdf.build([Paragraph(p, style) for p in paragraphs], onFirstPage=footer, onLaterPages=footer)


def test_pdf_rejoins_wrapped_paragraphs(tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "report.pdf"
    spaced = OPENING.replace("2019年", "2019 年", 1)  # as some PDF producers space digits
    point = POINT.replace("X个方面", "X 个方面")
    make_pdf(path, [TITLE, spaced, HEADING, point, point, PROBLEMS])
    raw = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert "2019 年" in raw and len(PdfReader(path).pages) >= 2  # the test is only meaningful if so
    assert len(raw.splitlines()) > 15

    doc = read_document(path)
    assert doc.format == "pdf"
    assert texts(doc) == [TITLE, OPENING, HEADING, POINT, POINT, PROBLEMS]
    assert all(b.level is None for b in doc.blocks)


def test_rejoin_rules():
    full = "建立健全每月清单提示、季度自查、半年互比互查、年度述职考核的管控"  # no end punctuation
    wrap = "体系，倒逼责任落实，" + full[:20]
    heading = "（一）" + full  # headings run into their text in these reports
    point = "一是积极履行职责，" + full[:20]
    lines = [full, wrap, full, heading, point, full, "1.压实主体责任", "short line", full]
    assert rejoin(lines) == [
        full + wrap + full,
        heading + point + full,  # 一是 alone does not start a paragraph
        "1.压实主体责任", "short line", full,  # short lines end a paragraph
    ]


def test_pdf_without_text(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 200, 200, fill=1)
    pdf.save()
    with pytest.raises(UnreadableFile, match=r"scan\.pdf：扫描件无法识别文字，请先做文字识别（OCR）或上传 Word 版"):
        read_document(path)


@pytest.mark.parametrize("name, data, pattern", [
    ("empty.txt", b"", r"empty\.txt: file is empty"),
    ("blank.md", " \r\n\t\n\u3000\n".encode("utf-8"), r"blank\.md: file contains only whitespace"),
    ("junk.txt", bytes(range(256)) * 8, r"junk\.txt: binary content"),
    ("ctrl.txt", bytes(range(1, 32)) * 20 + "党建".encode("utf-8"), r"ctrl\.txt: binary content"),
    ("zipped.txt", b"PK\x03\x04" + b"\x14" * 40, r"zipped\.txt: binary content, looks like a zip"),
    ("fake.docx", "这其实是一个文本文件".encode("utf-8"), r"fake\.docx: corrupt \.docx"),
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, r"old\.docx: .*old \.doc"),
    ("fake.pdf", b"hello world", r"fake\.pdf: corrupt \.pdf, not a PDF"),
])
def test_unreadable_files(tmp_path, name, data, pattern):
    with pytest.raises(UnreadableFile) as info:
        read_document(write(tmp_path, name, data))
    assert re.search(pattern, info.value.en) and "\n" not in str(info.value)


def test_zip_that_is_not_a_docx(tmp_path):
    path = tmp_path / "bad.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    with pytest.raises(UnreadableFile, match=r"bad\.docx：\.docx 文件已损坏"):
        read_document(path)


def test_truncated_pdf(tmp_path):
    whole = tmp_path / "whole.pdf"
    make_pdf(whole, [TITLE, OPENING])
    data = whole.read_bytes()
    path = write(tmp_path, "truncated.pdf", data[: len(data) // 2])
    with pytest.raises(UnreadableFile, match=r"truncated\.pdf：PDF 已损坏") as info:
        read_document(path)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableFile, match=r"nowhere\.txt：找不到这个文件"):
        read_document(tmp_path / "nowhere.txt")


def test_directory_is_unreadable(tmp_path):
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(UnreadableFile, match=r"folder\.md"):
        read_document(tmp_path / "folder.md")


def test_unsupported_extension(tmp_path):
    path = write(tmp_path, "budget.xls", b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnsupportedFormat) as info:
        read_document(path)
    assert info.value.en == "unsupported file type '.xls' for budget.xls: allowed .txt, .md, .docx, .pdf"
    assert str(info.value) == "不支持的文件类型“.xls”（budget.xls）：只能读取 .txt, .md, .docx, .pdf 文件"
    assert isinstance(info.value, FanwenError)


def test_display_name_used_in_messages(tmp_path):
    with pytest.raises(UnreadableFile, match=r"^无法读取 上传的报告\.txt：文件是空的"):
        read_document(write(tmp_path, "tmp123.txt", b""), name="上传的报告.txt")
