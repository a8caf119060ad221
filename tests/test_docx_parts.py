"""A .docx read as Word shows it: tracked changes, automatic numbers, content controls, smart tags, simple
fields and text boxes (python-docx's paragraph text misses or repeats each of them)."""
import docx
from docx.oxml import parse_xml

from fanwen.index.ingest.readers import read_document

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def texts(path):
    return [block.text for block in read_document(path).blocks]


def run(text):
    return f"<w:r><w:t>{text}</w:t></w:r>"


def paragraph_xml(inner):
    return parse_xml(f"<w:p {W}>{inner}</w:p>")


def test_tracked_insertions_are_kept_and_deletions_are_gone(tmp_path):
    document = docx.Document()
    body = document.element.body
    body.append(paragraph_xml(run("全年开展") + f'<w:ins w:id="1" w:author="李XX">{run("主题党日")}</w:ins>'
                              + f'<w:del w:id="2" w:author="李XX"><w:r><w:delText>各类</w:delText></w:r></w:del>'
                              + run("活动12次。")))
    body.append(paragraph_xml(f'<w:ins w:id="3" w:author="李XX">{run("新增一段：选派第一书记3名。")}</w:ins>'))
    path = tmp_path / "tracked.docx"
    document.save(path)
    assert texts(path) == ["全年开展主题党日活动12次。", "新增一段：选派第一书记3名。"]



def test_hidden_text_is_not_read_as_word_neither_shows_nor_prints_it(tmp_path):
    hidden = '<w:r><w:rPr><w:vanish/><w:color w:val="C9211E"/></w:rPr><w:t>{}</w:t></w:r>'
    document = docx.Document()
    body = document.element.body
    body.append(paragraph_xml(run("全年举办宣传活动28场") + hidden.format("【数据待统计股核对】") + run("，发放资料1.2万份。")))
    body.append(paragraph_xml('<w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr>' + hidden.format("（此段已并入第（三）点，先隐藏）")))
    body.append(paragraph_xml('<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>显示的文字不受影响。</w:t></w:r>'))
    path = tmp_path / "hidden.docx"
    document.save(path)
    assert texts(path) == ["全年举办宣传活动28场，发放资料1.2万份。", "显示的文字不受影响。"]

