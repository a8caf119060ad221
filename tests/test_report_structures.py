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
