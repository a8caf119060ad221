"""Reports built unlike the samples (an outline draft, parts by work area, an opening in two paragraphs): what
the index holds and the roles it gives."""
from parsing import CLOSING, parse, texts


def test_an_outline_keeps_every_point_even_without_a_sentence(tmp_path):
    lines = ["XX镇党委书记2023年度抓基层党建工作述职提纲", "一、主要工作和成效", "（一）履行第一责任人职责",
             "1.责任体系", "（1）党委会专题研究党建（X）次，书记办公会（X）次",
             "（2）三张清单：党委主体责任、书记第一责任、班子成员“一岗双责”", "（3）书记项目：村级集体经济“消薄”行动",
             "2.带头示范", "（1）讲专题党课4次", "①“七一”党课：传承红色基因、争当发展先锋", "②主题教育专题党课",
             "（2）走访慰问困难党员、老党员38户", "（3）参加所在支部组织生活，双重组织生活会（X）次",
             "二、存在的问题", "1.薄弱村仍有X个，收入主要靠资产租赁", "2.老党员作用发挥有限", "三、下一步打算",
             "1.村“两委”后备力量：每村储备2—3名", CLOSING]
    kept = "".join(texts(parse(tmp_path, lines)))
    for point in ("三张清单", "消薄", "②主题教育专题党课", "走访慰问困难党员", "老党员作用发挥有限"):
        assert point in kept, point


def test_a_numbered_heading_over_points_numbered_at_its_level_stays_a_heading(tmp_path):
    """1.2 and (1) share a level, but (1) is the first point under 1.2, not its sibling."""
    lines = ["县供电公司党委书记抓基层党建工作述职报告", "1.履行第一责任人职责情况及成效", "1.2支部建设标准化水平持续提升",
             "(1)优化组织设置。将党支部由9个调整为11个，实现乡镇供电所党组织全覆盖。",
             "(2)规范组织生活。推行“三会一课”线上纪实管理，开展支部工作“季度体检”。", "2.存在的问题",
             "个别支部书记抓党建的办法不多。", CLOSING]
    parsed = parse(tmp_path, lines)
    assert not any(text.startswith("1.2") for text in texts(parsed))


WORK_AREAS = ["XX县财政局党组书记2023年度抓基层党建工作述职报告",
              "根据县委组织部通知要求，现将本人一年来履行抓基层党建第一责任人职责情况报告如下。",
              "一、抓班子带队伍，在压实责任上用力",
              "年初召开党组会专题研究党建工作，制定主体责任清单，明确班子成员“一岗双责”事项23项。",
              "但也要看到，个别班子成员对分管领域党建工作过问不多，“一岗双责”在一些股室落实不够到位。",
              "下一步，将建立班子成员抓党建季度报告制度，每季度听取一次分管领域党建工作汇报。",
              "二、抓组织体系建设，在夯实基础上用力",
              "对4个党支部逐一“体检”，调整充实支部委员2名，全年开展主题党日活动48次。",
              "不足之处是，支部之间发展还不平衡，个别支部党员年龄偏大、活动方式单一。",
              "今后将实行“强带弱”结对共建，每半年联合开展一次主题党日活动。", CLOSING]


def test_parts_by_work_area_each_go_from_results_to_shortcomings_to_plans(tmp_path):
    roles = [piece.role for piece in parse(tmp_path, WORK_AREAS).pieces]
    assert roles == ["opening", "achievements", "problems", "plans", "achievements", "problems", "plans", "closing"]


def test_a_second_opening_paragraph_that_announces_the_report_is_the_opening(tmp_path):
    lines = ["XX集团党委书记2024年度抓基层党建工作述职述廉报告", "各位领导、同志们：",
             "2024年，本人认真履行抓基层党建第一责任人职责，坚持“两个一以贯之”。下面，我将一年来抓党建、履职责的情况报告如下，请予评议。",
             "一、履行抓基层党建责任情况", "全年组织党委理论学习中心组集体学习14次，本人讲授专题党课4次。",
             "二、存在的问题", "对所属子公司党建工作分类指导不够精准。", CLOSING]
    pieces = parse(tmp_path, lines).pieces
    announcing = next(piece for piece in pieces if "报告如下" in piece.text)
    assert announcing.role == "opening"