def add_list(document, levels):
    """A multilevel list definition (level formats and texts) and the numId that uses it."""
    numbering = document.part.numbering_part.element
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
                   for i, (fmt, text) in enumerate(levels))
    numbering.append(parse_xml(f'<w:abstractNum {W} w:abstractNumId="90">{lvls}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def numbered(num_id, level, text):
    return paragraph_xml(f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
                         + run(text))


def test_automatic_numbers_are_written_out_and_restart_under_each_part(tmp_path):
    document = docx.Document()
    num_id = add_list(document, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")])
    body = document.element.body
    for level, text in [(0, "主要工作"), (1, "压实责任"), (2, "年初签订责任书"), (2, "每季度调度"), (1, "建强支部"),
                        (0, "存在的问题"), (1, "融合不够"), (0, "下一步打算")]:
        body.append(numbered(num_id, level, text))
    path = tmp_path / "numbers.docx"
    document.save(path)
    assert texts(path) == ["一、主要工作", "（一）压实责任", "1.年初签订责任书", "2.每季度调度", "（二）建强支部",
                           "二、存在的问题", "（一）融合不够", "三、下一步打算"]


def test_content_controls_smart_tags_and_simple_fields_keep_their_text(tmp_path):
    document = docx.Document()
    body = document.element.body
    body.append(parse_xml(f"<w:sdt {W}><w:sdtPr/><w:sdtContent><w:p>{run('XX镇党委书记抓基层党建工作述职报告')}</w:p>"
                          f"</w:sdtContent></w:sdt>"))
    body.append(paragraph_xml(run("全年主持召开") + f"<w:sdt><w:sdtContent>{run('党委会')}</w:sdtContent></w:sdt>"
                              + run("12次，") + f'<w:smartTag w:uri="urn" w:element="chsdate">{run("2024年1月10日")}</w:smartTag>'
                              + run("完成换届，") + f'<w:fldSimple w:instr=" DOCPROPERTY Company ">{run("XX镇")}</w:fldSimple>'
                              + run("党委全面达标。")))
    path = tmp_path / "controls.docx"
    document.save(path)
    assert texts(path) == ["XX镇党委书记抓基层党建工作述职报告",
                           "全年主持召开党委会12次，2024年1月10日完成换届，XX镇党委全面达标。"]


def test_a_text_box_is_read_once_after_its_anchor_paragraph(tmp_path):
    box = f"<w:txbxContent><w:p>{run('本年度主要数据：发展党员9名')}</w:p></w:txbxContent>"
    anchor = (f"<w:r><mc:AlternateContent {MC}><mc:Choice Requires=\"wps\"><w:drawing>{box}</w:drawing></mc:Choice>"
              f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>")
    document = docx.Document()
    document.element.body.append(paragraph_xml(run("一年来，我认真履行第一责任人职责。") + anchor))
    path = tmp_path / "box.docx"
    document.save(path)
    assert texts(path) == ["一年来，我认真履行第一责任人职责。", "本年度主要数据：发展党员9名"]


def test_a_cell_of_labels_beside_the_report_is_left_out_and_listed(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "一、成效"
    table.cell(0, 0).add_paragraph("二、问题")
    table.cell(0, 0).add_paragraph("三、打算")
    report = ["主要从四个方面抓党建：全年召开党组会专题研究党建工作8次，带头讲党课3次，推动党建与信访业务深度融合。",
              "对照县委要求和群众期盼，还存在一些差距：党员平均年龄偏大，支部书记抓党建的精力投入不足。",
              "下一步，我将持续压实责任，每季度至少到联系支部调研一次，推动信访积案攻坚。"]
    table.cell(0, 1).text = report[0]
    for text in report[1:]:
        table.cell(0, 1).add_paragraph(text)
    table.add_row().cells[0].text = "填表人：王XX"  # a form's field, not the report
    path = tmp_path / "layout_table.docx"
    document.save(path)
    read = read_document(path)
    assert [block.text for block in read.blocks] == report
    assert read.dropped == ["一、成效", "二、问题", "三、打算", "填表人：王XX"]


def test_a_forms_fields_and_the_rows_others_fill_in_are_left_out(tmp_path):
    """述职述廉报告表: the report in one cell; name and post, the organisation's assessment and the vote are the form's."""
    document = docx.Document()
    table = document.add_table(rows=4, cols=2)
    fields = [("姓名", "秦XX"), ("单位及职务", "县城市管理局党组书记、局长")]
    for row, (label, value) in zip(table.rows, fields):
        row.cells[0].text, row.cells[1].text = label, value
    report = ["2024年，我认真履行党组书记抓基层党建第一责任人职责，全年主持召开党组会议研究党建工作8次，带头讲党课3次。",
              "对照县委要求，还存在支部书记抓党建精力投入不足、党员教育方式单一等问题，下一步将建立季度督导制度。"]
    table.rows[2].cells[0].text = "述职内容"
    table.rows[2].cells[1].text = report[0]
    table.rows[2].cells[1].add_paragraph(report[1])
    table.rows[3].cells[0].text = "组织评价意见"
    table.rows[3].cells[1].text = "该同志政治素质好，抓党建工作思路清晰、措施有力，今后要进一步加强对基层支部的指导。"
    path = tmp_path / "form.docx"
    document.save(path)
    read = read_document(path)
    assert [block.text for block in read.blocks] == ["述职内容", *report]
    assert "秦XX" in read.dropped and "组织评价意见" in read.dropped


def test_a_second_report_styled_title_starts_afresh(tmp_path):
    from fanwen.index.ingest.pipeline import parse_file

    document = docx.Document()
    document.add_paragraph("XX县总工会党组书记2024年度抓基层党建工作述职报告", style="Title")
    for text in ["一、主要工作", "全年组织党组理论学习中心组学习10次。", "二、下一步打算", "一是深化“党工共建”，推行双向进入。",
                 "以上述职，请予评议。"]:
        document.add_paragraph(text)
    document.add_paragraph("XX县科协党组书记2024年度抓基层党建工作述职报告", style="Title")
    for text in ["一年来，我坚持把抓基层党建作为履职尽责的首要任务。", "一、履职情况", "年初制定党建工作责任清单，明确任务19项。"]:
        document.add_paragraph(text)
    path = tmp_path / "two.docx"
    document.save(path)
    pieces = parse_file(path).pieces
    second = next(piece for piece in pieces if piece.text.startswith("一年来"))
    assert second.role == "opening" and second.heading_path == []
    assert next(piece for piece in pieces if piece.text.startswith("以上述职")).role == "closing"


def test_a_row_whose_one_label_heads_its_text_keeps_the_label_as_a_heading(tmp_path):
    from fanwen.index.ingest.pipeline import parse_file

    document = docx.Document()
    document.add_paragraph("XX镇党委书记2024年度抓基层党建工作述职报告")
    table = document.add_table(rows=2, cols=2)
    rows = [("一、主要工作", "全年召开党委会专题研究党建工作8次，带头讲党课3次，推动党建与乡村振兴深度融合，村级集体经济收入全部超过10万元。"),
            ("二、存在的问题", "对照县委要求，党建与业务融合还不够紧密，个别村党组织书记年龄偏大、带富能力不强，党员教育管理方式较为单一。")]
    for row, (label, text) in zip(table.rows, rows):
        row.cells[0].text, row.cells[1].text = label, text * 2  # a cell holding the text: 100 characters or more
    path = tmp_path / "rows.docx"
    document.save(path)
    pieces = parse_file(path).pieces
    assert list(dict.fromkeys((tuple(piece.heading_path), piece.role) for piece in pieces)) == [
        (("一、主要工作",), "achievements"), (("二、存在的问题",), "problems")]
