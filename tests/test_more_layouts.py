"""More reports laid out unlike the samples (layout batches 9-14 of scripts/eval/layouts: exports from apps and
transcription, slides, sheets, e-mail replies, drafts under review, booklets): what the index would hold."""
from parsing import CLOSING, parse, texts

PROBLEMS = "二是基层基础还有短板，个别村书记年龄偏大，带富能力不强，后备干部储而不用。"


def test_a_speech_to_text_export_keeps_the_speaker_who_spoke_most(tmp_path):
    lines = ["0110述职评议会录音-赵书记.m4a", "录音时长：00:16:47", "转写时间：2024-01-10 15:42:19",
             "发言人2 00:00:03", "好，下面请桃源乡党委书记赵XX同志述职，时间控制在十分钟以内。",
             "发言人1 00:00:12", "尊敬的各位领导，根据县委组织部的统一安排，我把2023年度抓基层党建工作情况报告如下。",
             "发言人1 00:06:10", "第二个方面讲一讲存在的问题。一是统筹推进还不够有力，对村级党组织的指导不够经常。",
             "发言人1 00:06:58", PROBLEMS,
             "发言人2 00:07:46", "不好意思打断一下，后面的同志把手机调成静音，会场上不要接打电话。",
             "00:08:05 发言人1", "下一步，我们主要抓四个方面。一是继续压实责任，推行书记项目制，每个村书记领办一个项目。",
             "发言人1 00:12:43", CLOSING]
    parsed = parse(tmp_path, lines)
    assert not any("手机" in text or "十分钟" in text or "发言人" in text or "录音" in text
                   for text in texts(parsed))
    assert any(piece.text == PROBLEMS and piece.role == "problems" for piece in parsed.pieces)
    assert parsed.pieces[-1].text == CLOSING and parsed.pieces[-1].role == "closing"


def test_parts_headed_di_yi_di_er_and_a_byline_with_a_placeholder_name(tmp_path):
    lines = ["县市场监督管理局党组书记2023年度抓基层党建工作述职报告", "县市场监督管理局党组书记、局长　孙XX",
             "2023年，我认真履行局党组书记抓党建第一责任人职责，现将有关情况报告如下。",
             "第一，抓党建工作的主要做法和成效", "首先，把牢政治方向。全年主持召开党组会议专题研究党建工作12次。",
             "第二，存在的问题和不足", "⑴党建业务融合还有“两张皮”现象，个别支部重业务、轻党建。",
             "第三，产生问题的原因", "1）思想认识上有差距。对“抓好党建是最大政绩”的认识还不够深刻。",
             "第四，2024年工作打算", "1）持续压实责任。第一，落实“第一责任人”职责；第二，落实“一岗双责”。",
             CLOSING]
    parsed = parse(tmp_path, lines)
    assert [(piece.heading_path, piece.role) for piece in parsed.pieces] == [
        ([], "opening"), (["第一，抓党建工作的主要做法和成效"], "achievements"),
        (["第二，存在的问题和不足"], "problems"), (["第三，产生问题的原因"], "causes"),
        (["第四，2024年工作打算"], "plans"), (["第四，2024年工作打算"], "closing")]
    assert "县市场监督管理局党组书记、局长孙XX" in parsed.removed_lines
    assert texts(parsed)[4].startswith("1）持续压实责任。第一，")  # an ordinal inside a sentence lists points


def test_a_byline_pattern_keeps_report_text_ending_in_a_post(tmp_path):
    lines = ["抓基层党建工作述职报告", "一、主要工作", "全年为每个支部配齐配强支部书记",
             "二、存在的问题", "少数支部书记抓党建的办法不多。", CLOSING]
    assert "全年为每个支部配齐配强支部书记" in texts(parse(tmp_path, lines))


def test_a_table_with_thousands_separators_is_one_paragraph(tmp_path):
    lines = ["抓基层党建工作述职报告", "一、主要工作", "主要指标变化情况见下表：", "指标 2022年 2023年",
             "在职党员回社区报到（名） 1,280 1,460", "走访居民（户次） 18,300 23,000", "小区党支部（个） 18 41",
             "二、存在的问题", "少数支部书记抓党建的办法不多。", CLOSING]
    table = [text for text in texts(parse(tmp_path, lines)) if "1,280" in text]
    assert len(table) == 1 and "23,000" in table[0] and "18 41" in table[0]


