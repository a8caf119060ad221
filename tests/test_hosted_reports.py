"""Reports as web communities and office apps host them (a forum thread, a self-media article, a work-log
template): what the index holds is the report, not the host."""
from parsing import CLOSING, parse, texts

TITLE = "青石镇党委书记2024年度抓基层党建工作述职报告"
OPENING = "2024年，本人认真履行抓基层党建第一责任人职责，现将有关情况报告如下。"
ACHIEVED = "一是责任链条逐级拧紧。年初召开党委会专题研究党建工作4次，梳理出6个方面28项具体任务。"
PROBLEM = "一是党建与发展融合还不够紧密。部分村党组织谋划产业思路不宽、办法不多。"


def profile(name, floor, time):
    return [name, "发消息", "等级：秀才（Lv.5）", "积分：1286  帖子：342  主题：57", "注册时间：2019-3-12", floor,
            f"发表于 {time} | 只看该作者"]


def test_a_forum_thread_keeps_the_starters_posts_only(tmp_path):
    actions = "回复 | 举报 | 收藏 | 分享"
    lines = (["XX公考论坛 › 申论与公文写作 › 材料交流区", "【原创】乡镇党委书记2024年度抓基层党建述职报告（全文，两楼发完）",
              "返回列表 发新帖 回复"] + profile("青山一道同云雨", "楼主 · 1楼", "2025-1-6 21:14:08")
             + ["本帖最后由 青山一道同云雨 于 2025-1-6 21:19 编辑", "自己写的，两道关都过了，真实地名都换了。", TITLE, OPENING,
                "一、履职情况及主要成效", ACHIEVED, "（未完待续）", "------------------------------------------",
                "宁静致远，笔耕不辍。", actions, "点评", "老街的猫  顶  2025-1-6 21:20"]
             + profile("青山一道同云雨", "沙发 · 2楼", "2025-1-6 21:16:42")
             + ["（接上楼）", "二、存在的问题", PROBLEM, CLOSING, actions]
             + profile("组工小白2023", "板凳 · 3楼", "2025-1-7 09:02:15")
             + ["引用 青山一道同云雨 的回复：", "部分村党组织谋划产业思路不宽", "这句太真实了，我们领导的述职年年都有这一条。", actions])
    parsed = parse(tmp_path, lines)
    assert parsed.title == TITLE
    assert texts(parsed) == [OPENING, ACHIEVED, PROBLEM, CLOSING]


