"""Reports laid out unlike the five samples (a hospital's web page, a school's PDF text, a township's report
without headings, a bank's restarting numbering): what the index would hold after parsing them."""
from parsing import CLOSING, parse, texts

PLANS = ["四、下一步工作打算",
         "（一）着力深化党建业务融合。围绕医院重点学科建设，每个支部确定1至2个融合项目，力争培育X个党建品牌。"]



def test_a_host_page_below_the_closing_formula_is_not_report_text(tmp_path):
    tail = ["述职完毕，谢谢！", "【打印】【关闭】【返回顶部】", "相关文章",
            "· XX县妇幼保健院党支部书记抓基层党建工作述职报告", "·县疾控中心开展“不忘初心、牢记使命”主题党日活动",
            "网站地图 | 联系我们 | 隐私声明 | 使用帮助", "网站标识码：1234000012"]
    parsed = parse(tmp_path, ["XX县人民医院党委书记抓基层党建工作述职报告", *PLANS, CLOSING, *tail])
    assert texts(parsed)[-2:] == [CLOSING, "述职完毕，谢谢！"]
    assert [p.role for p in parsed.pieces[-2:]] == ["closing", "closing"]
    assert "相关文章" in parsed.removed_lines and "网站标识码：1234000012" in parsed.removed_lines
    assert not any("妇幼保健院" in text or "网站地图" in text for text in texts(parsed))


def test_a_signature_block_and_a_date_line_are_dropped_and_reported(tmp_path):
    lines = ["XX分行党委党建工作述职报告", "（2023年12月20日）", *PLANS, CLOSING, "中共中国XX银行XX分行委员会",
             "党委书记：XXX", "2024年1月12日"]
    parsed = parse(tmp_path, lines)
    assert texts(parsed)[-1] == CLOSING
    assert {"（2023年12月20日）", "党委书记：XXX", "2024年1月12日"} <= set(parsed.removed_lines)


def test_headings_that_name_a_role_keep_it_when_the_first_section_names_none(tmp_path):
    achievements = [f"{n}.全年组织支部集中学习{n}次，开展主题党日活动{n + 2}次，党员参学率达到95%以上。" for n in range(1, 8)]
    lines = ["XX分行党委党建工作述职报告", "一、履行党建主体责任情况", *achievements,
             "二、存在的问题和不足", "（一）党建与经营融合的深度不够。部分网点的党员先锋岗流于形式。",
             "三、问题产生的原因", "1、思想认识还不够到位", "有时存在“业务是硬指标、党建是软任务”的认识偏差。",
             *PLANS]
    roles = {piece.text[:6]: (piece.role, piece.role_confidence) for piece in parse(tmp_path, lines).pieces}
    assert roles["（一）党建与"] == ("problems", 1.0)
    assert roles["有时存在“业"] == ("causes", 1.0)  # 问题产生的原因 names causes, although it says 问题
    assert roles["（一）着力深"] == ("plans", 1.0)
    assert roles["1.全年组织"][0] == "achievements" and roles["1.全年组织"][1] < 1.0


def test_a_numbered_sentence_with_nothing_under_it_is_a_list_item_not_a_heading(tmp_path):
    item = "1. 深化“一支部一品牌”创建，力争明年打造X个有影响力的党建品牌。"
    lines = ["XX分行党委党建工作述职报告", "四、下一步工作打算", "（二）坚持融合发展，服务高质量发展。", item,
             "2. 聚焦科技金融、绿色金融、普惠金融、养老金融、数字金融五篇大文章，持续加大对实体经济的信贷支持力度。"]
    parsed = parse(tmp_path, lines)
    assert any("一支部一品牌" in text for text in texts(parsed))  # read as a heading, its words were in no chunk
    assert all(len(piece.heading_path) == 2 for piece in parsed.pieces)


def test_a_table_copied_as_text_is_one_paragraph(tmp_path):
    table = ["表1 2023年主要经营指标完成情况", "指标  年度目标  实际完成  完成率", "各项存款余额（亿元）  120.0  126.4  105.3%",
             "各项贷款余额（亿元）  95.0  98.7  103.9%", "不良贷款率  ≤1.50%  1.12%  达标"]
    lines = ["XX分行党委党建工作述职报告", "一、主要工作成效", "（三）党建引领业务，服务实体经济",
             "深入开展“党建+金融”共建，组建党员先锋服务队XX支。", *table,
             "从表中看，各项主要指标均完成或超额完成年度目标。"]
    parsed = parse(tmp_path, lines)
    rows = [text for text in texts(parsed) if "存款余额" in text]
    assert len(rows) == 1 and "贷款余额" in rows[0] and "不良贷款率" in rows[0]
    assert all(piece.heading_path == ["一、主要工作成效", "（三）党建引领业务，服务实体经济"] for piece in parsed.pieces)