def test_a_slide_outline_keeps_each_point_with_its_items_and_loses_its_contents_page(tmp_path):
    lines = ["XX街道党工委书记2023年度抓基层党建工作述职", "第1页／共12页", "目录 CONTENTS",
             "\t■ 01　重点任务落实情况", "\t■ 02　问题与不足", "第2页／共12页",
             "一、压紧压实责任链条，把“第一责任”扛在肩上", "\t● 坚持书记抓、抓书记",
             "\t\t◆ 主持召开党工委会议研究党建议题14次", "\t\t◆ 与11个社区党组织书记签订责任书",
             "\t● 新建商务楼宇党群服务站2个", "\t● 带头深入基层一线", "\t\t◆ 全年走访社区67次，讲专题党课3次",
             "二、问题与不足", "\t■ 统筹谋划不够", "\t\t◆ 抓党建的具体办法不多，部署多、督导少",
             "结束语：以述职促提升", "\t● 我将以此次述职评议为新起点，主动接受监督。", "谢谢！敬请批评指正"]
    parsed = parse(tmp_path, lines)
    assert texts(parsed)[:3] == ["●坚持书记抓、抓书记：主持召开党工委会议研究党建议题14次；与11个社区党组织书记签订责任书。",
                                 "●新建商务楼宇党群服务站2个", "●带头深入基层一线：全年走访社区67次，讲专题党课3次。"]
    assert not any("CONTENTS" in text or "第2页" in text or "重点任务落实情况" in text for text in texts(parsed))
    assert [piece.role for piece in parsed.pieces][-2:] == ["closing", "closing"]


def test_items_of_a_paragraph_s_length_stay_paragraphs_under_their_bullet_heading(tmp_path):
    item = "▶ 坚持把抓党建作为最大的政绩，全年主持召开党工委会议研究党建工作15次，带头讲党课4次，深入12个社区党委调研指导40余次。"
    lines = ["XX街道党工委书记抓基层党建工作述职报告", "一、主要工作", "◆扛牢主责主业，责任链条拧得更紧", item,
             item.replace("15次", "16次"), "二、存在的问题", "少数支部书记抓党建的办法不多。", "以上述职，请批评指正。"]
    found = texts(parse(tmp_path, lines))
    assert item.replace(" ", "") in found and item.replace(" ", "").replace("15次", "16次") in found


def test_a_report_pasted_through_a_form_on_one_line_splits_at_its_indents(tmp_path):
    paragraphs = ["XX乡党委书记2023年度抓基层党建工作述职报告", "2023年，我始终把抓基层党建作为最根本的职责，现将情况报告如下。",
                  "一、履职情况及主要成效", "全年主持召开乡党委会专题研究党建工作12次，细化任务清单31项。" * 8,
                  "四、下一步工作打算", "一是扛牢责任抓党建。严格落实党建工作责任制，推动责任层层落实到位。",
                  "二是突出重点强基础。持续推进村党组织星级化管理，改善党员队伍结构。",
                  "以上是我一年来抓基层党建工作的情况汇报，不当之处，恳请批评指正。", "2024年1月10日"]
    parsed = parse(tmp_path, ["　　".join(paragraphs)])
    assert [(piece.text[:4], piece.role) for piece in parsed.pieces][-3:] == [
        ("一是扛牢", "plans"), ("二是突出", "plans"), ("以上是我", "closing")]


def test_margin_line_numbers_go_and_lines_wrapped_at_a_print_width_are_joined(tmp_path):
    text = ("在县委的正确领导和县委组织部的具体指导下，本人认真履行党委书记抓基层党建第一责任人职责，"
            "全年召开党建工作会议12次，制定任务清单28项，班子成员每人联系1至2个村，全年专题研究党建工作11次，"
            "组织村党组织书记现场观摩4次，对考评排名后三位的村党组织书记进行约谈，推动责任层层压实。") * 2
    lines, line, cells = [], "", 0
    for ch in text:  # wrapped at 66 half-width cells: a line with digits holds more characters
        width = 1 if ch.isascii() else 2
        if cells + width > 66:
            lines.append(line)
            line, cells = "", 0
        line, cells = line + ch, cells + width
    numbered = [f"{n} {body}" for n, body in enumerate(["周XX同志2023年度抓基层党建工作述职报告", "一、主要工作及成效",
                                                         *lines, line, "二、存在的问题", "少数村党组织书记抓党建的办法不多。",
                                                         "以上述职，请各位领导、同志们评议。"], start=1)]
    parsed = parse(tmp_path, numbered)
    assert texts(parsed)[0] == text
    assert parsed.pieces[0].heading_path == ["一、主要工作及成效"]