def test_the_last_point_of_a_list_stays_a_point_before_a_paragraph(tmp_path):
    lines = ["XX镇党委书记2023年度抓基层党建工作述职提纲", "一、主要工作和成效", "（五）党风廉政建设", "1.村级“小微权力”清单32项",
             "2.“三资”清理，收回资金XX万元", "3.警示教育大会1次，提醒谈话（X）人次", "4.村干部任期和离任经济责任审计，覆盖（X）个村",
             "总体：镇党委获评县级“五好”党委，XX村党支部获评市级先进基层党组织。", "二、存在的问题", "1.薄弱村仍有X个", CLOSING]
    assert any("离任经济责任审计" in text for text in texts(parse(tmp_path, lines)))


def test_these_problems_arising_opens_causes_and_a_plea_for_criticism_closes(tmp_path):
    lines = ["XX县财政局党组书记2023年度抓基层党建工作述职报告", "二、存在的问题",
             "党员教育培训内容偏重政策理论，业务技能方面的培训安排得少。",
             "这些问题的产生，既有日常工作任务重的客观因素，也有支部在教育方式上创新不够的主观原因。",
             "以上对照检查，恳请同志们多提批评意见，帮助我更好地认识不足、改进工作。"]
    roles = [piece.role for piece in parse(tmp_path, lines).pieces]
    assert roles == ["problems", "causes", "closing"]


def test_a_short_spoken_report_with_a_paragraph_a_part_gets_each_role(tmp_path):
    lines = [
        "各位领导、各位党员：我是XX村党支部书记李XX。去年是村“两委”换届以后的头一年，镇党委对我们村寄予了很"
        "大希望，我心里一直不敢放松。下面我把去年一年抓党建的情况跟大家简单汇报一下。",
        "去年我们村主要干了这么几件事。一是把支部的规矩立起来了，“三会一课”按时开，全年开支部党员大会6次、上党"
        "课4次，在家的党员一个不落都参加，在外打工的党员我们建了个微信群，学习资料每月都发过去。二是给支部添了新"
        "人，发展了2名年轻党员，一个是回村开网店的小伙子，一个是村卫生室的卫生员，还确定了3名入党积极分子。三是"
        "带着大家搞产业，支部牵头办了葡萄种植合作社，流转土地210亩，带动46户入社，其中脱贫户11户，村集体经"
        "济收入从前年的8万元涨到了15万多元。四是党员带头办实事，修了1.2公里村道，装了36盏路灯，党员认领了"
        "17件群众“微心愿”，件件都办好了。",
        "说实话，工作中问题也不少。我自己文化水平不高，理论学得不深，有时候给群众讲政策讲不透；支部里老党员多，有"
        "几位年纪大了，组织生活来不了，我上门送学做得还不够；合作社刚起步，葡萄销路主要靠熟人介绍，抗风险的能力还"
        "弱；村里的账目虽然每季度都公开了，但有的群众反映看不明白，解释工作没跟上。",
        "今年我打算抓好三件事：一是带头学，每月至少跟党员一起学一次，把上面的政策吃透了再给老百姓讲；二是再培养两"
        "三个年轻人，让支部有接班人；三是把我们的葡萄牌子打出去，跟镇上的电商服务站合作，争取集体收入突破20万元"
        "。另外，村务公开要做细，让大家看得懂、信得过。",
        "我就汇报这些，有说得不对的地方，请大家批评。",
    ]
    pieces = parse(tmp_path, lines).pieces
    assert pieces[0].text.endswith("简单汇报一下。")  # 汇报 inside a sentence ends no title
    roles = {piece.text[:4]: piece.role for piece in pieces}
    assert roles["说实话，"] == "problems" and roles["今年我打"] == "plans" and roles["我就汇报"] == "closing"


