"""Reports as converters leave them (PDF footnotes, word-processor and web leftovers): what the index holds."""
import json

from parsing import CLOSING, parse, texts

from fanwen.index.ingest.dictation import punctuate
from fanwen.index.ingest.json_text import json_report
from fanwen.index.ingest.pipeline import parse_file

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


def test_word_field_codes_go_and_a_contents_field_goes_with_its_entries(tmp_path):
    lines = [HEAD[0], '{ TOC \\o "1-3" \\h \\z \\u }',
             '{ HYPERLINK \\l "_Toc153271" }一、2023年度抓基层党建工作情况\t{ PAGEREF _Toc153271 \\h }1',
             '{ HYPERLINK \\l "_Toc153274" }二、下一步工作打算\t错误！未定义书签。',
             "2023年，本人切实扛起抓基层党建第一责任人的政治责任，现将一年来抓基层党建工作情况报告如下。",
             "[_Toc153271]一、履行第一责任人职责情况", "全年召开党委理论学习中心组专题学习28次，本人带头讲专题党课4次。",
             "- { PAGE } -", "[_Toc153274]二、下步工作思路", "一是推动党建业务深度融合，推行党组织领办合作社。", CLOSING,
             '{ DATE \\@ "yyyy年M月d日" \\* MERGEFORMAT }']
    parsed = parse(tmp_path, lines)
    assert [(piece.heading_path, piece.role) for piece in parsed.pieces] == [
        ([], "opening"), (["一、履行第一责任人职责情况"], "achievements"), (["二、下步工作思路"], "plans"),
        (["二、下步工作思路"], "closing")]
    assert not any(mark in text for text in texts(parsed) for mark in ("{", "_Toc", "错误", "PAGE"))


def test_html_entities_in_plain_text_are_decoded(tmp_path):
    lines = [HEAD[0], "&nbsp;&nbsp;&nbsp;&nbsp;全年组织&ldquo;七&middot;一&rdquo;主题党日活动&#12289;&lsquo;四强&rsquo;支部创建"
             "&mdash;&mdash;推行&ldquo;党建&amp;业务&rdquo;双积分管理。", CLOSING]
    assert texts(parse(tmp_path, lines))[0] == "全年组织“七·一”主题党日活动、‘四强’支部创建——推行“党建&业务”双积分管理。"


def test_one_ampersand_of_the_author_stays_as_written(tmp_path):
    lines = [HEAD[0], "推行“党建&amp;业务”双积分管理，组建党员先锋岗12个。", CLOSING]
    assert "党建&amp;业务" in texts(parse(tmp_path, lines))[0]


def test_soft_hyphens_and_zero_width_marks_leave_the_text(tmp_path):
    lines = [HEAD[0], "\ufeff全年开展\u200b主题党日\u200d活动48次，推行“党\u00ad员积分制”管理。", CLOSING]
    assert texts(parse(tmp_path, lines))[0] == "全年开展主题党日活动48次，推行“党员积分制”管理。"


def test_a_one_column_sheet_saved_as_csv_loses_its_cell_quotes(tmp_path):
    lines = [HEAD[0], "一、主要工作", '"年初召开镇党委会专题研究党建工作6次,制定全镇党建工作要点和"',
             '"镇党委班子成员党建责任清单。我带头落实""三个一""工作机制,即每月召开一次"', "党建工作例会。",
             '"二、存在的问题"', '"一是党建与业务融合不够紧密,个别支部重业务、轻党建。"', CLOSING]
    kept = texts(parse(tmp_path, lines))
    assert any('我带头落实"三个一"工作机制' in text for text in kept)
    assert not any(text.startswith('"') or '""' in text for text in kept)


def test_word_comments_copied_inline_and_their_list_go(tmp_path):
    lines = [HEAD[0], "一、主要工作", "全年主持召开党组会议[批注1]22次，专题研究党建工作8次。", "二、存在的问题[批注2]",
             "一是党建与业务融合不够紧密，个别支部重业务、轻党建。", CLOSING,
             "批注 [1] 赵XX（县委组织部）：党组会议次数与会议记录台账不一致，请核实。 2025-01-05 10:12",
             "批注 [2] 孙XX（局办公室）：标题建议与上年保持一致。 2025-01-05 16:50"]
    parsed = parse(tmp_path, lines)
    assert texts(parsed)[0] == "全年主持召开党组会议22次，专题研究党建工作8次。"
    assert parsed.pieces[1].heading_path == ["二、存在的问题"]
    assert not any("批注" in text or "台账不一致" in text for text in texts(parsed))