def test_a_report_pasted_into_a_sheet_and_saved_as_csv_reads_as_its_text_column(tmp_path):
    rows = ["序号,内容,备注", "1,XX镇党委书记2023年度抓基层党建工作述职报告,",
            '2,"2023年，我认真履行第一责任人职责，全年召开党委会研究党建议题14项，以村""两委""规范运行为重点。",数据待核实',
            "3,一、履行职责情况及主要成效,", '4,"（一）压紧压实责任链条。制定责任清单，储备后备干部1,386名。","领导要求,开头控制"',
            "5,,", "6,二、存在的问题,", "7,一是党建与发展融合还不够紧密。,此段已改三稿", f"8,{CLOSING},", ",,"]
    parsed = parse(tmp_path, rows)
    assert parsed.title == "XX镇党委书记2023年度抓基层党建工作述职报告"
    assert texts(parsed)[0] == "2023年，我认真履行第一责任人职责，全年召开党委会研究党建议题14项，以村\"两委\"规范运行为重点。"
    assert "（一）压紧压实责任链条。制定责任清单，储备后备干部1,386名。" in texts(parsed)
    assert not any("核实" in text or "三稿" in text or "序号" in text for text in texts(parsed))
    assert {"数据待核实", "领导要求,开头控制", "此段已改三稿"} <= set(parsed.removed_lines)  # reported, not lost