def test_a_numbered_list_of_sentences_keeps_each_point_whole(tmp_path):
    points = ["1.健全对下属单位“一把手”和领导班子的监督机制，常态化开展谈心谈话和提醒谈话，抓早抓小、防微杜渐。",
              "2.完善涉农资金项目全流程监管，推行项目信息公开公示，主动接受群众和社会监督。"]
    lines = ["XX县农业农村局党组书记述职述廉报告", "五、今后努力方向", "（三）在从严监督管理上再加压。", *points, CLOSING]
    assert texts(parse(tmp_path, lines))[:2] == points


def test_template_tags_name_each_paragraphs_role(tmp_path):
    lines = ["XX街道党工委书记2024年度抓基层党建工作述职报告", "一、加强党的政治建设",
             "【主要做法】坚持以上率下，把学习贯彻党的二十大精神作为首要政治任务。",
             "【存在问题】少数社区党组织理论学习仍停留在读文件、念材料层面。",
             "【原因分析】街道党工委对社区学习的指导偏重于下发学习篇目和检查笔记。",
             "【改进措施】创新“微党课”“楼道课堂”等学习形式，依托街道融媒体开设学习专栏。", CLOSING]
    assert [piece.role for piece in parse(tmp_path, lines).pieces] == [
        "achievements", "problems", "causes", "plans", "closing"]


def test_a_ledger_table_under_problems_stays_problems_and_an_essay_after_the_signature_goes(tmp_path):
    lines = ["XX镇党委书记2024年度抓基层党建工作述职报告", "二、存在的问题", "一是专题研究党建的精力还不足。",
             "序号\t问题表现\t原因分析\t整改措施\t完成时限",
             "1\t专题研究党建精力不足\t抓党建促发展的意识不够牢固\t每季度至少召开1次党委会专题研究党建\t2024年3月起",
             "2\t“三会一课”质量不高\t支部书记组织能力偏弱\t开展组织生活质量专项督查\t2024年6月",
             "三、下一步工作打算", "一是强化责任落实，把党建考核结果与干部评优挂钩。", CLOSING, "述职人：孙XX",
             "附：学习贯彻主题教育的体会", "通读了指定书目，我深刻体会到理论武装是根本。", "调查研究是基本功，为民造福是落脚点。"]
    pieces = parse(tmp_path, lines).pieces
    table = next(piece for piece in pieces if "专题研究党建精力不足" in piece.text)
    assert table.role == "problems"
    assert pieces[-1].text == CLOSING and not any("体会" in piece.text for piece in pieces)


def test_a_pledge_before_the_closing_formula_closes_and_a_plans_paragraph_does_not(tmp_path):
    head = ["XX镇党委书记2024年度抓基层党建工作述职报告", "三、下一步工作打算",
            "一是强化责任落实，把党建考核结果与干部评优挂钩。", "二是建强村级班子，每村储备2名以上后备干部。"]
    pledge = "新的一年，我将和村“两委”班子一道，团结带领全村党员群众，把党建工作抓得更实，把村里的事情办得更好。"
    plans = "2025年，我将紧扣县委部署要求，重点抓好四个方面：一是健全责任体系。二是建强支部堡垒。"
    roles_of = {piece.text: piece.role for piece in parse(tmp_path, head + [pledge, CLOSING]).pieces}
    assert roles_of[pledge] == "closing" and roles_of[head[3]] == "plans"
    roles_of = {piece.text: piece.role for piece in parse(tmp_path, head + [plans, CLOSING]).pieces}
    assert roles_of[plans] == "plans"


def test_the_last_paragraphs_are_counted_from_the_closing_formula_not_from_what_a_page_left_after_it(tmp_path):
    head = ["XX县交通运输局党组书记抓基层党建工作述职报告", "三、下一步打算", "一是强化责任落实，把党建考核结果与干部评优挂钩。"]
    pledge = "2024年，我将以更高的标准、更实的举措抓好党建工作，为全县交通运输事业高质量发展提供坚强保证。"
    summing = "总的看，张XX同志抓基层党建工作思路清晰、措施有力、成效明显。"
    for before_closing, after in ((pledge, "阅读原文 阅读量 3,261"), (summing, "（本材料由局办公室整理，已经本人审阅）"),
                                  ("驻村时间有限，为民服务无限。我将站好每一班岗，不辜负组织的信任。", "")):
        pieces = parse(tmp_path, head + [before_closing, CLOSING, after]).pieces
        assert {piece.text: piece.role for piece in pieces}[before_closing] == "closing", before_closing