def test_a_rating_form_around_the_report_goes(tmp_path):
    lines = ["XX县2024年度街道（乡镇）党（工）委书记抓基层党建工作述职评议表", "单位\t中共XX县XX街道工作委员会\t姓名\t李XX",
             "职务\t党工委书记\t性别\t男\t出生年月\t1979.03", "述职报告（可另附页）", HEAD[0], "一、主要工作",
             "全年主持召开党工委会议专题研究党建工作8次。", CLOSING, "评议等次\t优秀□　称职☑　基本称职□　不称职□",
             "政治建设（20分）：落实党建工作责任制，研究部署基层党建工作\t18", "评议意见\t同意评定为“称职”等次。",
             "评议人签字：__________　　日期：____年__月__日"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == HEAD[0]
    assert texts(parsed) == ["全年主持召开党工委会议专题研究党建工作8次。", CLOSING]


def test_an_ocr_frame_and_misread_numbers_are_read_through(tmp_path):
    lines = ["■───────────────────", "│县委宣传部部长2O24年度抓基层党建工作述职报告", "丨-、主要工作及成效          │",
             "│  C一）坚持政治引领，理论武装走深走实。全年组织中心组学习l2次，完成率1O0%。", "│二、存在的问题",
             "丨  一是理论学习的深度还不够。", "│四、下一步打算■", "│  一是持续深化理论武装。", "│" + CLOSING,
             "│  ,丶·`/中共XX县委宣传部(章)\\‘、'"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "县委宣传部部长2024年度抓基层党建工作述职报告"
    assert [(piece.heading_path, piece.role) for piece in parsed.pieces] == [
        (["一、主要工作及成效", "（一）坚持政治引领，理论武装走深走实"], "achievements"), (["二、存在的问题"], "problems"),
        (["四、下一步打算"], "plans"), (["四、下一步打算"], "closing")]
    assert "学习12次，完成率100%" in texts(parsed)[0]


def test_conversion_tool_marks_and_draft_view_breaks_go(tmp_path):
    lines = ["Evaluation Warning: The document was created with Spire.Doc for .NET.", "[图片]",
             "2 0 2 4 年 度 抓 基 层 党 建 工 作 述 职 报 告", "::::::::::分节符(下一页)::::::::::", "一、主要工作",
             "全年主持召开党组会议专题研究党建工作8次。",
             "Created with an evaluation copy of Aspose.Words. To discover the full versions of our APIs please visit: "
             "https://products.aspose.com/words/", "::::::::::分页符::::::::::", "二、存在的问题", "一是党建与业务融合不够紧密。",
             "This document was truncated here because it was created in the Evaluation Mode.", CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "2024年度抓基层党建工作述职报告"
    assert texts(parsed) == ["全年主持召开党组会议专题研究党建工作8次。", "一是党建与业务融合不够紧密。", CLOSING]


def test_right_margin_line_numbers_and_an_english_running_header_go(tmp_path):
    wrapped = ["2023年，在市国资委党委的正确领导下，本人认真履行集团党委书", "记抓基层党建第一责任人职责，坚持“两个一以贯之”，以高质量党建引",
               "领保障企业高质量发展。一年来，集团党委坚持党建工作与生产经营深", "度融合，各项工作取得了新进展。现将有关情况述职如下。"]
    body = ["XX建设集团有限公司党委书记抓基层党建工作述职报告", "（2023年度）"] + (wrapped + ["一、工作开展情况及成效"] + wrapped[:3] + ["二、存在的问题"] + wrapped[1:4] + [CLOSING]) * 2
    lines = ["XX Construction Group Co., Ltd.  |  Party Committee Annual Duty Report 2023"]
    lines += [f"{line}{' ' * (40 - len(line))}{n}" for n, line in enumerate(body, 1)]
    kept = texts(parse(tmp_path, lines))
    assert kept[0] == "".join(wrapped)
    assert not any(text[-1].isdigit() or "Construction" in text for text in kept)


def test_an_outline_tools_nodes_read_as_headings_over_their_points(tmp_path):
    lines = ["- XX街道党工委书记王XX抓基层党建工作述职报告", "  - 2023年，我认真履行街道党建工作第一责任人职责，现将有关情况报告如下。",
             "  - 一、工作开展情况", "    - 压实党建责任", "      - 街道党工委每月第一周固定研究党建议题，全年召开专题会议13次。",
             "      - 我带头联系问题最多的老城社区，先后21次入户走访。", "  - 二、存在的问题",
             "    - 社区党组织统筹辖区资源的能力还不强。", "  - " + CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX街道党工委书记王XX抓基层党建工作述职报告"
    assert [(piece.heading_path, piece.role) for piece in parsed.pieces][1:4] == [
        (["一、工作开展情况", "压实党建责任"], "achievements"), (["一、工作开展情况", "压实党建责任"], "achievements"),
        (["二、存在的问题"], "problems")]


def test_style_names_and_page_edge_marks_leave_the_text(tmp_path):
    lines = ["标题：" + HEAD[0], "标题 1：一、主要工作及成效", "正文：年初即召开镇党委会专题研究党建工作（下转第2页）",
             "正文：（上接第1页）全年召开专题会议13次。", "标题 1：二、存在的问题", "正文：一是党建与业务融合不够紧密。",
             "落款：" + CLOSING + "回复TD退订"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == HEAD[0]
    assert texts(parsed) == ["年初即召开镇党委会专题研究党建工作", "全年召开专题会议13次。", "一是党建与业务融合不够紧密。", CLOSING]


def test_text_dictated_without_punctuation_keeps_its_lines_and_parts(tmp_path):
    """A voice input method with auto-punctuation off: pauses are single spaces, a line is a paragraph."""
    lines = ["XX街道党工委书记2023年度抓基层党建工作述职报告", "各位领导 同志们",
             "2023年以来 我认真履行街道党工委书记抓基层党建第一责任人职责 坚持把党建工作与经济社会发展同谋划同部署同推进 "
             "根据区委统一安排 现将一年来的履职情况报告如下", "第一部分 主要工作",
             "一是把政治建设摆在首位 全年组织党工委理论学习中心组集中学习14次 开展专题研讨5次 我带头讲专题党课3次",
             "二是压紧压实党建工作责任 制定街道党建工作要点和责任清单 与12个社区党组织书记签订党建目标责任书",
             "第二部分 存在的问题",
             "一是统筹谋划还不够系统 对经济发展和项目建设投入精力较多 研究党建工作的时间相对偏少 有时满足于开会部署",
             "二是发展不够平衡 部分老旧小区党组织作用发挥不明显 个别社区党组织书记年龄偏大 本领恐慌问题比较突出",
             "第三部分 下一步打算",
             "一是强化责任落实 把抓党建与抓发展一起部署一起考核 每季度专题研究党建工作不少于1次 健全问题清单整改台账",
             "以上述职 不当之处 请各位领导和同志们批评指正"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == lines[0]
    by_start = {piece.text[:4]: piece for piece in parsed.pieces}
    assert by_start["一是把政"].text.startswith("一是把政治建设摆在首位，全年组织")
    assert by_start["一是把政"].role == "achievements" and by_start["二是压紧"].role == "achievements"
    assert by_start["一是统筹"].role == "problems" and by_start["二是发展"].role == "problems"
    assert by_start["一是强化"].role == "plans" and by_start["以上述职"].role == "closing"


def test_letter_spaced_text_is_not_read_as_dictation():
    """A PDF's spaced-out characters are not pauses: nothing is punctuated."""
    spaced = " ".join("一年来我认真履行抓基层党建第一责任人职责坚持把党建工作与经济社会发展同谋划同部署同推进")
    assert punctuate([spaced] * 12) == [spaced] * 12


def test_a_report_in_traditional_characters_is_held_in_simplified_ones(tmp_path):
    lines = ["XX縣人力資源和社會保障局黨組書記2023年度抓基層黨建工作述職報告", "一、履職盡責情況",
             "堅持把黨建工作與人社業務同謀劃、同部署，全年主持召開黨組會議專題研究黨建工作8次。", "二、存在的問題",
             "一是理論學習還不夠深入，學用結合不夠緊密。", "三、下一步打算", "強化責任落實，把黨建考核結果與幹部評優掛鉤。",
             "以上述職，不妥之處，懇請各位領導批評指正。"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX县人力资源和社会保障局党组书记2023年度抓基层党建工作述职报告"
    assert [(piece.role, piece.text[:6]) for piece in parsed.pieces] == [
        ("achievements", "坚持把党建工"), ("problems", "一是理论学习"), ("plans", "强化责任落实"), ("closing", "以上述职，不")]


def test_a_simplified_report_with_a_few_old_forms_is_left_as_it_is(tmp_path):
    lines = ["XX镇党委书记2023年度抓基层党建工作述职报告", "一、主要工作",
             "组织党员到“乾元堂”旧址和“鍾”家祠堂开展党性教育，全年开展主题党日活动12次，覆盖党员300余人次。", CLOSING]
    assert texts(parse(tmp_path, lines))[0] == lines[2]


def test_a_reports_json_from_a_web_api_is_read_as_its_title_and_body(tmp_path):
    body = "\n".join(["各位领导、同志们：", "一、主要工作及成效", "坚持政治统领，理论武装持续加强，全年组织中心组学习12次。",
                      "二、存在的问题", "一是党建与业务融合的深度还不够，“红色城管”品牌作用发挥不充分。", CLOSING, "述职人：陈XX"])
    record = {"code": 0, "msg": "success", "data": {"id": 20250108031, "title": "XX市城市管理局党组书记2024年度抓基层党建工作述职报告",
                                                    "author": "陈XX", "source": "http://www.xx.gov.cn/t20250108_31.html",
                                                    "publishTime": "2025-01-08 10:26:41", "content": body}}
    path = tmp_path / "api.txt"
    path.write_text(json.dumps(record), encoding="utf-8")  # one line, \n and \u201c escapes
    parsed = parse_file(path)
    assert parsed.title == record["data"]["title"]
    assert [piece.role for piece in parsed.pieces] == ["achievements", "problems", "closing"]  # the salutation goes
    assert "“红色城管”" in parsed.pieces[1].text and not any("success" in text for text in texts(parsed))


def test_text_read_in_the_wrong_encoding_is_read_back_and_lines_lost_to_it_go(tmp_path):
    garbled = "党建工作".encode("utf-8").decode("gbk")  # 鍏氬缓宸ヤ綔: UTF-8 bytes read as GBK
    lines = ["XX镇党委书记2023年度抓基层党建工作述职报告", "一、主要工作",
             f"坚持书记抓、抓书记，全年主持召开党委会专题研究{garbled}11次，与14个村党支部书记签订责任书。",
             "二、存在的问题", "一是党员队伍结构性矛盾仍然存在，60岁以上党员占比达锟斤拷锟斤拷%，年轻党员外出务工多。", CLOSING,
             "锟斤拷锟斤拷锟斤拷 锟斤拷1锟斤拷 锟斤拷1锟斤拷", "\ufffd\ufffd\u013c\ufffd\ufffd\ufffdXX\ufffd\ufffd\u06fa\u03f0\ufffd\ufffd 16:05"]
    parsed = parse(tmp_path, lines)
    assert texts(parsed)[0] == "坚持书记抓、抓书记，全年主持召开党委会专题研究党建工作11次，与14个村党支部书记签订责任书。"
    assert "锟斤拷锟斤拷%" in texts(parsed)[1]  # a number lost for good stays visible, the paragraph stays
    assert texts(parsed)[-1] == CLOSING and len(parsed.pieces) == 3


def test_pauses_typed_as_full_width_or_double_spaces_read_as_commas(tmp_path):
    body = ["一是把责任压实了　今年镇党委一共开了14次会专门研究党建的事情  年初我跟13个村的支部书记一个一个签了责任书",
            "二是把基层组织建强了  针对去年排查出来的2个软弱涣散村党支部　我自己包一个　镇长包一个"] * 3
    lines = ["青石镇党委书记2024年度抓基层党建工作述职", "第一个方面　主要工作", *body, "第二个方面  存在的问题",
             "一是发展不平衡  山区的几个村党建工作基础比较薄弱　组织生活有时候还是应付"]
    pieces = parse(tmp_path, lines).pieces
    assert pieces[0].text.startswith("一是把责任压实了，今年镇党委一共开了14次会专门研究党建的事情，年初")
    assert pieces[-1].role == "problems"


def test_a_line_of_gbk_read_as_latin1_is_read_back(tmp_path):
    garbled = "XX县水利局党组书记2024年度抓基层党建工作述职报告".encode("gbk").decode("cp1252", errors="replace")
    lines = [garbled, "一、主要工作", "全年召开党组会专题研究党建工作6次，带头讲党课3次。", CLOSING]
    assert parse(tmp_path, lines).title == "XX县水利局党组书记2024年度抓基层党建工作述职报告"


def test_running_paragraph_numbers_leave_the_text_and_a_reference_to_one_stays(tmp_path):
    body = [f"[{i}] 第{i}项工作：全年召开党组会专题研究党建工作{i}次，并形成会议纪要。" for i in range(1, 12)]
    body[5] = "[6] 对照第[3]段所列任务，全年逐项督办落实到位。"
    lines = ["XX县自然资源局党组书记2024年度抓基层党建工作述职报告", "一、主要工作", *body, "[12] " + CLOSING]
    kept = texts(parse(tmp_path, lines))
    assert kept[0].startswith("第1项工作") and "对照第[3]段所列任务" in "".join(kept) and kept[-1] == CLOSING


def test_text_that_only_looks_like_json_is_read_as_text():
    nested = "[" * 100_000 + "]" * 100_000  # nested too deep for a parser (a hostile file): no record, no crash
    assert json_report(nested) is None and json_report("{不是 JSON：报告正文}") is None
