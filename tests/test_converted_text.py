"""Reports as converters leave them (PDF footnotes, word-processor and web leftovers): what the index holds."""
from parsing import CLOSING, parse, texts

HEAD = ["中共XX县农业农村局党组书记2024年度抓基层党建工作述职报告", "一、主要工作"]
PROBLEMS = ["二、存在的问题", "一是党建与业务融合不够紧密，个别支部重业务、轻党建。"]


def test_a_pdf_footnote_block_goes_and_its_numbers_leave_the_text(tmp_path):
    lines = HEAD + ["严格落实“第一议题”1制度，全年开展党组理论学习中心组学习12次。县农技推广中心党支部被评为全县“四强”",
                    "党支部2。全年发展党员3名，转正",
                    "1 “第一议题”制度，指党委（党组）会议将学习习近平总书记最新重要讲话和重",
                    "要指示批示精神作为会议第一项议程的制度。",
                    "2 “四强”党支部，指政治功能强、支部班子强、党员队伍强、作用发挥强的党支",
                    "部。", "第 1 页 共 2 页",
                    "预备党员2名。"] + PROBLEMS + [CLOSING]
    parsed = parse(tmp_path, lines)
    body = texts(parsed)[0]
    assert "“第一议题”制度，全年" in body and "“四强”党支部。全年发展党员3名" in body
    assert not any("指党委" in text or "政治功能强" in text or text == "部。" for text in texts(parsed))


def test_a_numbered_list_above_a_page_mark_is_report_text(tmp_path):
    """No number glued to what the lines would explain: they are the report's own points."""
    lines = HEAD + ["全年重点抓了三件事：", "1 建强支部班子，调整充实支部书记4名。", "2 规范组织生活，全年开展主题党日84次。",
                    "第 1 页 共 2 页"] + PROBLEMS + [CLOSING]
    kept = texts(parse(tmp_path, lines))
    assert any("调整充实支部书记4名" in text for text in kept) and any("主题党日84次" in text for text in kept)


def test_a_running_header_above_the_title_is_not_the_title(tmp_path):
    header = "XX镇党委·2023年度述职评议材料"
    lines = [header, "周XX同志2023年度抓基层党建工作述职报告", "（XX镇党委书记　周XX）",
             "2023年，本人认真履行党委书记抓基层党建第一责任人职责，现将有关情况报告如下：", "一、主要工作及成效",
             "坚持把抓好党建作为最大政绩，全年主持召开党委会专题研究党建工作10次。", header] + PROBLEMS + [header, CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "周XX同志2023年度抓基层党建工作述职报告"
    assert not any(header in text for text in texts(parsed))