def test_what_comes_before_part_one_introduces_the_report_even_in_figures(tmp_path):
    """Headings that name no role (一、抓班子带队伍…) leave roles to the text; a profile before part one is still
    the opening, not an achievement."""
    lines = ["XX县财政局党组书记2023年度抓基层党建工作述职报告",
             "XX街道辖区面积12.6平方公里，下辖8个社区，共有基层党组织97个、党员3126名。一年来，本人坚持把抓党建作为第一职责。",
             "一、抓班子带队伍，在压实责任上用力", "年初召开党组会专题研究党建工作，制定责任清单，明确班子成员“一岗双责”事项23项。",
             "二、抓支部强基础，在规范提升上用力", "对照“七个有”标准，对9个党支部逐一规范提升，全年发展党员4名。",
             "三、抓融合促发展，在服务大局上用力", "打造“红色财政”党建品牌，组建党员先锋岗12个。", CLOSING]
    assert parse(tmp_path, lines).pieces[0].role == "opening"


def test_short_lines_of_figures_are_points_not_headings(tmp_path):
    lines = ["XX县水利局党组书记2024年度抓基层党建工作述职报告", "一、履职情况及主要成效",
             "坚持党组理论学习中心组学习制度，全年集中学习12次，本人带头讲党课3次。", "本年度主要数据", "新发展党员5名",
             "设立党员示范岗12个", "党员志愿服务2300小时", "整改问题隐患86处", "二、存在的问题",
             "一是党建与业务融合还不够紧密。", CLOSING]
    kept = "".join(texts(parse(tmp_path, lines)))
    for figure in lines[4:8]:
        assert figure in kept, figure


def test_a_pledge_that_opens_otherwise_and_an_opening_said_aloud(tmp_path):
    lines = ["XX县市场监督管理局党组书记2024年度抓基层党建工作述职报告",
             "下面我把今年以来履行抓基层党建第一责任人职责的情况向大家做个汇报。", "一、主要工作",
             "全年召开党组会专题研究党建工作6次。", "二、下一步打算", "四是持续正风肃纪，常态化开展警示教育。",
             "站在新的起点上，我将以更高标准履行好第一责任人职责。", CLOSING]
    roles_of = {piece.text: piece.role for piece in parse(tmp_path, lines).pieces}
    assert roles_of[lines[1]] == "opening" and roles_of[lines[6]] == "closing" and roles_of[lines[5]] == "plans"
    lines[6] = "各位领导、同志们，新的一年，我将以这次述职评议为新的起点，团结带领局党组一班人把党建工作抓实抓细。"
    roles_of = {piece.text: piece.role for piece in parse(tmp_path, lines).pieces}
    assert roles_of[lines[6]] == "closing"


def test_a_last_plan_with_concrete_measures_is_no_pledge(tmp_path):
    plan = "今后，我们将建立党建工作季度点评制度，每季度由党组成员对分管支部的党建工作进行一次现场点评，点评结果在全局通报。"
    lines = ["XX县粮食和物资储备局党组书记2024年度抓基层党建工作述职报告", "三、下一步打算",
             "四是以身作则，以上率下，带头落实党风廉政建设责任制。", plan, CLOSING]
    assert {piece.text: piece.role for piece in parse(tmp_path, lines).pieces}[plan] == "plans"


def _role_of(parsed, start):
    return next(piece.role for piece in parsed.pieces if piece.text.startswith(start))