def wrap(text, width=34):
    return [text[i:i + width] for i in range(0, len(text), width)]


def test_a_paragraph_a_page_break_cut_is_one_again_without_the_running_header(tmp_path):
    title = "XX中学党支部书记抓党建工作述职报告"
    before = ("抓组织建设，战斗堡垒更加坚强。严格落实“三会一课”、主题党日和组织生活会制度，全年召开支部党员大会8次、"
              "支委会15次，讲党课6次。一是规范支部设置，按年级组划分3个党小组，实现党员教师全覆盖；二是严格发展党员程序。")
    cut = ("抓作风建设，校风教风持续向好。认真落实全面从严治党主体责任，与班子成员和各处室签订党风廉政建设责任书，"
           "开展违规补课、收受家长礼品礼金专项整治，组织观看警示教育片2次，全年未发生违规违纪问题，群众满意度测评达到97.5%。")
    at = cut.index("整治")
    lines = [title, "一、主要工作及成效", *wrap(before), *wrap(cut[:at]), "第 1 页 共 2 页", title, *wrap(cut[at:]),
             "二、存在的问题", *wrap("一是党建与教学融合深度不够，有的党员教师满足于完成教学任务，先锋模范作用发挥不够明显；"
                                 "二是党员教育方式相对单一，以读文件、听报告为主，青年教师参与积极性不高。")]
    parsed = parse(tmp_path, lines)
    assert parsed.title == title and title in parsed.removed_lines
    assert cut in texts(parsed)


def test_a_report_without_headings_reads_its_parts_from_the_text(tmp_path):
    lines = ["尊敬的各位领导、同志们：",
             "今年以来，我在县委的坚强领导下，认真履行乡镇党委书记抓基层党建第一责任人职责，现将有关情况报告如下。",
             "在选优配强村级带头人上，对XX个村党组织书记履职情况进行全面分析研判，调整不胜任现职的村党组织书记X名。",
             "在发展壮大村级集体经济上，整合衔接资金XXX万元，建设标准化厂房2栋，全镇村集体经济收入全部超过10万元。",
             "但也存在一些问题，主要是：一是部分村党组织战斗力不强，带领群众增收致富的办法不多；二是党员队伍结构老化问题仍较突出。",
             "究其原因，从主观上看，本人对基层党建的重要性虽有认识，但对党建工作研究谋划不够，督促检查不够经常，压力传导不够到位。",
             "下一步，我将坚持问题导向，力争明年全镇村集体经济收入全部超过15万元，进一步建强村级组织。",
             "以上述职，请各位领导、同志们批评指正。"]
    parsed = parse(tmp_path, lines, "township.txt")
    assert parsed.title == "township" and "尊敬的各位领导、同志们：" in parsed.removed_lines
    roles = [piece.role for piece in parsed.pieces]
    assert roles[0] == "opening" and roles[-1] == "closing"
    assert roles[texts(parsed).index(lines[5])] == "causes"


def test_parts_named_di_x_bufen_sit_above_the_numbered_headings(tmp_path):
    lines = ["XX学院党委书记抓基层党建工作述职报告", "内部资料 注意保存",
             "今年以来，我始终坚持以习近平新时代中国特色社会主义思想为指导，认真履行第一责任人职责。",
             "第一部分 主要工作及成效", "一、强化理论武装，政治引领持续加强",
             "（一）抓实党委理论学习中心组学习。全年组织集中学习12次，专题研讨4次。",
             "第二部分 存在的问题和不足。", "一是支部工作与教学科研融合不够深；二是党员教育形式较为单一。",
             "第三部分 原因分析", "**（一）思想认识还有差距**", "对新时代高校党建工作的新要求理解不够深，有时把主要精力放在业务上。",
             "第四部分 下一步工作打算。", "（一）健全中心组学习研讨机制，每季度开展一次专题研讨。"]
    parsed = parse(tmp_path, lines)
    by_text = {piece.text[:6]: piece for piece in parsed.pieces}
    assert by_text["今年以来，我"].role == "opening" and "内部资料注意保存" in parsed.removed_lines  # spaces by CJK go at reading
    assert by_text["（一）抓实党"].heading_path == ["第一部分主要工作及成效", "一、强化理论武装，政治引领持续加强",
                                               "（一）抓实党委理论学习中心组学习"]
    assert by_text["对新时代高校"].role == "causes"
    assert by_text["对新时代高校"].heading_path == ["第三部分原因分析", "（一）思想认识还有差距"]  # no ** left
    assert by_text["（一）健全中"].role == "plans"


