"""A python-docx document laid out as 党政机关公文格式 (GB/T 9704-2012): A4, its margins, fonts and sizes, all black."""
from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)  # A4 (§5.2.1)
MARGINS = {"top_margin": Cm(3.7), "bottom_margin": Cm(3.5), "left_margin": Cm(2.8), "right_margin": Cm(2.6)}
TITLE_FONT, H1_FONT, H2_FONT, BODY_FONT = "方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"
CITE_FONT = "楷体_GB2312"
# Word substitutes w:altName when a font is missing: most PCs have 宋体/楷体/仿宋, fewer the GB2312 and 方正 cuts.
FALLBACKS = {"方正小标宋简体": "宋体", "楷体_GB2312": "楷体", "仿宋_GB2312": "仿宋", "黑体": "SimHei"}
TITLE_SIZE, TEXT_SIZE, CITE_SIZE, PAGE_NUMBER_SIZE = Pt(22), Pt(16), Pt(14), Pt(14)  # 二号, 三号, 四号, 四号
# 22 lines of 三号 text fill the 22.5 cm text block (§5.2.2): 637.8 pt / 22 ≈ 28.99, rounded down to fit.
LINE_PITCH = Pt(28.9)
INDENT_CHARS = 2
BLACK = RGBColor(0, 0, 0)
# kind -> (style, font, size); the built-in Title/Heading styles keep their outline levels (navigation pane).
KINDS = {"title": ("Title", TITLE_FONT, TITLE_SIZE), "h1": ("Heading 1", H1_FONT, TEXT_SIZE),
         "h2": ("Heading 2", H2_FONT, TEXT_SIZE), "p": ("Normal", BODY_FONT, TEXT_SIZE),
         "cite": ("Normal", CITE_FONT, CITE_SIZE)}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def new_document():
    """An empty A4 document whose Title, Heading 1/2 and Normal styles follow GB/T 9704."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.orientation, section.page_width, section.page_height = WD_ORIENT.PORTRAIT, PAGE_WIDTH, PAGE_HEIGHT
    for name, length in MARGINS.items():
        setattr(section, name, length)
    for kind, (name, font, size) in KINDS.items():
        if kind != "cite":
            _format_style(document.styles[name], font, size, centred=kind == "title")
    _page_numbers(section)
    _add_fallbacks(document)
    return document


def add_block(document, kind: str, text: str, marks=()) -> None:
    """One paragraph of `kind`; `marks` are (start, end) spans to highlight (placeholders to fill in)."""
    style, font, size = KINDS[kind]
    paragraph, last = document.add_paragraph(style=style), 0
    for start, end in list(marks) + [(len(text), len(text))]:
        if start > last:
            format_run(paragraph.add_run(text[last:start]), font, size)
        if end > start:  # slots to fill stand out in yellow, as on the page
            run = paragraph.add_run(text[start:end])
            format_run(run, font, size)
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        last = max(last, end)


def format_run(run, font: str, size) -> None:
    """Direct formatting too, so the run keeps its look when pasted into another document."""
    run.font.size, run.font.bold, run.font.italic = size, False, False
    run.font.color.rgb = BLACK
    set_fonts(run._element.get_or_add_rPr(), font)


def set_fonts(rpr, font: str) -> None:
    """All four font slots: python-docx's font.name sets only ascii/hAnsi, and theme fonts would win over both."""
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _format_style(style, font: str, size, centred: bool) -> None:
    style.font.size, style.font.bold, style.font.italic = size, False, False
    style.font.color.rgb = BLACK
    rpr = style.element.get_or_add_rPr()
    set_fonts(rpr, font)
    for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):  # a theme colour would override the black
        rpr.find(qn("w:color")).attrib.pop(qn(attr), None)
    for name in ("w:spacing", "w:kern", "w:bCs", "w:szCs"):  # the template's letter spacing, complex-script size
        for element in rpr.findall(qn(name)):
            rpr.remove(element)
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):  # the Title style's blue rule
        ppr.remove(border)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), LINE_PITCH if centred else Pt(0)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY
    if not centred:
        fmt.first_line_indent = size * INDENT_CHARS
        ppr.get_or_add_ind().set(qn("w:firstLineChars"), str(INDENT_CHARS * 100))


def _page_numbers(section) -> None:
    """Centred 四号 page number between dashes (— 1 —, §7.5), in 宋体."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    runs = [paragraph.add_run(text) for text in ("— ", "1", " —")]
    for run in runs:
        format_run(run, "宋体", PAGE_NUMBER_SIZE)
    field = parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"/>')
    runs[1]._element.addprevious(field)
    field.append(runs[1]._element)  # the field's cached result, replaced by Word with the page number


def _add_fallbacks(document) -> None:
    """Entries in word/fontTable.xml naming a commoner font for each 公文 font."""
    part = next((p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    table = parse_xml(part.blob)
    for name, alt in FALLBACKS.items():
        table.append(parse_xml(f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                               f'<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'))
    from lxml import etree

    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