def test_a_part_numbered_in_another_form_is_still_a_part(tmp_path):
    """A draft merged from several offices: 一、 2、 三、 4、 — 2、存在的主要问题 after 1. 2. under （2） is the second
    part, while a point （2）解决…问题 after （1） stays a point of its parent."""
    lines = ["XX县城市管理局党组书记2024年度抓基层党建工作述职报告", "一、履职情况及主要成效", "（一）坚持政治引领，筑牢思想根基",
             "1、严格落实“第一议题”制度。全年召开党组会议24次。", "（2）坚持党建引领，提升城市治理效能",
             "1.打造“红色城管”品牌。在城区主次干道设立党员示范路段8条。", "2.办好民生实事。", "（1）通村道路硬化8.6公里",
             "（2）解决XX片区饮水安全问题", "（4）坚持正风肃纪，锻造过硬队伍", "持续开展“强作风、树形象”专项行动，查处违规问题7起。",
             "2、存在的主要问题", "党建与业务融合还有“温差”，部分党支部仍存在就党建抓党建的现象。", "三、问题产生的原因",
             "（一）主体责任压得不够实。我对局属党支部工作有时满足于面上部署。", "4、下步工作打算",
             "（一）在强化政治建设上下功夫。坚持把党的政治建设摆在首位。", CLOSING]
    parsed = parse(tmp_path, [part for line in lines for part in (line, "")])  # a blank line between paragraphs
    assert _role_of(parsed, "（2）解决") == _role_of(parsed, "持续开展") == "achievements"
    assert _role_of(parsed, "党建与业务融合") == "problems"
    assert _role_of(parsed, "（一）在强化政治建设") == "plans"
    assert parsed.pieces[-2].heading_path == ["4、下步工作打算", "（一）在强化政治建设上下功夫"]


def test_a_speech_heads_its_parts_with_first_next_and_last(tmp_path):
    lines = ["XX县邮政分公司党委书记2024年度抓基层党建工作述职报告",
             "2024年，我作为县分公司党委书记，认真履行抓基层党建第一责任人职责，现将有关情况报告如下。",
             "首先，汇报一年来抓基层党建工作的主要情况和成效。",
             "1、落实主体责任。全年主持召开党委会研究党建工作6次，制定党建工作要点和责任清单，与5个支部书记签订目标责任书。",
             "其次，查摆存在的主要问题。",
             "一是学习教育针对性不强。基层党员分散在各网点，工学矛盾突出，集中学习往往以读文件为主，效果不够理想。",
             "再次，剖析问题产生的原因。",
             "从工作机制上看，党建考核与经营绩效考核衔接不够紧密，考核结果运用不充分，对支部的激励约束作用有限。",
             "最后，谈谈下一步工作打算。",
             "一要强化政治引领。坚持“第一议题”制度，依托网点晨会开展“微学习”，每月至少组织一次专题研讨。",
             "最后，感谢各位领导和同志们一年来对我工作的关心和支持，我将继续努力。", CLOSING]
    parsed = parse(tmp_path, [part for line in lines for part in (line, "")])  # a blank line between paragraphs
    assert [_role_of(parsed, start) for start in ("1、落实", "一是学习", "从工作机制", "一要强化")] == \
        ["achievements", "problems", "causes", "plans"]
    assert any(text.startswith("最后，感谢") for text in texts(parsed))  # a sentence, no heading
    assert not any("其次" in text or "最后，谈谈" in text for text in texts(parsed))


def test_problems_and_their_causes_taken_in_turn(tmp_path):
    lines = ["XX县国资委党委书记2024年度抓基层党建工作述职报告", "一、抓基层党建工作主要成效",
             "（一）把牢政治方向，党的领导融入公司治理更加有力。全年修订公司章程5家。", "二、存在的问题及原因分析",
             "问题一：党建与生产经营融合还不够紧密。个别企业党建工作与经营考核脱节。",
             "原因：对国企党建“融入中心、服务大局”的内在要求把握不深。",
             "问题二：党务干部队伍能力存在短板。所属企业专职党务干部仅5人。",
             "剖析根源：在干部培养使用上存在“重经营、轻党务”的倾向。",
             "从客观上看，县属国有企业外部董事、监事制度改革还在推进中。",
             "综合来看，以上问题虽然表现在基层企业，但根子在国资委党委。", "三、下一步工作打算",
             "（一）针对问题一，推动党建与经营深度融合。修订党建考核办法。", CLOSING]
    parsed = parse(tmp_path, lines)
    assert [_role_of(parsed, start) for start in ("问题一", "原因：", "问题二", "剖析根源", "从客观上看", "综合来看")] \
        == ["problems", "causes", "problems", "causes", "causes", "causes"]
    assert _role_of(parsed, "（一）针对问题一") == "plans"


