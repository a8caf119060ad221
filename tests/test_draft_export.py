"""Word export read back: 党政机关公文格式 (GB/T 9704-2012) page, fonts, sizes, black text, optional 出处 lines."""
from __future__ import annotations

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from fanwen.index.drafting.export import to_docx
from fanwen.index.drafting.outline import build_outline

TOPIC = "街道党工委书记 抓基层党建工作述职"
TITLE = "街道党工委书记抓基层党建工作述职报告"


@pytest.fixture(scope="module")
def outline(corpus_library):
    return build_outline(corpus_library, TOPIC)


def read_back(outline, tmp_path, **kwargs):
    import docx

    path = tmp_path / "draft.docx"
    to_docx(outline, path, **kwargs)
    return docx.Document(str(path))


def effective(paragraph, run, name: str):
    """A run property from the run, else its paragraph style chain (python-docx does not resolve it)."""
    rpr = run._element.rPr
    element = rpr.find(qn(name)) if rpr is not None else None
    style = paragraph.style
    while element is None and style is not None:
        rpr = style.element.rPr
        element = rpr.find(qn(name)) if rpr is not None else None
        style = style.base_style
    return element


def east_asian_font(paragraph, run) -> str | None:
    fonts = effective(paragraph, run, "w:rFonts")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def size(paragraph, run) -> float:
    return int(effective(paragraph, run, "w:sz").get(qn("w:val"))) / 2


def test_a4_page_and_margins(outline, tmp_path):
    section = read_back(outline, tmp_path).sections[0]
    for got, want in ((section.page_width, 21), (section.page_height, 29.7), (section.top_margin, 3.7),
                      (section.bottom_margin, 3.5), (section.left_margin, 2.8), (section.right_margin, 2.6)):
        assert abs(got - Cm(want)) <= Cm(0.01), (got.cm, want)


def test_title_headings_and_body_fonts(outline, tmp_path):
    document = read_back(outline, tmp_path)
    paragraphs = [p for p in document.paragraphs if p.text]
    title = paragraphs[0]
    assert title.text == TITLE and title.alignment in (None, WD_ALIGN_PARAGRAPH.CENTER)
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    kinds = {"title": [title], "h1": [p for p in paragraphs if p.text[0] in "一二三" and p.text[1] == "、"],
             "h2": [p for p in paragraphs if p.text.startswith(("（一）存在", "（二）原因"))]}
    kinds["body"] = [p for p in paragraphs[1:] if p not in kinds["h1"] + kinds["h2"]]
    assert [p.text for p in kinds["h1"]] == ["一、主要做法和成效", "二、存在的问题及原因", "三、下一步打算"]
    assert len(kinds["h2"]) == 2 and len(kinds["body"]) == len(outline.slots())
    want = {"title": ({"方正小标宋简体"}, 22), "h1": ({"黑体"}, 16), "h2": ({"楷体_GB2312", "楷体"}, 16),
            "body": ({"仿宋_GB2312", "仿宋"}, 16)}
    for kind, items in kinds.items():
        fonts, points = want[kind]
        for paragraph in items:
            for run in paragraph.runs:
                assert east_asian_font(paragraph, run) in fonts, (kind, paragraph.text[:10])
                assert size(paragraph, run) == points, (kind, paragraph.text[:10])


def test_line_spacing_and_indent(outline, tmp_path):
    document = read_back(outline, tmp_path)
    for paragraph in document.paragraphs[1:]:
        fmt = paragraph.style.paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and Pt(28) <= fmt.line_spacing <= Pt(29)
        assert fmt.first_line_indent == Pt(32)  # two 三号 characters
        assert paragraph.style.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"


def test_every_run_is_black_without_theme_colours(outline, tmp_path):
    document = read_back(outline, tmp_path, citations=True)
    runs = [(p, r) for p in document.paragraphs for r in p.runs]
    assert runs
    for paragraph, run in runs:
        color = effective(paragraph, run, "w:color")
        assert color is not None and color.get(qn("w:val")) == "000000", paragraph.text[:10]
        assert color.get(qn("w:themeColor")) is None
    for name in {p.style.name for p in document.paragraphs}:  # the styles in use keep no theme colour either
        style = document.styles[name]
        assert "themeColor" not in style.element.xml and style.font.color.rgb == (0, 0, 0), name
        assert "pBdr" not in style.element.xml  # the template Title's blue rule


def test_citations_only_when_asked(outline, tmp_path):
    plain = [p.text for p in read_back(outline, tmp_path).paragraphs]
    assert not any("出处" in text or "段落 #" in text for text in plain)
    cited = [p.text for p in read_back(outline, tmp_path, citations=True).paragraphs]
    lines = [text for text in cited if text.startswith("出处：《")]
    assert len(lines) == len(outline.slots())
    for slot in outline.slots():
        assert any(f"段落 #{slot.exemplar.id}" in text for text in lines)
