"""A real PDF's page furniture told by type size and place: footnotes at a page's foot, the raised note numbers
in the text, a running header; an indented line opens a paragraph even after a full line ending a sentence."""
from pathlib import Path

from fanwen.index.ingest.readers import read_document

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
LEFT, TOP, LEADING = 70, 780, 22


def draw(path: Path, pages: list[list[tuple[str, float, float]]]) -> None:
    """Each page's lines as (text, size, indent in characters), top down; a (text, size) run ending in a digit
    set at 6 pt is a raised note number."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    pdf = canvas.Canvas(str(path))
    for page in pages:
        y = TOP
        for text, size, indent in page:
            line = pdf.beginText(LEFT + indent * 12, y)
            for part in text.split("^"):  # ^3 marks a raised note number 3, set small in the same line
                if part[:1].isdigit() and size == 12:
                    line.setFont("wqy", 6)
                    line.setRise(5)
                    line.textOut(part[0])
                    line.setRise(0)
                    part = part[1:]
                line.setFont("wqy", size)
                line.textOut(part)
            pdf.drawText(line)
            y -= LEADING if size >= 12 else 14
        pdf.showPage()
    pdf.save()


def test_notes_headers_and_note_numbers_go_and_an_indent_opens_a_paragraph(tmp_path):
    full = "坚持党组书记带头抓、班子成员分工抓、支部书记具体抓，将党建工作与业务同部署。"  # 37 characters: a full line
    page_one = [("XX县医疗保障局党组书记抓基层党建工作述职报告", 16, 4), ("一、履职尽责情况", 12, 0),
                (full, 12, 2), ("严格落实“第一议题”制度^1，全年召开党组理论学习中心组集体学习11次，我带头撰写", 12, 2),
                ("调研报告2篇。", 12, 0), ("1“第一议题”制度：指把学习总书记最新重要讲话作为第一议程的制度。", 9, 0),
                ("—  1  —", 12, 15)]
    header = ("县医保局党组书记抓基层党建工作述职", 9, 10)  # at the head of every page after the first
    page_two = [header, ("二、存在的问题", 12, 0), ("一是党建与业务融合的深度还不够，以党建促业务的办法还不多。", 12, 2),
                ("序号 指标 完成", 9, 0), ("1 发展党员 5名", 9, 0)]  # a table set small, not at the page's head
    page_three = [header, ("2 示范岗 12个", 9, 0),  # the table runs on: its next row set small at the page's head
                  ("三、下一步打算", 12, 0), (full, 12, 2), ("新的一年，我将进一步提高政治站位，认真履行第一责任人职责。", 12, 2),
                  ("以上述职，敬请各位领导和同志们批评指正。", 12, 2)]
    path = tmp_path / "notes.pdf"
    draw(path, [page_one, page_two, page_three])
    document = read_document(path)
    texts = [block.text for block in document.blocks]
    assert "严格落实“第一议题”制度，全年召开党组理论学习中心组集体学习11次，我带头撰写调研报告2篇。" in texts
    assert not any("第一议程" in text or "县医保局党组书记抓" in text for text in texts)
    assert full in texts and "新的一年，我将进一步提高政治站位，认真履行第一责任人职责。" in texts  # not glued together
    assert any("第一议程" in line for line in document.dropped)  # left out, and listed as such
    assert any("示范岗12个" in text for text in texts)  # a table's row at a page's head is no running header


def test_a_small_digit_without_notes_stays(tmp_path):
    path = tmp_path / "plain.pdf"
    draw(path, [[("XX镇党委书记抓基层党建工作述职报告", 16, 4), ("一、主要工作", 12, 0),
                 ("全年新建党群服务中心^4个，覆盖全部行政村。", 12, 2)]])
    assert "全年新建党群服务中心4个，覆盖全部行政村。" in [block.text for block in read_document(path).blocks]


def test_a_title_set_large_over_two_lines_is_one_and_a_masthead_above_it_goes(tmp_path):
    from fanwen.index.ingest.pipeline import parse_file

    body = "2024年，在县委和县委组织部的坚强领导下，我认真履行局党委书记抓基层党建第一责任"
    path = tmp_path / "gongwen.pdf"
    draw(path, [[("中共XX县交通运输局委员会", 22, 3), ("交运局党〔2025〕3号", 12, 12),
                 ("关于2024年度履行抓基层党建", 18, 5), ("工作职责情况的述职报告", 18, 6), ("中共XX县委组织部：", 12, 0),
                 (body, 12, 2), ("人职责，坚持以党建引领交通运输高质量发展。", 12, 0), ("一、履行职责情况", 12, 2),
                 ("坚持把抓好党建作为最大政绩，年初召开党委会专题研究党建工作4次，制定三级责任", 12, 2),
                 ("清单。", 12, 0), ("以上报告，请予审阅。", 12, 2)]])
    parsed = parse_file(path)
    assert parsed.title == "关于2024年度履行抓基层党建工作职责情况的述职报告"
    kept = "".join(piece.text for piece in parsed.pieces)
    assert "委员会" not in kept and "〔2025〕" not in kept
    assert parsed.pieces[0].text == body + "人职责，坚持以党建引领交通运输高质量发展。"


def test_a_table_set_small_at_a_pages_foot_is_no_block_of_notes(tmp_path):
    path = tmp_path / "table.pdf"
    draw(path, [[("XX镇党委书记抓基层党建工作述职报告", 16, 4), ("一、主要工作", 12, 0),
                 ("全年主要指标完成情况如下，各项任务均已完成。", 12, 2), ("1 发展党员 5名", 9, 0), ("2 党员示范岗 12个", 9, 0)]])
    kept = "".join(block.text for block in read_document(path).blocks)
    assert "发展党员5名" in kept.replace(" ", "") and "党员示范岗12个" in kept.replace(" ", "")


PARAGRAPHS = ["XX县统计局党组书记抓基层党建工作述职报告", "一、主要工作", "全年召开党组会专题研究党建工作6次，带头讲党课3次。",
              "二、存在的问题", "一是党建与统计业务融合还不够紧密。", "以上述职，请予评议。"]


def canvas_pdf(path: Path, draw_page) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    pdf = canvas.Canvas(str(path))
    draw_page(pdf)
    pdf.showPage()
    pdf.save()


def test_a_page_set_character_by_character_or_drawn_from_its_foot_up_reads_top_down(tmp_path):
    def each_character(pdf):
        for row, text in enumerate(PARAGRAPHS * 2):
            pdf.setFont("wqy", 12)
            for column, char in enumerate(text):
                pdf.drawString(LEFT + 12 * column, TOP - LEADING * row, char)

    def foot_up(pdf):
        pdf.setFont("wqy", 12)
        for row, text in reversed(list(enumerate(PARAGRAPHS * 2))):
            pdf.drawString(LEFT, TOP - LEADING * row, text)

    for name, draw_page in (("chars.pdf", each_character), ("reversed.pdf", foot_up)):
        canvas_pdf(tmp_path / name, draw_page)
        assert [block.text for block in read_document(tmp_path / name).blocks][:6] == PARAGRAPHS, name


def test_contents_entries_drawn_in_pieces_are_one_line_and_text_set_aslant_is_left_out(tmp_path):
    def page(pdf):
        pdf.saveState()
        pdf.setFont("wqy", 40)
        pdf.translate(150, 300)
        pdf.rotate(45)
        pdf.drawString(0, 0, "内部资料 注意保密")  # a watermark across the page
        pdf.restoreState()
        pdf.setFont("wqy", 12)
        pdf.drawString(LEFT, TOP, "目录")
        for row, (entry, page_number) in enumerate([("一、履职情况", "3"), ("二、存在问题", "4")], start=1):
            pdf.drawString(LEFT, TOP - LEADING * row, entry)
            pdf.drawString(LEFT + 80, TOP - LEADING * row, "…" * 20)
            pdf.drawString(LEFT + 330, TOP - LEADING * row, page_number)
        for row, text in enumerate(PARAGRAPHS, start=4):
            pdf.drawString(LEFT, TOP - LEADING * row, text)

    canvas_pdf(tmp_path / "contents.pdf", page)
    document = read_document(tmp_path / "contents.pdf")
    texts = [block.text for block in document.blocks]
    assert "一、履职情况" + "…" * 20 + "3" in texts and not any("保密" in text for text in texts)
    assert any("内部资料" in line for line in document.dropped)


def test_a_page_that_goes_on_in_two_columns_joins_each_columns_lines(tmp_path):
    wide = "2024年，我坚持以党的创新理论为指导，认真履行党组书记抓党建第一责任人职责，现将履职情况报告如下。"
    left = ["坚持书记抓、抓书记，年初与", "班子成员逐一签订党建工作责", "任书，明确任务32项。"]
    right = ["结合机构调整，将原服务中心", "党小组升格为独立党支部，全", "年发展党员2名。"]

    def page(pdf):
        pdf.setFont("wqy", 12)
        pdf.drawString(LEFT + 24, TOP, wide[:40])
        pdf.drawString(LEFT, TOP - LEADING, wide[40:])
        for column, lines in ((LEFT, left * 3), (LEFT + 240, right * 3)):
            for row, text in enumerate(lines):
                indent = 24 if row % 3 == 0 else 0  # each paragraph's first line set in two characters
                pdf.drawString(column + indent, TOP - LEADING * (row + 3), text)
        pdf.setFont("wqy", 9)
        for row in range(3):  # a footer's x shared by three lines: no column's margin
            pdf.drawString(LEFT + 210, 40 + 12 * row, f"第 {row + 1} 行")

    canvas_pdf(tmp_path / "columns.pdf", page)
    texts = [block.text for block in read_document(tmp_path / "columns.pdf").blocks]
    assert "".join(left) in texts and "".join(right) in texts


def test_a_fax_line_and_a_scanner_mark_at_each_pages_edge_do_not_split_a_paragraph(tmp_path):
    fax = "01/09/2025 16:22 0XXX5526018 XX GONGSHUI CO. #0187 P.00{}/002"
    lines = ["夏季用水高峰期间，党员突击队实行二十四小时轮班值守，全年共抢修城区", "供水管网爆管和漏损点五十七处，及时处置水质异常情况三起，保障了城区",
             "和重点乡镇正常供水，群众对供水服务的满意率达到百分之九十七点八。"]
    page_one = [(fax.format(1), 9, 0), ("XX县城乡供水有限公司党支部书记述职报告", 16, 4), ("一、主要成效", 12, 0),
                ("坚持把支部建在生产一线，按照水厂、管网、营业三个片区设立党小组。", 12, 2), (lines[0], 12, 2), (lines[1], 12, 0),
                ("扫描全能王 创建", 9, 20)]
    page_two = [(fax.format(2), 9, 0), (lines[2], 12, 0), ("以上述职，请各位领导、同志们评议。", 12, 2)]
    path = tmp_path / "fax.pdf"
    draw(path, [page_one, page_two])
    document = read_document(path)
    texts = [block.text for block in document.blocks]
    assert "".join(lines) in texts
    assert not any("GONGSHUI" in text or "扫描全能王" in text for text in texts)
    assert any("P.002/002" in line for line in document.dropped)