def test_a_self_examination_labels_each_point_and_the_label_carries_on(tmp_path):
    lines = ["XX县残疾人联合会党组书记2024年度抓基层党建工作述职报告", "一、履职基本情况",
             "一年来，我坚持把抓党建作为第一职责，带头落实“第一议题”制度，全年主持党组会研究党建工作8次。",
             "二、对照检查发现的问题、原因及整改措施", "（一）支部标准化规范化建设方面",
             "问题表现：康复中心党支部党员分散在康复训练一线，组织生活经常凑不齐人。",
             "同时，支部发展党员工作停滞，近两年没有发展新党员。",
             "原因剖析：一方面，对基层单位实行轮班制的实际考虑不够，组织生活方式单一。",
             "整改措施：重点抓好两项工作。", "（1）在全县14个乡镇依托党群服务中心设立助残服务站，每季度开展一次活动。",
             "（2）建立残疾人需求“点单—派单—接单—评单”机制，年内实现全覆盖。", "（二）党风廉政建设方面",
             "问题表现：对重点领域资金的监督还不够严密，个别环节存在风险隐患。", CLOSING]
    parsed = parse(tmp_path, [part for line in lines for part in (line, "")])
    assert [_role_of(parsed, start) for start in ("问题表现：康复", "同时，支部", "原因剖析", "整改措施", "（1）在全县",
                                                  "（2）建立", "问题表现：对重点")] == \
        ["problems", "problems", "causes", "plans", "plans", "plans", "problems"]


def test_middle_dot_points_are_items_not_headings(tmp_path):
    """A handout's · points are items of a list: each keeps its words in a chunk."""
    lines = ["XX县烟草专卖局党支部书记2024年度抓基层党建工作述职报告", "一、主要成效", "（二）抓组织",
             "· “三会一课”台账全年无缺项", "· 党员发展：新发展2名，转正1名", "· 专卖所设党员责任区5个", "二、存在不足",
             "· 党建与营销融合点不多", "· 支部委员兼职多，精力分散", CLOSING]
    kept = texts(parse(tmp_path, [part for line in lines for part in (line, "")]))
    assert any("台账全年无缺项" in text for text in kept) and any("党建与营销融合点不多" in text for text in kept)


def test_a_packet_of_reports_closes_each_and_a_pledge_may_follow_an_address(tmp_path):
    """A meeting's packet: each report's own closing formula ends it, wherever the packet goes on; the last
    paragraph's pledge may open with 各位领导、同志们， or follow a sentence (…。我将以这次述职评议为契机…)."""
    lines = ["青岭镇2024年度村（社区）党组织书记抓基层党建工作述职评议会材料", "述职材料之一", "南坪村党总支书记抓基层党建工作述职报告",
             "一、主要工作", "全年召开支委会12次，组织党员集中学习10次，新发展党员2名，村集体经济收入达到18万元。",
             "二、明年的打算", "一是带头学习，每季度到镇党校参加一次培训；二是在返乡青年中物色2名入党积极分子。",
             "我的述职完毕，请各位领导、各位代表评议。谢谢大家！", "述职材料之二", "青岭社区党委书记抓基层党建工作述职报告",
             "一、主要工作", "推行“网格连心”工作法，全年走访居民2300余户，化解矛盾纠纷46件。", "二、下一步打算",
             "一是完善网格党组织运行机制；二是常态化开展“党员进网格”活动，每月至少开展一次。",
             "抓好基层党建是我的本职，也是第一责任。我将以这次述职评议为契机，认真听取大家的意见，把社区党建工作抓实抓细。",
             "述职人：冉XX"]
    parsed = parse(tmp_path, [part for line in lines for part in (line, "")])
    assert _role_of(parsed, "我的述职完毕") == "closing" and _role_of(parsed, "抓好基层党建是我的本职") == "closing"
    assert _role_of(parsed, "一是完善网格") == "plans"