def test_a_reply_quoting_the_report_keeps_the_quoted_report_only(tmp_path):
    lines = ["主题：Re: 述职报告初稿", "王主任：", "附后是修改意见，问题部分第三条还可以再具体一些。",
             "在 2025年1月8日 周三 09:12，张XX <zhang@example.gov.cn> 写道：", "> XX镇党委书记2024年度抓基层党建工作述职报告",
             ">", "> 2024年，本人认真履行基层党建第一责任人职责，现将有关情况报告如下。", "> 一、主要工作",
             "> 年初召开镇党委会议专题研究党建工作，制定责任清单28项。", "> 二、存在的问题", "> 一是党建与中心工作融合还不够紧密。",
             f"> {CLOSING}", "> 在 2025年1月6日 周一 16:40，王XX <wang@example.gov.cn> 写道：",
             "> > 各乡镇党委书记：请于1月8日前报送述职报告。", "--", "李XX", "XX县委组织部组织二股"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX镇党委书记2024年度抓基层党建工作述职报告"
    assert texts(parsed)[-1] == CLOSING
    assert not any("修改意见" in text or "写道" in text or "报送" in text or "组织二股" in text for text in texts(parsed))
    assert "附后是修改意见，问题部分第三条还可以再具体一些。" in parsed.removed_lines


def test_a_script_read_out_a_sentence_a_line_is_joined_into_paragraphs(tmp_path):
    lines = ["东湖街道党工委书记2023年度抓基层党建工作述职报告", "", "各位领导，同志们：",
             "2023年，我认真履行抓基层党建第一责任人职责。", "现将有关情况报告如下。", "", "一、主要工作",
             "一是压紧压实责任。", "全年主持召开党建工作会议12次。", "带头讲党课4次。", "二是夯实基层基础。",
             "新建党群服务中心3个。", "改造提升社区阵地5处。", "", "二、存在的问题",
             "第一，党建引领作用发挥不够。", "有的社区党组织满足于完成上级交办任务，党员作用发挥不明显。",
             "第二，社区工作者队伍还不够稳定。", "今年有6名社区工作者离职。", "", "各位领导，同志们！", "抓好基层党建，是我的主责主业。", "我的述职完毕，谢谢大家！"]
    parsed = parse(tmp_path, lines)
    assert [(piece.text[:9], piece.role) for piece in parsed.pieces][3:5] == [("第一，党建引领作用", "problems"),
                                                                            ("第二，社区工作者队", "problems")]
    assert [(piece.text, piece.role) for piece in parsed.pieces][1:3] == [
        ("一是压紧压实责任。全年主持召开党建工作会议12次。带头讲党课4次。", "achievements"),
        ("二是夯实基层基础。新建党群服务中心3个。改造提升社区阵地5处。", "achievements")]
    assert parsed.pieces[-1].text == "各位领导，同志们！抓好基层党建，是我的主责主业。我的述职完毕，谢谢大家！"
    assert parsed.pieces[-1].role == "closing"


def test_half_width_punctuation_typed_on_a_phone_reads_as_chinese_marks(tmp_path):
    lines = ["南坡村党总支书记2023年度抓基层党建工作述职报告", "我叫李XX, 现将本人2023年抓基层党建工作情况汇报如下:",
             "一. 主要工作及成效", "(一) 抓班子带队伍", "坚持每月5号固定主题党日, 全年召开支委会24次. 集体经济收入达到26.3万元.",
             "二. 存在的问题", "理论学习不够深入, 满足于读文件; 带头作用发挥不够!", CLOSING]
    parsed = parse(tmp_path, lines)
    assert [piece.heading_path[0] for piece in parsed.pieces[1:3]] == ["一、主要工作及成效", "二、存在的问题"]
    assert texts(parsed)[1] == "坚持每月5号固定主题党日，全年召开支委会24次。集体经济收入达到26.3万元。"
    assert parsed.pieces[2].role == "problems" and texts(parsed)[2] == "理论学习不够深入，满足于读文件；带头作用发挥不够！"


def test_a_draft_s_control_block_editor_bars_and_placeholders_are_not_report_text(tmp_path):
    lines = ["撤销 重做 | 字体 字号 | 加粗 斜体 下划线", "文件编号：XWJ-DWBG-2025-003", "版本号：V3.2", "密级：内部资料 注意保存",
             "起草人：陈XX（局机关党委办公室）", "修订记录（近三次）：", "版本\t日期\t修订人\t修订内容摘要",
             "V3.1\t2025-01-06\t陈XX\t补充医疗机构党组织覆盖数据", "──────────────────────────",
             "XX县卫生健康局党委书记2024年度抓基层党建工作述职报告",
             "2024年，本人始终牢记抓党建是最大政绩，全系统发展党员【待补充数据】名，现将情况报告如下。",
             "一、主要成效", "按照【此处引用县委文件名称】要求，推行党委领导下的院长负责制。【起草人注：本段可压缩】",
             "二、存在的问题", "少数支部书记抓党建的办法不多。", CLOSING, "元素路径: body > p", "当前已输入3561个字符"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX县卫生健康局党委书记2024年度抓基层党建工作述职报告"
    assert texts(parsed)[:2] == ["2024年，本人始终牢记抓党建是最大政绩，全系统发展党员名，现将情况报告如下。",
                                 "按照要求，推行党委领导下的院长负责制。"]
    assert not any(word in text for text in texts(parsed) for word in ("V3", "版本", "起草人", "元素路径", "已输入", "撤销"))


def test_margin_comments_copied_with_the_text_are_not_report_text(tmp_path):
    lines = ["2024年度抓基层党建工作述职报告", "2024年，本人坚持以党建引领乡村振兴，现将有关情况报告如下。",
             "李XX 2025-01-06 10:21", "“所属8个党支部”请与组织股核对，年报统计为7个。", "一、主要成效",
             "年初召开党组会议专题研究部署党建工作，签订责任书8份。", "赵XX 2025-01-07 09:03",
             "局党组坚持把党建工作与乡村振兴中心工作同谋划、同部署、同检查、同考核。", "二、存在的问题",
             "一是理论武装还不够深入。", CLOSING]
    found = texts(parse(tmp_path, lines))
    assert found == ["2024年，本人坚持以党建引领乡村振兴，现将有关情况报告如下。", "年初召开党组会议专题研究部署党建工作，签订责任书8份。",
                     "一是理论武装还不够深入。", CLOSING]


def test_an_app_export_loses_its_paragraph_ids_reading_bars_and_comments(tmp_path):
    ids = iter(range(1736733301, 1736733999, 23))
    lines = ["＜ 返回　　党建云·学习园地　　···", "XX街道党工委书记2024年度抓基层党建工作述职报告", "字号 大 中 小 | 听全文",
             f"{next(ids)}　2024年，我认真履行第一责任人职责，现将有关情况报告如下。", f"{next(ids)}　一、主要工作及成效",
             f"{next(ids)}　（一）聚焦责任落实，构建齐抓共管格局。坚持把党建工作摆在全局工作的突出位置。", "已阅读 32%",
             "点赞 12 评论 3 收藏", f"{next(ids)}　二、存在的不足",
             *(f"{next(ids)}　{n}是{topic}还不够到位。" for n, topic in zip("一二三四五六", "学习 谋划 督导 覆盖 阵地 队伍".split())),
             f"{next(ids)}　{CLOSING}", "—— 全文完 ——", "全部评论（3）", "网友_13x6：学习了，问题找得准，措施实在。　赞 5"]
    found = texts(parse(tmp_path, lines))
    assert found[:3] == ["2024年，我认真履行第一责任人职责，现将有关情况报告如下。",
                         "（一）聚焦责任落实，构建齐抓共管格局。坚持把党建工作摆在全局工作的突出位置。",
                         "一是学习还不够到位。"]
    assert found[-1] == CLOSING and not any("1736" in text or "网友" in text or "阅读" in text for text in found)


def test_a_speech_s_applause_and_the_questions_after_it_are_not_report_text(tmp_path):
    lines = ["XX县述职评议大会速记稿", "记录：县委组织部组织股", "主持人：下面请XX镇党委书记刘XX同志述职。", "（会场掌声）",
             "XX镇党委书记2024年度抓基层党建工作述职报告", "2024年，我始终把抓基层党建作为最大的政绩，现将情况汇报如下。",
             "一、主要工作和成效", "一是坚持把责任扛在肩上，全镇村党组织书记全部签订责任书。（全场掌声）",
             "二、存在的问题", "第一，村级发展不平衡的问题还比较突出。", CLOSING, "（会场响起热烈掌声）",
             "主持人：好，下面进入提问环节，哪位评议组成员有问题？", "提问：刘书记刚才讲村集体经济全部达到10万元以上，我想问一下。",
             "述职人：这个问题问得好，我如实说，确实有3个村的收入里有一部分是征收补偿。"]
    found = texts(parse(tmp_path, lines))
    assert "一是坚持把责任扛在肩上，全镇村党组织书记全部签订责任书。" in found and found[-1] == CLOSING
    assert not any("掌声" in text or "记录" in text or "问得好" in text for text in found)


def test_a_title_printed_a_character_a_line_is_one_line_again(tmp_path):
    lines = [*"XX中学党支部书记抓基层党建工作述职报告", "2024年，本人认真履行党支部书记职责，现将情况报告如下。", "一、主要工作",
             "全年召开支委会12次，讲党课4次。", "□", *"二、存在不足", "理论学习不够深入。", CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX中学党支部书记抓基层党建工作述职报告"
    assert [(piece.heading_path, piece.role) for piece in parsed.pieces][2] == (["二、存在不足"], "problems")


def test_a_two_column_table_copied_as_text_keeps_each_cell_on_its_own_line(tmp_path):
    """The left cell names the part; 基本情况, a 述职 form's first part, is the opening."""
    lines = ["XX街道党工委书记2024年度抓基层党建工作述职报告", "项　目\t主要内容（按述职提纲填写）",
             "基本情况\t2024年1月至12月，本人担任XX街道党工委书记，全面负责街道党的建设工作。",
             "一、履职情况及成效\t（一）把牢政治方向，责任落实更加有力。", "\t坚持每月召开党工委会议研究党建工作，全年专题研究13次。",
             "二、存在的主要问题\t一是统筹协调能力还不够强。街道党工委统筹驻区单位的办法不多。",
             "二是组织覆盖存在薄弱环节。", "三、努力方向\t一是持续压实责任，完善书记抓党建责任清单。", f"\t{CLOSING}"]
    parsed = parse(tmp_path, lines)
    assert [(piece.text[:8], piece.heading_path[0], piece.role) for piece in parsed.pieces] == [
        ("2024年1月至", "基本情况", "opening"), ("坚持每月召开党工", "一、履职情况及成效", "achievements"), ("一是统筹协调能力", "二、存在的主要问题", "problems"),
        ("二是组织覆盖存在", "二、存在的主要问题", "problems"), ("一是持续压实责任", "三、努力方向", "plans"),
        (CLOSING[:8], "三、努力方向", "closing")]


def test_a_booklet_s_cover_and_contents_go_and_the_report_s_own_title_is_the_title(tmp_path):
    lines = ["XX县XX镇党委书记", "述 职 述 廉 报 告", "（2024年度）", "单　　位：中共XX县XX镇委员会", "姓　　名：赵XX",
             "日　　期：二〇二五年一月", "目　　录", "抓基层党建工作主要情况…………………………2", "存在的问题及原因分析……………………5",
             "XX镇党委书记2024年度抓基层党建工作述职述廉报告", "本人2021年9月起任XX镇党委书记，现将有关情况报告如下。",
             "一、抓基层党建工作主要情况", "严格执行书记抓党建“月调度、季点评”制度。", "二、存在的问题", "抓党建的精力投入不够。", CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX镇党委书记2024年度抓基层党建工作述职述廉报告"
    assert "姓名：赵XX" in parsed.removed_lines and not any("单位" in text or "……" in text for text in texts(parsed))


def test_a_wechat_merged_forward_keeps_the_author_s_messages(tmp_path):
    lines = ["群聊的聊天记录", "—————  2024-01-08  —————", "张XX  1月8日 下午3:14", "XX镇党委书记2023年度抓基层党建工作述职报告",
             "李XX  1月8日 下午3:15", "好的书记，马上看", "张XX  1月8日 下午3:16", "2023年，我认真履行第一责任人职责，现将情况报告如下。",
             "刘XX  1月8日 下午3:17", "收到", "张XX  1月8日 下午3:18", "一、主要成效", "张XX  1月8日 下午3:19",
             "（一）压紧压实责任。全年召开党委会研究党建工作12次。", "王XX撤回了一条消息", "张XX  1月8日 下午3:20", CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX镇党委书记2023年度抓基层党建工作述职报告"
    assert texts(parsed) == ["2023年，我认真履行第一责任人职责，现将情况报告如下。", "（一）压紧压实责任。全年召开党委会研究党建工作12次。",
                             CLOSING]


def test_a_drafter_s_notes_to_self_and_struck_text_go_but_numbered_brackets_stay(tmp_path):
    lines = ["XX县教育局党组书记2023年度抓基层党建工作述职报告（第三稿，12月26日改）",
             "2023年，本人认真履行第一责任人职责。（开头是不是太短？再补两句形势）现将情况报告如下。", "一、主要工作",
             "（一）以制度改革为牵引。全县中小学（含民办学校）建立党组织领导的校长负责制（此处加数据）。"
             "~~全县教育系统党建工作实现了跨越式发展。~~组织新任校级干部接受教育（可删，篇幅超了）。",
             "二、存在的问题", "基层党组织书记专职化比例偏低，仅有（此处加数据）名。（待领导审定）", CLOSING]
    found = texts(parse(tmp_path, lines))
    assert found[1] == ("（一）以制度改革为牵引。全县中小学（含民办学校）建立党组织领导的校长负责制。"
                        "组织新任校级干部接受教育。")
    assert found[0] == "2023年，本人认真履行第一责任人职责。现将情况报告如下。" and found[2] == "基层党组织书记专职化比例偏低，仅有名。"


def test_a_heading_and_its_text_on_one_line_after_a_colon(tmp_path):
    lines = ["XX街道党工委书记2023年度抓基层党建工作述职报告", "========", "【一、主要工作及成效】",
             "1、压实责任，全年召开党工委会议研究党建工作12次。",
             "二、存在问题：一是抓党建的系统思维还不够强，对新兴领域党建研究不深。二是部分社区党组织作用发挥不够充分。",
             "■三、下一步打算", "(1)突出责任落实。严格落实党建工作责任制。", CLOSING]
    parsed = parse(tmp_path, lines)
    problems = parsed.pieces[1]
    assert problems.text.startswith("一是抓党建") and problems.role == "problems"
    assert problems.heading_path[0].startswith("二、存在问题")


def test_handwriting_an_ocr_read_as_strokes_is_not_report_text(tmp_path):
    lines = ["XX乡党委书记抓基层党建工作述职报告", "2012年，本人认真履行第一责任人职责，现将情况报告如下。", "一、主要工作",
             "全年召开党委会研究党建工作12次。", "丿乀丶 亅 ㄥ 乂", "二、存在的问题", "理论学习不够深入。", "〆 丨丶ノ 乛亠 ヽ", CLOSING]
    parsed = parse(tmp_path, lines)
    assert "丿乀丶亅ㄥ乂" in parsed.removed_lines and not any("丨" in text for text in texts(parsed))


def test_an_ai_assistant_s_words_around_its_draft_are_not_report_text(tmp_path):
    lines = ["好的，以下是为您撰写的社区党委书记2024年度述职报告，供参考：", "---", "# [单位名称]党委书记2024年度抓基层党建工作述职报告",
             "2024年，我坚持以党建引领基层治理，现将有关情况报告如下。", "### 一、主要工作及成效",
             "全年召开党委会研究党建工作[具体数据]次，新建网格党支部12个。", "### 二、存在的问题", "党建引领作用发挥还不够均衡。",
             CLOSING, "**温馨提示：**", "- 文中“[具体数据]”等处需根据实际情况替换；",
             "如需调整字数或侧重点，请告诉我。", "内容由AI生成，请仔细甄别"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "党委书记2024年度抓基层党建工作述职报告"
    assert texts(parsed) == ["2024年，我坚持以党建引领基层治理，现将有关情况报告如下。", "全年召开党委会研究党建工作次，新建网格党支部12个。",
                             "党建引领作用发挥还不够均衡。", CLOSING]


def test_an_assessment_annexed_below_the_closing_is_not_report_text_though_it_outweighs_the_report(tmp_path):
    lines = ["XX集团党委书记2024年度述职述廉报告", "2024年，本人认真履行管党治党第一责任人职责，现报告如下。", "一、主要工作",
             "全年召开党委会研究党建工作12次。", "二、存在的问题", "党建与经营融合还不够深。", CLOSING, "述职人：刘XX",
             "2025年1月16日", "———————————————————", "附件1", "刘XX同志2024年度述职民主测评结果",
             *(f"{grade}：{votes}票，占{share}%" for grade, votes, share in
               (("优秀", 61, 70.9), ("称职", 22, 25.6), ("基本称职", 3, 3.5), ("不称职", 0, 0))),
             "附件2", "组织评价意见", "刘XX同志作为集团党委书记，政治站位高，抓党建主动。希望今后进一步加强融合，请予评议。",
             "评议等次：好"]
    found = texts(parse(tmp_path, lines))
    assert found[-1] == CLOSING and not any("票" in text or "评价" in text for text in found)


def test_a_government_disclosure_page_s_metadata_and_an_archive_s_stamps_go(tmp_path):
    body = "全年召开党委会研究党建工作12次，发展党员8名，整顿软弱涣散村党组织2个，村集体经济收入全部达到"
    lines = ["索引号：005XXXX38F/2024-00012", "主题分类：党务政务", "发布机构：中共XX镇委员会", "文　　号：X党发〔2024〕3号",
             "有 效 性：有效", "XX镇党委书记2023年度抓基层党建工作述职报告", "【字体：大 中 小】【打印本页】【关闭窗口】",
             "扫一扫在手机打开当前页", "一、主要工作", body, "XX县档案馆 全宗号 12 目录号 3 案卷号 45 第 20 页",
             "3万元以上。", "二、存在的问题", "党员队伍老化。", CLOSING, "【附件下载】", "1.重点任务完成情况表.xlsx"]
    found = texts(parse(tmp_path, lines))
    assert found == [body + "3万元以上。", "党员队伍老化。", CLOSING]


def test_a_title_a_heading_and_a_signature_glued_to_the_text_around_them(tmp_path):
    lines = ["XX街道党工委书记2024年度抓基层党建工作述职报告2024年以来，本人认真落实区委要求，现将有关情况报告如下。一、主要工作",
             "全年召开党工委会议研究党建工作12次，新建网格党支部8个。二、存在的问题和不足",
             "一是党建引领作用发挥不够充分。二是队伍能力有待提升。三、下一步工作思路",
             "一是聚焦责任落实，持续压实工作链条。", "以上述职，不足之处，恳请各位领导和同志们批评指正。XX街道党工委书记王XX2025年1月10日"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX街道党工委书记2024年度抓基层党建工作述职报告"
    assert [(piece.heading_path, piece.role) for piece in parsed.pieces] == [
        ([], "opening"), (["一、主要工作"], "achievements"), (["二、存在的问题和不足"], "problems"),
        (["三、下一步工作思路"], "plans"), (["三、下一步工作思路"], "closing")]
    assert texts(parsed)[-1] == "以上述职，不足之处，恳请各位领导和同志们批评指正。"


def test_parts_numbered_1_2_over_sub_points_numbered_yi_er(tmp_path):
    lines = ["XX县教育局党组书记2024年度抓基层党建工作述职报告", "根据县委组织部的安排，现将有关情况报告如下。",
             "1.履职尽责抓党建的主要做法及成效", "（一）坚持高位谋划，压实管党治党政治责任", "局党组年初专题研究制定党建工作要点。",
             "（二）推进体制改革，落实党组织领导的校长负责制", "按照先试点、后推开的思路稳步推进。",
             "2.存在的问题和不足", "（一）党建责任层层递减。少数学校党组织书记抓党建的办法不多。",
             "4.2025年工作打算", "（一）进一步压紧压实责任。坚持党组书记带头抓。", CLOSING]
    parsed = parse(tmp_path, lines)
    assert [(piece.heading_path[:1], piece.role) for piece in parsed.pieces][1:4] == [
        (["1.履职尽责抓党建的主要做法及成效"], "achievements"), (["1.履职尽责抓党建的主要做法及成效"], "achievements"),
        (["2.存在的问题和不足"], "problems")]


def test_a_part_s_heading_repeated_at_page_tops_is_dropped_and_the_cut_paragraph_is_whole(tmp_path):
    first = "究其原因，主要有以下几个方面：一是思想认识还有偏差，有时仍满足于完成规定动作，研究新"
    lines = ["XX镇党委书记2024年度抓基层党建工作述职报告", "2024年，本人认真履行第一责任人职责，现将有关情况报告如下。",
             "一、主要工作及成效", "全年召开党委会研究党建工作12次。", "二、当前存在的问题及原因分析",
             "一是统筹推进还不够平衡。", first, "第3页 共5页", "二、存在的问题及原因", "情况、解决新问题的办法不多。",
             "三、下一步工作打算", "一是持续压实责任。", "扫描全能王 创建", CLOSING]
    parsed = parse(tmp_path, lines)
    assert first + "情况、解决新问题的办法不多。" in texts(parsed)
    assert "二、存在的问题及原因" in parsed.removed_lines and "扫描全能王创建" in parsed.removed_lines


def test_a_part_noun_before_the_colon_is_weaker_than_one_before_it():
    """A report on one line: 三、下步工作思路和主要措施|总体目标：… is cut after 措施 (bench_ingest's one-line
    variant), while 二、存在问题：一是… is cut after the colon."""
    from fanwen.index.ingest.layout import split_heading_run

    assert split_heading_run("三、下步工作思路和主要措施总体目标：以惠民利民为宗旨，以制度建设为保障，以创新服务为抓手。")[0] == \
        "三、下步工作思路和主要措施"
    assert split_heading_run("二、存在问题：一是抓党建的系统思维还不够强，对新兴领域党建研究不深。")[0] == "二、存在问题："


def test_report_text_that_mentions_what_furniture_says_stays(tmp_path):
    """Page rules drop whole lines: a paragraph that names 扫一扫, AI or an adjustment is report text."""
    kept = ["推行政务服务“扫一扫”，群众扫一扫手机就能查询办事进度，全年减少跑腿1.2万人次。",
            "探索通过AI生成学习测试题，如需调整学习内容，党员可随时在平台留言，全年组织线上学习46场。"]
    lines = ["XX街道党工委书记抓基层党建工作述职报告", "一、主要工作", *kept, "二、存在的问题", "党员队伍老化。", CLOSING]
    assert texts(parse(tmp_path, lines))[:2] == kept


def test_a_schedule_in_a_report_is_not_read_as_a_transcript(tmp_path):
    schedule = ["8:30 签到", "9:00 开幕式", "9:30 分组讨论", "14:00 大会交流", "16:00 总结讲评"]
    lines = ["XX县委组织部党支部书记抓基层党建工作述职报告", "2024年，本人认真履行第一责任人职责，现将有关情况报告如下。",
             "一、主要工作", "组织全县党支部书记轮训1期，日程如下：", *schedule, "二、存在的问题", "培训形式还比较单一。", CLOSING]
    parsed = parse(tmp_path, lines)
    assert texts(parsed)[0] == "2024年，本人认真履行第一责任人职责，现将有关情况报告如下。"
    assert "培训形式还比较单一。" in texts(parsed)
