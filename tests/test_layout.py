"""Layout repair and noise rules on lines of real report text (from corpus/)."""
from fanwen.index.ingest import layout, noise, structure
from fanwen.index.ingest.clean import load_rules
from fanwen.index.ingest.pipeline import tidy_lines
from fanwen.index.ingest.structure import build_outline

# corpus/机关党总支书记党建述职报告.txt
HEAD = "（二）党建与业务工作结合还不够紧密。"
BODY = "抓党建、促发展的站位不高，工作方法不灵活，没有很好地把党建工作与业务工作结合起来，存在两张皮的现象。"
RULES = load_rules()


def tidy(lines):
    return tidy_lines(lines, [None] * len(lines), RULES)


def test_hard_wrapped_lines_rejoin_but_headings_stay_apart():
    text = HEAD + BODY
    wrapped = ["二、存在的主要问题及原因"] + [text[i:i + 20] for i in range(0, len(text), 20)] * 1
    wrapped += ["三、下一步工作思路"] + [text[i:i + 20] for i in range(0, len(text), 20)]
    lines, _ = layout.join_wrapped(wrapped, [None] * len(wrapped))
    assert lines == ["二、存在的主要问题及原因", text, "三、下一步工作思路", text]


def test_unwrapped_text_is_left_alone():
    lines = ["一、履职工作主要情况", HEAD + BODY, "（三）党建工作督查还不够有力", BODY]
    assert layout.join_wrapped(lines, [None] * 4)[0] == lines


def test_long_line_cut_mid_sentence_continues_without_wrap_width():
    assert layout.continues(BODY[:45], BODY[45:], None)
    assert not layout.continues("一、履职工作主要情况", "（一）坚持政治统领", None)


def test_one_line_report_splits_at_markers_and_title():
    one = ("机关党总支书记党建述职报告下面，我将一年以来抓党建工作情况述职如下：一、履职工作主要情况（一）坚持政治统领。"
           + BODY * 6 + "二、存在的主要问题及原因" + HEAD + BODY * 4 + "三、下一步工作思路" + BODY)
    parts = layout.split_unbroken(one)
    assert parts[:4] == ["机关党总支书记党建述职报告", "下面，我将一年以来抓党建工作情况述职如下：",
                         "一、履职工作主要情况", "（一）坚持政治统领。" + BODY * 6]
    assert "二、存在的主要问题及原因" in parts and "三、下一步工作思路" in parts
    assert layout.split_unbroken(BODY) == [BODY]


def test_page_marks_and_chrome_are_removed_and_reported():
    lines = ["当前位置：首页 > 范文 > 述职报告", "机关党总支书记党建述职报告", "发布时间：2020-01-02 来源：网络 浏览次数：88",
             "格式：DOC 页数：5页", "下载文档", "1/37", "机关党总支书记党建述职报告", HEAD + BODY[:30], "2/37",
             BODY[30:], "第 3 页", "- 4 -", "精心整理，希望对您有所帮助。"]
    kept, _, removed = tidy(lines)
    assert kept[0] == "机关党总支书记党建述职报告" and kept.count(kept[0]) == 1
    assert HEAD + BODY in kept
    assert {"1/37", "2/37", "第 3 页", "- 4 -", "下载文档", "格式：DOC 页数：5页"} <= set(removed)
    outline = build_outline(kept, [None] * len(kept), "fallback")
    assert outline.title == "机关党总支书记党建述职报告"


def test_page_counter_inside_a_sentence_is_cut_but_a_fraction_stays():
    lines = ["1/9", BODY[:20] + "2/9" + BODY[20:], "党员占比超过1/3。"]
    totals = noise.page_totals(lines, RULES)
    assert noise.cut_page_counters(lines[1], totals) == (BODY, ["2/9"])
    assert noise.cut_page_counters(lines[2], totals)[0] == "党员占比超过1/3。"


def test_chrome_rule_keeps_report_lines():
    assert noise.is_chrome("作者：佚名", RULES) and noise.is_chrome("分享 收藏 举报", RULES)
    assert not noise.is_chrome("（三）创新工作载体，提升党建工作水平", RULES)
    assert not noise.is_chrome("组织党员下载学习资料，分享学习心得。", RULES)
    assert not noise.is_chrome("加强经验交流分享机制建设", RULES)


def test_bare_heading_rule():
    assert structure.is_bare_heading("主要工作", BODY, BODY)
    assert not structure.is_bare_heading(BODY, BODY, BODY)


def test_page_marks_inside_sentences_are_cut_when_they_count_pages():
    # a PDF copy whose page breaks fell mid-sentence: - 2 -, - 3 - a page apart, 第 3 页 共 9 页 with its total
    page = BODY * 4  # about 200 characters, so marks a page apart
    lines = [page, "- 1 -", page[:170] + "- 2 -" + page[170:], page + " - 3 - " + BODY,
             HEAD + "第 3 页 共 9 页" + BODY]
    kept, _, removed = tidy(lines)
    assert kept == [page, page, page + BODY, HEAD + BODY]
    assert {"- 1 -", "- 2 -", "- 3 -", "第 3 页 共 9 页"} <= set(removed)


def test_page_references_and_ranges_in_text_stay():
    lines = ["详见材料第3页和第5页，不再赘述。", "任期为2018-3-5届，共有3-5人参加。", BODY + "第 2 页" + BODY]
    kept, _, removed = tidy(lines)
    assert kept == lines and removed == []  # no total, no page-apart sequence: not clearly page marks