def test_a_spoken_report_heads_its_parts_with_a_colon_and_ends_with_thanks(tmp_path):
    lines = ["XX村党支部书记述职报告", "各位领导、各位党员、村民代表：",
             "大家好！今年以来，在镇党委的坚强领导下，我带领村两委班子干了几件实事，向大家汇报一下。",
             "一年来主要干了这么几件事：", "第一，把支部班子带好。全年召开支委会18次，发展年轻党员2名。",
             "（台下掌声）", "存在的不足：", "说实话，工作中还有不少差距。集体经济底子还薄，合作社带动能力不强。",
             "原因在哪儿：", "我自己反思，学习抓得不紧，平时忙于具体事务，带头学习不够。",
             "明年的打算：", "第一，继续把集体经济做大，跟县里的农业公司对接，搞订单种植。",
             "我就汇报这些，谢谢大家！", "2024年12月28日"]
    parsed = parse(tmp_path, lines)
    roles = {piece.text[:4]: piece.role for piece in parsed.pieces}
    assert roles == {"大家好！": "opening", "第一，把": "achievements", "说实话，": "problems",
                     "我自己反": "causes", "第一，继": "plans", "我就汇报": "closing"}
    assert {"（台下掌声）", "2024年12月28日", "各位领导、各位党员、村民代表："} <= set(parsed.removed_lines)


def test_a_heading_run_into_its_points_is_cut_before_them_not_at_its_first_role_word(tmp_path):
    causes = ("五、问题产生的原因一是思想上有所松懈，认为县局主要是执行层面，对理论学习的紧迫性认识不足。"
              "二是工作中存在路径依赖:习惯于用老办法解决新问题,主动研究新情况、新政策不够。")
    lines = ["XX县税务局党委书记述职报告", "四、存在的问题和不足一是理论学习还不够系统深入，有时存在以干代学的情况。"
             "二是改革创新意识不够强,在智慧税务建设方面办法不多。", causes, *PLANS]
    parsed = parse(tmp_path, lines)
    by_start = {piece.text[:4]: piece for piece in parsed.pieces}
    assert by_start["一是思想"].heading_path == ["五、问题产生的原因"]  # not cut after 问题 (产生的原因一是… as text)
    assert by_start["一是思想"].role == "causes" and by_start["一是理论"].role == "problems"