def test_a_self_media_article_loses_its_ads_contents_and_preface(tmp_path):
    lines = ["党组织书记抓基层党建述职报告范文（街道篇），改改就能用！", "笔杆子老周聊材料", "发布于 2025-01-03 08:47 · IP 属地河南",
             "阅读 1.2万 · 赞 36 · 收藏 218", "年底述职季又到了，今天分享一篇街道党工委书记的述职报告，建议先收藏再看。",
             "目录", "抓基层党建工作的主要做法…", "存在的问题和不足", TITLE, OPENING, "一、抓基层党建工作的主要做法",
             ACHIEVED, "—— 广告 ——", "年终述职、总结报告不知道从哪下笔？", "↓↓↓ 点击下方卡片领取 200 篇述职范文 ↓↓↓",
             "—— 广告 ——", "二、存在的问题和不足", PROBLEM, CLOSING, "— END —"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == TITLE
    assert texts(parsed) == [OPENING, ACHIEVED, PROBLEM, CLOSING]


def test_a_work_log_template_keeps_the_report_and_its_roles(tmp_path):
    cause = "产生上述问题，原因主要有三点：一是思想上对抓党建的认识还不够到位。"
    lines = ["工作台 › 日志 › 我收到的", "党组织书记抓基层党建述职（年度）", "提交人：陈XX", "部门：XX县第二中学-党总支",
             "提交时间：2025-01-09 17:26", "汇报对象：吴XX、郑XX", "【本年度重点工作完成情况】", OPENING, ACHIEVED,
             "【存在问题及原因】", PROBLEM, cause, "【下一步工作计划】", "1. 推行“党建+课后服务”模式，由党员教师领衔开设课程。",
             CLOSING, "【需协调解决事项】", "无", "附件（1）", "2024年度抓基层党建工作述职报告（陈XX）.docx  42.6KB",
             "已读 12 人 · 未读 3 人", "吴XX、郑XX等5人觉得很赞", "评论（2）", "吴XX（县委教育工委书记）  01-09 18:03",
             "述职写得很实在，数据也比较详实。", "回复"]
    parsed = parse(tmp_path, lines)
    assert [(piece.text[:6], piece.role) for piece in parsed.pieces] == [
        (OPENING[:6], "opening"), (ACHIEVED[:6], "achievements"), (PROBLEM[:6], "problems"), (cause[:6], "causes"),
        ("1.推行“党", "plans"), (CLOSING[:6], "closing")]


def test_keycap_emoji_number_the_parts_of_a_wechat_post(tmp_path):
    lines = ["🌟🌟 " + TITLE + "🌟🌟", OPENING, "1️⃣ 聚焦主责主业，党建质效稳步提升", "🔹 " + ACHIEVED,
             "2️⃣ 正视短板不足，问题清单心中有数", "📌 " + PROBLEM, "3️⃣ 深挖问题根源，剖析原因找准病灶",
             "从主观上看，本人对基层党建工作的新要求学习领会还不够透彻。", "👉 " + CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == TITLE
    assert [piece.role for piece in parsed.pieces] == ["opening", "achievements", "problems", "causes", "closing"]
    assert parsed.pieces[2].heading_path == ["2️⃣正视短板不足，问题清单心中有数"]


def test_two_reports_in_one_file_each_open_and_close(tmp_path):
    second = ["XX街道XX社区党委书记2024年度党建工作述职报告", "我就一年来抓党建工作的情况向大家作个汇报。",
              "一、主要工作", "全年组织开展主题党日活动24次。", "二、存在的问题", "居民党员参与社区治理的积极性还不够高。",
              "以上述职，请各位领导和党员同志们评议。"]
    lines = [TITLE, OPENING, "一、主要工作", ACHIEVED, "二、存在的问题", PROBLEM, CLOSING, "——————————"] + second
    roles = [piece.role for piece in parse(tmp_path, lines).pieces]
    assert roles == ["opening", "achievements", "problems", "closing", "opening", "achievements", "problems", "closing"]


def test_a_government_site_page_around_the_report_goes(tmp_path):
    lines = ["中共XX县委组织部　XX县党建网", "首页", "机构概况", "党建动态", "党员远程教育", "政府信息公开",
             "当前位置：首页 > 党建动态 > 述职评议", TITLE, "来源：XX县委组织部　发布时间：2025-01-10　浏览次数：1234",
             "字号：大 中 小", OPENING, "一、主要工作", ACHIEVED, "二、存在的问题", PROBLEM, CLOSING,
             "【打印本页】【关闭窗口】", "【责任编辑：周XX】", "上一篇：县委组织部召开2024年度党组织书记述职评议会",
             "相关链接：", "· XX镇党委书记2024年度抓基层党建工作述职报告", "· 全县2024年度基层党建工作考核结果通报",
             "主办单位：中共XX县委组织部　　承办单位：XX县信息中心", "X公网安备 12345602000123号"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == TITLE and texts(parsed) == [OPENING, ACHIEVED, PROBLEM, CLOSING]


def test_a_qa_answers_advice_and_outro_around_the_report_go(tmp_path):
    lines = ["述职报告到底怎么写？", "写材料的老周", "国企党群部门老兵，写了十几年材料", "123 人赞同了该回答", "谢邀。",
             "述职报告这东西，说难不难，说简单也不简单。下面贴一篇我去年帮书记改过的。", "————————————————", TITLE,
             OPENING, "一、主要工作", ACHIEVED, "二、存在的问题", PROBLEM, CLOSING, "————————————————",
             "以上，有用的话点个赞吧。写材料没有捷径，多看多改。", "有问题评论区见，私信太多可能回不过来，见谅。",
             "发布于 2025-01-12 21:47・IP 属地江苏", "\u200b赞同 123", "\u200b添加评论"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == TITLE and texts(parsed) == [OPENING, ACHIEVED, PROBLEM, CLOSING]


def test_a_one_to_one_chat_export_keeps_the_authors_messages(tmp_path):
    lines = ["与“刘XX（街道组织委员）”的聊天记录", "导出时间：2025-01-08 09:15:32　共14条消息",
             "刘XX 2025/1/7 19:58:20", "张书记，述职报告今晚能发我吗？明早要汇总报区委组织部", "张XX 2025/1/7 20:05:47",
             TITLE + "\n" + OPENING, "刘XX 2025/1/7 20:06:12", "[语音] 12″", "张XX撤回了一条消息", "张XX 2025/1/7 20:13:05",
             "一、主要工作\n" + ACHIEVED, "刘XX 2025/1/7 20:13:31", "好的，我看一下", "张XX 2025/1/7 20:14:40",
             "二、存在的问题\n" + PROBLEM + "\n" + CLOSING, "张XX 2025/1/7 20:15:02", "[文件] 述职报告.docx"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == TITLE and texts(parsed) == [OPENING, ACHIEVED, PROBLEM, CLOSING]


def test_an_html_mail_and_a_phones_marks_leave_the_report(tmp_path):
    lines = ["[cid:image001.png@01DB5C2A.3F4E5D60]", TITLE,
             "根据《关于开展述职评议考核的通知》<https://oa.xxny.com.cn/notice/2024/1201.html>，现将有关情况报告如下。",
             "一、主要工作", ACHIEVED + "（@王XX 这个数请再跟组织办核对一下）", "发自我的华为手机", "二、存在的问题",
             "一是党建与发展融合还不够紧密【已自动更正】，部分村党组织谋划产业思路不宽。", "Sent from my iPad", CLOSING,
             "NOTICE: This e-mail and any attachments are confidential and intended solely for the addressee.",
             "If you are not the intended recipient, please notify the sender immediately and delete this message."]
    parsed = parse(tmp_path, lines)
    assert texts(parsed) == ["根据《关于开展述职评议考核的通知》，现将有关情况报告如下。", ACHIEVED,
                             "一是党建与发展融合还不够紧密，部分村党组织谋划产业思路不宽。", CLOSING]


def test_a_search_results_page_above_the_report_goes_though_a_snippet_quotes_it(tmp_path):
    lines = ["镇党委书记抓基层党建述职报告 百度一下", "为您找到相关结果约1,230,000个",
             "2024年镇党委书记抓基层党建工作述职报告_公文范文网", OPENING[:30] + "...",
             "www.gongwen-fanwen.com/shuzhi/2024.html 2025-01-05 百度快照", TITLE, OPENING, "一、主要工作", ACHIEVED,
             "二、存在的问题", PROBLEM, CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == TITLE and texts(parsed) == [OPENING, ACHIEVED, PROBLEM, CLOSING]


def test_a_page_range_from_a_compilation_drops_the_previous_reports_tail(tmp_path):
    lines = ["XX县2024年度基层党组织书记抓基层党建工作述职材料汇编", "的标尺，每村每年至少办成2件群众可感可及的实事。",
             "四是持续壮大村级集体经济，年内力争村级集体经济收入全部达到10万元以上。", "以上述职，请各位领导和同志们评议。",
             "XX乡党委书记　郑XX", "2025年1月12日", "XX县市场监督管理局党组书记2024年度抓基层党建工作述职报告",
             "2024年，我始终牢记党组书记抓党建的第一责任，现将履职情况报告如下。", "一、履职情况及成效",
             "严格落实“第一议题”制度，全年召开党组理论学习中心组学习会14次。", CLOSING]
    parsed = parse(tmp_path, lines)
    assert parsed.title == lines[6]
    assert not any("集体经济" in text or "郑XX" in text for text in texts(parsed))


def test_members_remarks_recorded_after_the_closing_formula_are_not_report_text(tmp_path):
    lines = ["XX县城关第一小学党支部书记2024年度抓党建工作述职报告", "一、主要工作",
             "全年组织集中学习12次，本人讲专题党课3次。", "二、下一步打算", "一是分类管理党员，为老党员设立“传帮带”岗位。",
             "以上述职，请各位党员同志评议。", "二、党员评议发言", "张XX（党员，教导主任）：王书记的述职实事求是，成绩讲得实。",
             "李XX（退休党员）：我参加支部活动二十多年了，今年的变化大家都看得见。"]
    kept = texts(parse(tmp_path, lines))
    assert kept[-1] == "以上述职，请各位党员同志评议。" and not any("述职实事求是" in text for text in kept)


def test_a_compilers_note_above_the_title_and_an_offices_note_between_paragraphs_go(tmp_path):
    lines = ["汇总稿（1月6日）：请各科室核对本科室起草部分的数据，1月8日前反馈办公室",
             "XX县城市管理局党组书记2024年度抓基层党建工作述职报告", "一、履职情况及主要成效",
             "全年召开党组会议24次，第一议题学习38次。", "二、存在的主要问题",
             "党员队伍结构不够合理。局属在职党员中45岁以上的占62%。", "【组织人事科：年龄结构数据已按12月底党员信息系统核对】",
             "【看一下时间，超时的话下面这段压缩成一句】", "作风建设还有薄弱环节。", CLOSING]
    kept = "".join(texts(parse(tmp_path, lines)))
    assert "汇总稿" not in kept and "组织人事科" not in kept and "压缩成一句" not in kept
    assert "占62%" in kept and "作风建设还有薄弱环节" in kept


def test_a_journals_masthead_pull_quote_caption_and_a_collaborators_callout_go(tmp_path):
    lines = ["XX机关党建电子刊· 2026年第2期（总第86期）中共XX市直属机关工作委员会主办本期导读|往期回顾|投稿邮箱：jgdj@163.com",
             "XX市公共资源交易中心党支部书记2025年度抓基层党建工作述职报告",
             "💡初稿v2：请各支部书记12月30日前在评论区反馈意见；文中数据以集团党委组织部核定为准。",
             "今年以来，我作为中心党支部书记，认真落实市直机关工委关于基层党建工作的部署要求，把党建工作与交易服务同谋划、同推进。",
             "一、主要工作及成效",
             "抓融合发展，把支部建在交易项目上、把党员放到服务窗口前，全年为中小企业提供投标指导860余次。",
             "▲中心党员先锋岗工作人员为投标企业现场答疑（资料图片）",
             "“支部建在项目上，党员站在窗口前。”——摘自曹XX同志述职", "二、存在的不足",
             "一是理论学习还不够深入，学用结合不紧，个别党员满足于完成规定动作。",
             "产生这些问题，从主观上看，主要是我对支部建设的具体指导还不够深入细致，抓部署多、抓落实少。",
             "三、下一步工作打算", "一要在深化理论武装上下功夫，每月开展一次专题学习，建立学习成果转化清单。",
             "在新的一年里，我将以更高的标准、更实的举措履行好抓党建第一责任人职责，为建设人民满意的交易平台作出新的贡献。",
             CLOSING]
    parsed = parse(tmp_path, [part for line in lines for part in (line, "")])
    kept = "".join(texts(parsed))
    for gone in ("电子刊", "投稿邮箱", "初稿v2", "资料图片", "摘自曹XX"):
        assert gone not in kept, gone
    assert parsed.title == lines[1]
    roles = {piece.text[:6]: piece.role for piece in parsed.pieces}
    assert roles["产生这些问题"] == "causes" and roles["在新的一年里"] == "closing"


def test_a_report_upward_keeps_its_title_under_the_number_and_signer(tmp_path):
    lines = ["县残联党组〔2025〕1号　签发人：郭XX", "XX县残疾人联合会党组书记、理事长郭XX", "2024年度抓基层党建工作述职报告",
             "2024年，在县委的坚强领导下，我认真履行县残联党组书记抓基层党建第一责任人职责，现将有关情况报告如下。",
             "一、履职情况及主要成效", "年初召开党组会议专题研究党建工作，制定年度党建工作要点和“三张责任清单”，全年开展集体学习14次。",
             CLOSING]
    kept = "".join(texts(parse(tmp_path, [part for line in lines for part in (line, "")])))
    assert "签发人" not in kept and "〔2025〕" not in kept
    assert "集体学习14次" in kept


def test_a_chairs_script_between_the_reports_of_a_packet_goes(tmp_path):
    lines = [TITLE, "下面进行第二项议程，村（社区）党组织书记现场述职。述职要聚焦履职情况，每人不超过10分钟。",
             "一、主要工作", "全年召开支委会12次，组织党员集中学习10次，新发展党员2名，村集体经济收入达到18万元。",
             "（周XX同志述职后）下面请青岭社区党委书记冉XX同志述职。", "二、存在的问题",
             "一是党员队伍老化，35岁以下党员只有3名；二是集体经济收入来源单一。", CLOSING]
    kept = "".join(texts(parse(tmp_path, [part for line in lines for part in (line, "")])))
    assert "议程" not in kept and "述职后" not in kept and "下面请" not in kept
    assert "集体经济收入来源单一" in kept and "新发展党员2名" in kept


def test_a_speechs_slide_cues_and_a_proofreaders_flags_go(tmp_path):
    lines = [TITLE, "【PPT 2　开场，约40秒】", "一、主要工作",
             "全年召开党委会专题研究党建工作8次（语速放慢，看向台下），推动党建与医疗业务深度融和【〔1〕错别字：“融和”建议改为“融合”】。",
             "（脱稿可举例：3月急诊科护士拒收家属红包的事。时间紧就略过）", "二、存在的问题",
             "一是党建与业务融合还不够深，个别支部“两张皮”现象仍然存在。", CLOSING]
    kept = "".join(texts(parse(tmp_path, [part for line in lines for part in (line, "")])))
    for gone in ("PPT", "语速", "〔1〕", "建议改为", "脱稿"):
        assert gone not in kept, gone
    assert "推动党建与医疗业务深度融和。" in kept  # the writer's own words stay, typo and all


def test_a_bulletins_distribution_block_goes_and_a_retold_cause_is_read(tmp_path):
    lines = [TITLE, "一、主要工作", "全年召开党委会专题研究党建工作8次，带头讲党课3次，推动村级集体经济收入全部超过10万元。",
             "二、存在的问题", "一是党建与业务融合还不够深，个别支部“两张皮”现象仍然存在。",
             "对于上述问题产生的原因，刘书记在述职中作了剖析，主要是自己抓党建的精力投入不够。", CLOSING,
             "报：市委组织部，县委常委。", "送：县人大常委会党组、县政府党组、县政协党组。", "发：各乡镇（街道）党（工）委，县直各党（工）委、党组。"]
    parsed = parse(tmp_path, [part for line in lines for part in (line, "")])
    kept = "".join(texts(parsed))
    assert "市委组织部" not in kept and "县政协党组" not in kept and "县直各党" not in kept
    assert next(p.role for p in parsed.pieces if p.text.startswith("对于上述问题")) == "causes"


def test_a_page_saved_as_pdf_keeps_a_part_after_its_related_box_and_loses_the_glued_menu_and_footer(tmp_path):
    """A browser's save-as-PDF joins lines: the menu runs into the breadcrumb, the footer into the closing; a
    相关阅读 box stands between two parts of the report."""
    lines = ["XX组工网", "中共XX县委组织部主办·建设忠诚干净担当的高素质干部队伍首页组工动态基层党建公示公告您现在的位置：首页>基层党建>述职评议",
             TITLE, "发布时间：2026-01-23 16:05来源：县文化广电和旅游局阅读次数：532【字号：大中小】", OPENING,
             "一、主要工作", ACHIEVED, "相关阅读", "县委组织部召开2025年度党组织书记抓基层党建工作述职评议会议",
             "县文旅局：“红色轻骑兵”把党的声音送到田间地头", "二、存在的问题", PROBLEM,
             CLOSING + "（责任编辑：冯XX审核：袁XX）【打印本页】【关闭窗口】上一篇：县文化馆党支部开展“迎新春·送万福”书法志愿服务活动"
             "下一篇：县委组织部关于2025年度抓基层党建工作述职评议考核结果的通报"]
    parsed = parse(tmp_path, lines)
    assert parsed.title == TITLE
    assert texts(parsed) == [OPENING, ACHIEVED, PROBLEM, CLOSING]
    assert [piece.role for piece in parsed.pieces] == ["opening", "achievements", "problems", "closing"]