# corpus/集团党委书记抓基层党建工作述职报告（2018）.txt and corpus/机关党委书记抓基层党建工作述职报告（2019）.txt,
# with their line breaks lost: a heading runs straight into its text
GROUP_HEAD = "（四）加强基层组织建设，发挥战斗堡垒作用"
GROUP_BODY = "针对上年度查摆出来的“党组织管理体制不够顺畅，导致一些基层党组织处于集团党委和地方党组织‘都管都不管’的状态”的问题。"


def test_sub_heading_ends_at_a_nominal_head_followed_by_a_sentence_opener():
    assert layout.heading_end(GROUP_HEAD + GROUP_BODY) == len(GROUP_HEAD)
    head = "（五）注重提升个人党建履职能力"
    body = "进一步深入学习领会习近平新时代中国特色社会主义思想和党的十九大精神，夯实政治理论基础。"
    assert layout.heading_end(head + body) == len(head)
    # a nominal head inside the heading is not its end when no sentence starts there (工作|责任制)
    head = "（一）认真落实党建工作责任制，严格履行第一责任人职责"
    assert layout.heading_end(head + GROUP_BODY) == len(head)


def test_heading_words_inside_quotes_are_not_an_end():
    head = "（四）继续推进“两学一做”常态化制度化"
    body = "进一步严格“三会一课”、组织生活会、民主评议党员等制度，把“两学一做”学习教育作为组织生活制度的基本内容。"
    assert layout.heading_end(head + body) == len(head)


def test_top_heading_ends_after_the_whole_report_part_phrase():
    body = "在总结成绩的同时，我也清醒地认识到，尽管在党建方面做了一些工作，取得了一些成效，但距XX的要求还有不少差距。"
    assert layout.heading_end("二、存在的问题及原因" + body) == len("二、存在的问题及原因")
    assert layout.heading_end("二、存在问题和原因分析（一）基层党建工作存在的主要问题") == len("二、存在问题和原因分析")
    # a sub-heading needs a sentence opener after a report-part noun: 问题|整改 is one phrase
    assert layout.heading_end("（一）加强问题整改落实" + BODY) is None


def test_heading_sentence_with_its_full_stop_is_left_whole():
    assert layout.heading_end(HEAD + BODY) is None
    assert layout.heading_end("一、主要工作（一）履行基层党建工作责任。一是积极履行职责。") == len("一、主要工作")


def test_a_lonely_one_is_no_run_of_points():
    head = "（一）基层党建工作存在的主要问题"
    first = "一是集团党委领导核心和政治核心作用有待进一步强化。面对市场环境变化和严重冲击，集团党委能够及时研究对策。"
    assert layout.heading_end(head + first + "二是党建工作责任制落实还不到位。") == len(head)
    assert layout.heading_end(head + first) is None


def test_one_line_sub_headings_come_apart_from_their_text():
    heads = ["（一）进一步加强集团党委自身建设", "（二）加强市级分公司“两委”建设", "（三）切实抓好基层党支部建设"]
    bodies = ["筹备召开集团党委升格后的第一次党代会，选举产生新的第一届党委和纪委，调整充实集团党委班子结构。",
              "指导各市分公司按规定程序召开党员大会，选举产生“两委”委员和书记、副书记，增强党性修养。",
              "以提升组织力为重点，突出政治功能，以党员之家为阵地，把基层党支部建设成为坚强战斗堡垒。"]
    one = "三、下一步整改方向和措施" + "".join(h + b * 5 for h, b in zip(heads, bodies))
    parts = layout.split_unbroken("报告正文。" + one)
    assert parts[1:] == ["三、下一步整改方向和措施"] + [x for h, b in zip(heads, bodies) for x in (h, b * 5)]


def test_title_after_a_long_page_header_and_a_contact_line_come_apart_from_the_opening():
    # corpus/政府办党组书记抓基层党建工作述职报告.txt: host notices, the title, a contact line, the opening
    notices = ("仅供学习 禁止外传 用后删除酷乐文行自建平台、实时分享根据实际需求和形式任务不断迭代现在订阅立享前3年的所有权益和资料"
               "【打击倒卖活动】举报倒卖会员资料的人，举报成功免费赠送一年会员材料！会员群：免费QQ群："
               "【会员资料仅供内部交流使用，严禁外传及用于商业用途，违者后果自负】")
    title, contact = "政府办党组书记抓基层党建工作述职报告", "酷乐文行整理，咨询QQ206157060"
    opening = "根据区委工作要求，我就政府办党组X年度党组书记履职情况述职如下："
    assert layout.split_title(notices + title + contact + opening) == [notices, title, contact + opening]
    assert noise.split_after_contacts(contact + opening) == [contact, opening]
    kept, _, removed = tidy([title, contact + opening])  # also what a hard wrap re-joined
    assert kept == [title, opening] and removed == [contact]
    # a number inside report text is no contact line
    assert noise.split_after_contacts("全年投入资金1500000元用于阵地建设。") == ["全年投入资金1500000元用于阵地建设。"]
    # a title at the very start wins over a later phrase that ends like one (…重要讲话精神)
    lead = "机关党总支书记党建述职报告" + "一年来，我坚持以上率下。认真学习习近平总书记重要讲话精神，抓实主责主业。"
    assert layout.split_title(lead)[:2] == ["", "机关党总支书记党建述职报告"]


def test_paired_heading_ends_after_its_second_clause_before_a_sentence_opener():
    # corpus/机关党总支书记党建述职报告.txt with the heading's full stop lost: 带动 is no listed nominal head,
    # but two clauses of one length make a complete heading
    head = "（二）聚焦精准谋划，强化党建示范带动"
    body = "按照党支部建设标准化要求和局党组“三抓三促”要求，深入开展党支部标准化规范化建设，推动党建工作提质增效。"
    assert layout.heading_end(head + body) == len(head)
    assert layout.heading_end("（二）聚焦精准谋划按照" + body) is None  # one clause: no evidence