def test_a_wechat_copy_loses_the_post_around_the_report_and_keeps_its_title(tmp_path):
    title = "XX街道党工委书记2024年度抓基层党建工作述职报告"
    lines = ["点击上方蓝字关注我们", "XX街道发布 原创", "2025年01月09日 18:30 XX省",
             "编者按：1月7日，XX区召开2024年度街道党工委书记抓基层党建工作述职评议会。今天，小编为大家带来"
             "我们街道党工委书记的述职报告全文，一起来看看吧👇👇👇", title,
             "2024年，在区委的坚强领导下，我认真履行抓基层党建第一责任人职责，现将履职情况报告如下。",
             "【履职尽责 成效初显】", "▶ 全年主持召开党工委会议研究党建工作15次，带头讲党课4次。",
             "▲ 图为XX社区“红色议事厅”现场", "▶ 建成“小哥驿站”7个，成立快递、外卖行业联合党支部2个。", CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == title  # the editor's note ended in 👇, so the title was not glued to it
    assert texts(parsed)[0].startswith("2024年，在区委") and parsed.pieces[0].role == "opening"
    assert {"XX街道发布原创", "2025年01月09日18:30 XX省", "▲图为XX社区“红色议事厅”现场"} <= set(parsed.removed_lines)
    assert not any("小编" in text or "编者按" in text or "图为" in text for text in texts(parsed))


def test_a_section_whose_heading_names_no_role_reads_its_role_from_its_text(tmp_path):
    lines = ["XX街道党工委书记抓基层党建工作述职报告", "【正视差距 找准问题】",
             "❶党建引领基层治理的机制还不够完善。部分驻区单位参与共建的积极性不高，“双报到”存在重报到轻服务现象。",
             "【深挖根源 剖析原因】", "📌思想认识上：对党建引领基层治理的系统性研究不够，抓具体抓深入还有差距。",
             "【锚定目标 再启新程】",
             "2025年，我将坚持问题导向，对标区委部署要求，重点抓好以下工作：",
             "✅健全共建机制。完善街道“大工委”、社区“大党委”运行规则，推动驻区单位资源共享。", CLOSING]
    roles = {piece.text[:4]: piece.role for piece in parse(tmp_path, lines).pieces}
    assert roles["❶党建引"] == "problems" and roles["📌思想认"] == "causes"
    assert roles["2025"] == "plans" and roles["✅健全共"] == "plans"  # were achievements, the fallback


def test_an_ocr_running_header_goes_in_every_copy_though_the_copies_differ_by_a_character(tmp_path):
    header = "XX市公安局XX分局党委2024年度述职材料"
    body = ["（一）坚持政治建警，筑牢忠诚警魂。全年组织分局党委理论学习中心组学习12次，开展专题研讨4次，",
            "推动“枫桥式公安派出所”创建，全年化解矛盾纠纷1260起。"]
    lines = ["XX市公安局XX分局党委书记抓基层党建工作述职报告", "一、主要工作及成效", body[0], "- 2 -", header,
             body[1], "二、存在的问题", "一是理论学习不够深入，学用结合还有差距。", "- 3 -",
             "XX市公安局XX分局党委2O24年度述职材 料", "二是基层基础还有薄弱环节。", "- 4 -", header, CLOSING]
    parsed = parse(tmp_path, lines)
    assert body[0] + body[1] in texts(parsed)  # the page break no longer cuts the paragraph
    assert not any("述职材" in text for text in texts(parsed))


def test_a_paragraph_opening_with_fen_xi_yuan_yin_in_a_headless_report_is_causes(tmp_path):
    lines = ["XX县交通运输局党组书记抓基层党建工作述职报告",
             "今年以来，我始终把抓基层党建作为第一责任，全年主持召开党组会议专题研究党建工作11次。",
             "在夯实基础方面，对9个党支部逐一对标评估，整改问题23个，创建标准化示范支部3个。",
             "但对照县委要求，还存在一些不足。一是党建与业务融合还不够深入；二是基层党支部发展不平衡。",
             "分析原因，既有客观因素，更有主观原因。从我自身来看，对党建工作的研究还不够深。",
             "下一步，我将坚持问题导向，着力建强基层组织，推动党建与业务深度融合。", CLOSING]
    roles = {piece.text[:4]: piece.role for piece in parse(tmp_path, lines).pieces}
    assert roles["但对照县"] == "problems" and roles["分析原因"] == "causes" and roles["下一步，"] == "plans"


def test_a_report_of_one_headless_paragraph_keeps_its_default_role(tmp_path):
    parsed = parse(tmp_path, ["社区网格员队伍建设成效明显，群众满意度显著提升，累计走访居民XX户。"])
    assert [(piece.role, piece.role_confidence) for piece in parsed.pieces] == [("opening", 0.9)]


def test_a_forwarded_email_loses_its_headers_note_signature_and_notice(tmp_path):
    title = "XX县人民法院党组书记、院长2024年度抓基层党建工作述职报告"
    lines = ["发件人: 李晓雯 <lixiaowen@xxfy.gov.cn>", "发送时间: 2025年1月8日 星期三 16:42",
             "收件人: 王建国 <wangjianguo@xxfy.gov.cn>", "主题: 转发: 院长2024年度抓党建述职报告（第三稿）",
             "王科长，您好：", "附件是院长2024年度抓基层党建述职的第三稿，请审阅。如无意见，我周五前报县委组织部。",
             "------------------ 原始邮件 ------------------", "发件人: \"陈磊\" <chenlei@xxfy.gov.cn>",
             "发送时间: 2025年1月7日(星期二) 晚上7:15", "主题: 院长2024年度抓党建述职报告（第三稿）", title, *PLANS,
             "以上述职，请县委和各位领导批评指正。", "陈  磊  综合科科员", "XX县人民法院办公室", "电话：0XXX-6212XXXX",
             "邮箱：chenlei@xxfy.gov.cn", "此邮件及其附件含有保密信息，仅限于发送给上述地址中列出的个人或群组使用。"
             "如果您错收了本邮件，请您立即电话或邮件通知发件人并删除本邮件！"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == title
    assert texts(parsed) == [PLANS[1], "以上述职，请县委和各位领导批评指正。"]
    assert parsed.pieces[-1].role == "closing"


def test_a_table_of_contents_and_an_annex_after_the_closing_are_not_report_text(tmp_path):
    title = "XX市市场监督管理局党组书记2024年度抓基层党建工作述职报告"
    lines = ["目    录", "一、 履职尽责情况………………………………1", "四、 下一步工作打算…………………………4", title,
             *PLANS, CLOSING, "注释：本文数据截至2024年12月20日。",
             "① “第一议题”制度：指党组织会议将学习习近平总书记最新重要讲话作为第一议题。",
             "附件：XX社区卫生服务中心党支部2025年党建工作责任清单", "序号  工作任务          具体措施",
             "1     政治理论学习      每月集中学习不少于1次，书记每年讲党课"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == title and texts(parsed) == [PLANS[1], CLOSING]
    assert "目录" in parsed.removed_lines and any(line.startswith("注释") for line in parsed.removed_lines)


def test_a_meeting_record_keeps_the_speech_and_reads_its_spoken_parts(tmp_path):
    lines = ["XX市国有林场管理局2024年度基层党支部书记抓党建工作述职评议会记录（根据录音整理）",
             "时间：2025年1月10日上午9:00", "参会人员：局党委班子成员、各林场党支部书记共46人",
             "主持人（局党委副书记刘XX）：同志们，现在开会。下面请青山林场党支部书记赵XX同志述职。",
             "（掌声，赵XX走上发言席）", "赵XX（青山林场党支部书记）：", "尊敬的各位领导、同志们：大家上午好！",
             "我是青山林场党支部书记赵XX。按照局党委的安排，我把2024年抓党建工作的情况跟大家汇报一下。",
             "先说说这一年我们干的几件事。", "第一，把支部建在山头上。6个管护站都建了党小组，全年发展党员2名。",
             "（台下笑声）", "下面我讲讲存在的问题。", "第一，党建跟生产结合得还不够紧，有时候党建的事就往后放了。",
             "那么问题出在哪儿呢？我自己琢磨了一下，一个是思想上重生产轻党建。",
             "主持人：赵书记，时间还剩3分钟，请抓紧。", "好，我抓紧，就简单说一下明年的打算，主要是四条。",
             "第一，明年每个管护站都要有党员，组织生活一个月不少于一次。",
             "我就汇报这么多。工作中还有很多不足，请各位领导和同志们批评指正。谢谢大家！",
             "主持人：感谢赵XX同志的述职。下面进行测评。", "（以下记录略）"]
    parsed = parse(tmp_path, lines)
    roles = {piece.text[:6]: piece.role for piece in parsed.pieces}
    assert not any("主持人" in text or "（" in text[:1] or "时间：" in text for text in texts(parsed))
    assert roles["第一，把支部"] == "achievements" and roles["第一，党建跟"] == "problems"
    assert roles["那么问题出在"] == "causes" and roles["第一，明年每"] == "plans" and roles["我就汇报这么"] == "closing"


def test_report_lines_that_look_like_post_or_meeting_furniture_stay(tmp_path):
    kept = ["（一）精简机构编制。按照上级部署，缩小编制规模，优化内设机构，全年为职工开通工会会员服务卡1200张。",
            "鼓励原创", "（二）支部书记（党员代表）：发挥示范带头作用，带头讲党课4次。",
            "存在的不足（5条）：", "一是理论学习不够深入，学用结合还有差距。"]
    parsed = parse(tmp_path, ["XX局党委书记抓基层党建工作述职报告", "一、主要工作", *kept[:3], "二、存在的问题",
                              *kept[3:], CLOSING])
    held = "".join(texts(parsed)) + "".join(p for piece in parsed.pieces for p in piece.heading_path)
    assert all(line.replace("（一）", "").replace("（二）", "")[:8] in held for line in kept)
    assert not parsed.removed_lines


def test_slides_one_clause_a_line_become_paragraphs_and_lose_their_furniture(tmp_path):
    lines = ["—— 第1页 ——", "XX市水务集团有限公司党委书记、董事长", "2024年度抓基层党建工作述职报告", "述职人：XXX",
             "二〇二五年一月", "—— 第2页 ——", "一、履职尽责情况", "严格落实“第一议题”制度，", "全年召开党委会议31次，",
             "理论学习中心组集中学习12次。", "—— 第3页 ——", "履职尽责情况（续）", "演讲者备注：此处播放抢修视频",
             "全年发展党员13名，", "其中一线技术工人占比达到69%。", *PLANS, CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX市水务集团有限公司党委书记、董事长2024年度抓基层党建工作述职报告"
    assert texts(parsed)[:2] == ["严格落实“第一议题”制度，全年召开党委会议31次，理论学习中心组集中学习12次。",
                                 "全年发展党员13名，其中一线技术工人占比达到69%。"]
    assert {"二〇二五年一月", "履职尽责情况（续）"} <= set(parsed.removed_lines)


def test_a_report_sent_as_the_annex_of_a_notice_and_a_two_part_shuzhi_shulian(tmp_path):
    lines = ["中共XX市直机关工委文件", "X直工发〔2025〕3号", "关于印发2024年度基层党组织书记抓党建工作述职评议优秀报告的通知",
             "各市直单位党组（党委）：", "现将市图书馆党委书记的述职报告印发给你们，请结合实际学习借鉴。", "附件",
             "以“书香党建”引领公共文化服务高质量发展", "——XX市图书馆党委书记2024年度抓基层党建工作述职报告",
             "上篇  述职：履行抓基层党建工作第一责任人职责情况", "一、主要工作及成效",
             "（一）突出政治引领。全年召开党委会议24次、理论学习中心组学习12次。【本文档由XX文库用户上传】",
             "下篇  述廉：落实党风廉政建设责任和个人廉洁自律情况", "一、履行“一岗双责”情况",
             "严格落实中央八项规定精神，全年未发生违规违纪问题。", CLOSING, "抄送：市委组织部，市文化广电和旅游局党组。",
             "XX市直机关工委办公室                2025年1月20日印发"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "以“书香党建”引领公共文化服务高质量发展——XX市图书馆党委书记2024年度抓基层党建工作述职报告"
    assert texts(parsed)[0] == "（一）突出政治引领。全年召开党委会议24次、理论学习中心组学习12次。"
    assert [piece.heading_path[0][:4] for piece in parsed.pieces[:2]] == ["上篇述职", "下篇述廉"]
    assert texts(parsed)[-1] == CLOSING and not any("印发" in text or "通知" in text for text in texts(parsed))


def test_a_pages_html_source_saved_as_text_reads_as_its_article(tmp_path):
    page = ['<!DOCTYPE html>', '<html><head><title>述职报告_XX市住建局门户网站</title></head><body>',
            '<div class="nav"><ul><li><a href="/">住建门户首页</a></li><li><a href="/zwgk/">政务信息公开</a></li></ul></div>',
            '<div class="position">当前位置：门户首页&nbsp;&gt;&nbsp;机关党建</div>',
            '<h1 class="title">XX市住建局党组书记2024年度抓基层党建工作述职报告</h1>',
            '<p>&nbsp;&nbsp;2024年，本人认真履行&ldquo;第一责任人&rdquo;职责，现将履职情况报告如下。</p>',
            '<p><strong>四、下一步工作打算</strong></p>',
            '<p>（一）着力深化党建业务融合。围绕城市更新，每个支部确定<br/>1至2个融合项目。</p>',
            f'<p>{CLOSING}</p>', '<div class="related"><h3>相关阅读</h3><ul><li>市城管局述职报告</li></ul></div>',
            '<footer><p>主办单位：XX市住房和城乡建设局</p></footer>', '<script>var _hmt = [];</script></body></html>']
    parsed = parse(tmp_path, page)
    assert parsed.title == "XX市住建局党组书记2024年度抓基层党建工作述职报告"
    assert texts(parsed) == ["2024年，本人认真履行“第一责任人”职责，现将履职情况报告如下。",
                             "（一）着力深化党建业务融合。围绕城市更新，每个支部确定1至2个融合项目。", CLOSING]


def test_arabic_outline_numbers_and_a_part_heading_that_lost_its_number(tmp_path):
    lines = ["XX县消防救援大队党委书记抓基层党建工作述职报告", "1.履职尽责情况及主要成效", "1.1坚持政治建队",
             "始终把政治建设摆在首位，全年组织党委理论学习中心组学习12次。", "1.2坚持固本强基",
             "大队现有党支部5个、党员68名，全年发展党员3名。", "存在的问题和不足",
             "（1）理论学习的深度还不够。部分指战员学习停留在读原文、记笔记。", "3、问题产生的原因",
             "（1）思想认识还有偏差。执勤备战任务重，有时重业务轻党建。", CLOSING]
    pieces = {piece.text[:6]: piece for piece in parse(tmp_path, lines).pieces}
    assert pieces["大队现有党支"].heading_path == ["1.履职尽责情况及主要成效", "1.2坚持固本强基"]
    assert pieces["（1）理论学"].heading_path[0] == "存在的问题和不足" and pieces["（1）理论学"].role == "problems"
    assert pieces["（1）思想认"].role == "causes"


def test_a_form_keeps_the_report_it_carries_and_loses_its_fields(tmp_path):
    lines = ["XX县2024年度基层党组织书记抓党建工作述职评议表", "姓  名 | 王XX | 性  别 | 男 | 出生年月 | 1976.09",
             "单位及职务 | XX县疾病预防控制中心党支部书记、主任 | 任现职时间 | 2021年3月",
             "述职内容（可另附页） | 2024年，在县卫生健康局党委的坚强领导下，本人认真履行党支部书记抓党建第一责任人职责。",
             *PLANS, "以上述职，请各位领导和同志们评议。", "民主测评结果 | 参加测评38人：好 31 票，较好 6 票。",
             "上级党组织评价意见 | 该同志抓党建责任意识强，下一步要在融合上下功夫。", " | XX县卫生健康局党委（盖章）",
             " | 年  月  日", "填表说明：1.本表一式两份。"]
    parsed = parse(tmp_path, lines)
    assert texts(parsed)[0].startswith("2024年，在县卫生健康局党委") and parsed.pieces[0].role == "opening"
    assert texts(parsed)[-1] == "以上述职，请各位领导和同志们评议。" and parsed.pieces[-1].role == "closing"
    assert not any("|" in text or "测评" in text for text in texts(parsed))


def test_a_report_in_questions_and_answers_heads_each_part_with_its_question(tmp_path):
    lines = ["XX高新区党工委书记2024年度抓基层党建工作述职报告", "问：一年来，您抓基层党建主要做了哪些工作？",
             "答：主要围绕“抓责任、强组织、促发展”做了三方面工作，全年召开党建工作专题会12次。",
             "问：企业反映的用地、融资等问题，党建工作是如何帮助解决的？",
             "答：我们推行“党建+营商”服务模式，全年帮助企业解决用地、融资问题46个。",
             "问：对照上级要求，您认为工作中还存在哪些问题和不足？", "答：一是“两新”组织党建覆盖质量不高；二是融合不够深。",
             "问：产生这些问题的原因是什么？", "答：为什么会出现这些问题？主要是自己对“两新”党建规律研究不够。",
             "问：新的一年，在抓基层党建方面有哪些打算？", "答：新的一年，我将重点在扩大覆盖上下功夫。", CLOSING]
    roles = [piece.role for piece in parse(tmp_path, lines).pieces]
    assert roles == ["achievements", "achievements", "problems", "causes", "plans", "closing"]


def test_a_short_report_ending_in_an_annex_line_is_not_taken_for_a_notice(tmp_path):
    lines = ["XX局党委书记抓基层党建工作述职报告", "一、主要工作", "认真学习贯彻上级文件",
             "全年组织党委理论学习中心组学习12次，专题研讨4次。", *PLANS, CLOSING, "附件", "2024年度党建工作台账"]
    parsed = parse(tmp_path, lines)
    assert texts(parsed)[0] == "全年组织党委理论学习中心组学习12次，专题研讨4次。"


def test_a_text_box_wrapped_at_twelve_under_a_newsletter_masthead(tmp_path):
    text = ("2024年，我坚决扛起抓基层党建第一责任人职责，坚持以党建引领乡村全面振兴。严格落实“第一议题”制度，"
            "局党组全年开展理论学习中心组集中学习12次、专题研讨4次，本人带头讲党课2次。")
    wrapped = [text[i:i + 12] for i in range(0, len(text), 12)]
    lines = ["机关党建简报", "2025年第1期（总第36期）", "XX县农业农村局机关党委编印　　　　2025年1月15日",
             "XX县农业农村局党组书记", "2024年度抓基层党建工作述", "职报告", *wrapped, "以上述职，请批评指正。"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX县农业农村局党组书记2024年度抓基层党建工作述职报告"
    assert texts(parsed) == [text, "以上述职，请批评指正。"]


def test_a_chat_export_keeps_the_author_s_messages_only(tmp_path):
    lines = ["消息记录（此消息记录为文本格式，不支持重新导入）", "消息对象:医保局述职材料小组",
             "2025-01-07 16:41:26 办公室-周晓(2731190456)", "@全体成员 王局的述职报告初稿我分几段发到群里，大家帮忙看看。",
             "2025-01-07 16:42:03 办公室-周晓(2731190456)", "XX县医疗保障局党组书记2024年度抓基层党建工作述职报告",
             "2024年，在县委的坚强领导下，我认真履行抓基层党建第一责任人职责，全年召开党组会议研究党建工作12次，",
             "2025-01-07 16:43:31 基金监管股-李敏(1306628817)", "收到，我先看第一部分，追回基金那个数再核一下。",
             "2025-01-07 16:44:10 办公室-周晓(2731190456)", "带头讲党课4次，到基层支部调研指导16次。", "[图片]",
             "2025-01-07 16:45:02 系统消息(10000)", "李敏撤回了一条消息", *PLANS, CLOSING]
    lines[-3:-3] = ["2025-01-07 16:46:12 办公室-周晓(2731190456)"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX县医疗保障局党组书记2024年度抓基层党建工作述职报告"
    assert texts(parsed)[0] == ("2024年，在县委的坚强领导下，我认真履行抓基层党建第一责任人职责，全年召开党组会议研究"
                                "党建工作12次，带头讲党课4次，到基层支部调研指导16次。")
    assert not any("收到" in text or "撤回" in text or "@" in text for text in texts(parsed))


def test_track_changes_balloons_and_a_reviewer_s_note_are_not_report_text(tmp_path):
    lines = ["XX县审计局党组书记抓基层党建工作述职报告", "带格式的: 字体: (默认) 方正小标宋简体, 二号, 居中",
             "一、主要工作", "全年组织党组理论学习中心组学习12次【王科长：此处数据再核实】，专题研讨4次。",
             "删除的内容: 组织开展“审计大讲堂”活动8期，", "批注 [WQ1]: “同部署、同落实”与上级文件提法一致，保留。",
             "【案例：XX审计组临时党支部】把支部建在项目上，全年审计项目党员覆盖率100%。", *PLANS, CLOSING]
    parsed = parse(tmp_path, lines)
    assert texts(parsed)[:2] == ["全年组织党组理论学习中心组学习12次，专题研讨4次。",
                                 "【案例：XX审计组临时党支部】把支部建在项目上，全年审计项目党员覆盖率100%。"]


def test_an_oa_page_loses_its_form_and_approval_trail_and_te_ci_bao_gao_closes(tmp_path):
    lines = ["XX市生态环境局协同办公平台", "首页\t待办事项(6)\t已办事项", "发 文 稿 纸",
             "流程编号：FW-2025-0012\t文件类型：上行文", "拟稿人：陈晓燕\t拟稿单位：机关党委", "签发人：郑XX",
             "XX市生态环境局党组书记2024年度抓基层党建工作述职报告", *PLANS, "以上情况，特此报告。",
             "处理意见", "【拟稿】陈晓燕  2025-01-06 15:21  提交核稿。", "【签发】郑XX  2025-01-10 09:32  同意。",
             "流程状态：已办结"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == "XX市生态环境局党组书记2024年度抓基层党建工作述职报告"
    assert texts(parsed) == [PLANS[1], "以上情况，特此报告。"] and parsed.pieces[-1].role == "closing"


def test_hard_wrapped_report_lines_that_end_like_furniture_stay(tmp_path):
    text = ("全年组织编印《党建工作手册》2000册，依托协同办公平台推行党务工作线上办理，"
            "开设“三会一课”纪实模块，党员参学率达到98%以上，各支部工作动态每月通报一次。" +
            "坚持把政治建设摆在首位，严格落实“第一议题”制度，全年组织党委理论学习中心组集中学习12次、专题研讨4次，"
            "本人带头讲党课4次，到基层支部调研指导22次，帮助解决实际问题31个。" * 4)
    wrapped = [text[i:i + 20] for i in range(0, len(text), 20)]
    lines = ["XX局党委书记抓基层党建工作述职报告", "一、主要工作", *wrapped, "（三）工作动态",
             "每月编发支部工作动态，全年编发12期，交流基层经验做法36条。", CLOSING]
    parsed = parse(tmp_path, lines)
    assert "".join(texts(parsed)[:-2]) == text and not parsed.removed_lines  # a long paragraph is cut in chunks
    assert parsed.pieces[-2].heading_path[-1] == "（三）工作动态"
