"""Pure ingest functions on a few lines of real report text: clean, split, classify."""
from fanwen.index.ingest.chunking import ChunkParams, chunk_paragraph, placeholders, split_long
from fanwen.index.ingest.clean import load_patterns, normalize_line, strip_boilerplate
from fanwen.index.ingest.roles import cause_split, classify, path_role, section_role
from fanwen.index.ingest.structure import Paragraph, build_outline, heading_level, point_starts, split_heading

MIXED = ("在总结成绩的同时，我也清醒地认识到，尽管在党建方面做了一些工作，取得了一些成效，但距XX的要求还有不少差距。"
         "主要表现在以下三个方面：一是压力传到不够。个别支部对从严治党压力传导缺乏主动性和自觉性。"
         "二是党建与业务工作融合不好。我和班子成员在抓学习、建制度、带队伍、夯基础上下的力气大。"
         "三是队伍还不够强。我和班子成员、各支部书记经验不足，只有X人有过支部书记以上履历。"
         "认真分析上述问题，主要有以下三个方面的原因：一是站位不高。还没有完全从讲政治的高度深刻认识。"
         "二是压力不够。在落实全面从严治党主体责任上还存在时紧时松现象。三是本领不强。完成规定动作多。")


def test_boilerplate_lines_are_removed_and_counted():
    lines = ["本文系作者原创投稿，仅供学习参考，请勿照搬照抄！", "抓基层党建工作述职报告", "酷乐文行整理，咨询QQ206157060",
             "会员群：                      免费QQ群：", "一、主要做法和成效"]
    result = strip_boilerplate(lines, load_patterns())
    assert result.lines == ["抓基层党建工作述职报告", "一、主要做法和成效"]
    assert len(result.removed) == 3


def test_ad_sentence_inside_a_long_paragraph_is_cut_out_and_the_rest_kept():
    body = "严格落实“三会一课”制度，下大力抓好规范完善和质量提升。" * 3
    result = strip_boilerplate([body + "酷乐文行整理，咨询QQ206157060。"], load_patterns())
    assert result.lines == [body] and len(result.removed) == 1


def test_normalize_line_fixes_spaces_from_pdf_and_full_width():
    assert normalize_line("2019 年，党 建　工作开展 X 次，Ｘ个 abc def") == "2019年，党建工作开展X次，X个 abc def"


def test_headings_standalone_and_inline():
    assert heading_level("一、主要做法和成效") == 1 and heading_level("（一）履行责任") == 2
    assert heading_level("1.加强学习") == 3 and heading_level("（1）加强学习") == 4
    assert heading_level("2019年，在XX的坚强领导下") is None
    assert split_heading("三、下一步打算") == ("三、下一步打算", "")
    line = "（二）党建与业务工作结合还不够紧密。抓党建、促发展的站位不高，工作方法不灵活。"
    assert split_heading(line) == ("（二）党建与业务工作结合还不够紧密", line)


def test_outline_tracks_heading_path_and_title():
    lines = ["抓基层党建工作述职报告", "2019年，我认真履行第一责任人责任。现将履职情况报告如下。", "二、存在问题和原因分析",
             "（二）存在上述问题的主要原因", "一是体制机制跟不上新时代发展需要。二是个人履职能力有待进一步提高。"]
    outline = build_outline(lines, [None] * len(lines), "fallback")
    assert outline.title == "抓基层党建工作述职报告"
    assert [p.heading_path for p in outline.paragraphs] == [[], ["二、存在问题和原因分析", "（二）存在上述问题的主要原因"]]
    para = outline.paragraphs[1]
    assert outline.text[para.start:para.start + len(para.text)] == para.text


def test_point_runs_restart_at_causes():
    ordinals = [ordinal for _, ordinal in point_starts(MIXED)]
    assert ordinals == [1, 2, 3, 1, 2, 3]
    assert point_starts("坚持一是一、二是二的原则") == []  # not clause starts


def test_mixed_paragraph_splits_into_problem_and_cause_points():
    pieces = chunk_paragraph(Paragraph(MIXED, ["二、存在的问题及原因"], 0, 8), ChunkParams())
    roles = [(p.role, p.text[:4]) for p in pieces]
    assert ("problems", "二是党建") in roles and ("causes", "认真分析") in roles
    # the clause announcing the causes opens the first cause's chunk: too short for a chunk, never dropped
    assert [p.text for p in pieces if p.role == "causes"][0].startswith("认真分析上述问题，主要有以下三个方面的原因：一是站位")
    assert "".join(p.text for p in pieces) == MIXED  # every character is in some chunk
    assert [p.role for p in pieces if p.text.startswith("三是本领")] == ["causes"]
    assert all(MIXED[p.start:p.end] == p.text for p in pieces)
    assert cause_split(MIXED) == MIXED.index("认真分析上述问题")


def test_point_heading_sentence_stays_with_its_body():
    pieces = chunk_paragraph(Paragraph(MIXED, ["二、存在的问题及原因"], 0, 8), ChunkParams())
    point = next(p for p in pieces if p.text.startswith("二是党建与业务工作融合不好。"))
    assert "我和班子成员" in point.text


def test_roles_from_headings_and_cues():
    assert section_role("一、主要做法和成效") == "achievements"
    assert section_role("二、存在的主要问题及原因") == "problems"
    assert section_role("（二）存在上述问题的主要原因") == "causes"
    assert section_role("三、下步工作思路和主要措施") == "plans"
    assert path_role(["一、主要工作", "（五）抓创新探索基层党建思路"]) == "achievements"
    assert classify(["二、存在的主要问题及原因"], "究其主要原因，一是思想认识不到位。") == "causes"
    assert classify([], "根据区委工作要求，我就履职情况述职如下：") == "opening"
    assert classify(["三、下一步打算"], "以上述职，不妥之处，请批评指正。", is_last=True) == "closing"
    summing_up = "总之，成绩是大家一起干出来的，问题主要在我。明年我一定再接再厉，不辜负党员群众的信任。"
    assert classify(["明年的打算："], summing_up, is_last=True) == "closing"  # sums up, though it says 明年
    assert classify(["明年的打算："], summing_up) == "plans"  # not among the last two paragraphs


def test_long_text_is_cut_at_sentence_ends_within_the_window():
    text = "二是加强检查督促。" + "定期组织召开党组会听取党建工作情况汇报，研究解决党建工作中遇到的问题。" * 12
    spans = split_long(text, 120)
    assert all(end - start <= 120 for start, end in spans)
    assert text[spans[0][0]:spans[0][1]].startswith("二是加强检查督促。")
    assert all(text[end - 1] == "。" for _, end in spans)
    assert "".join(text[s:e] for s, e in spans) == text


def test_placeholders_are_found():
    text = "召开X次党建专题会议，XXXX年X月X日前完成，学习强国APP积分过万"
    found = [text[s:e] for s, e in placeholders(text)]
    assert found == ["X", "XXXX", "X月X日"]


# corpus/政府办党组书记抓基层党建工作述职报告.txt (lines 19, 22, 27, 28, 34), its headings without their numbers
GOV_OPEN = "根据区委工作要求，我就政府办党组X年度党组书记履职情况述职如下："
GOV_DONE = "（二）贯彻党建工作重大部署。认真学习贯彻党的十九届四中、五中全会精神，研究制定政府办学习宣传贯彻十九届五中全会精神工作方案。"
GOV_LEAD = "2020年，在抓基层党建方面，虽然做了一些工作，但仍存在不足和薄弱环节需要加大重视、加快改进。"
GOV_PROBLEM = "一是政治理论学习不够主动、深入。平时强调业务知识学习较多，对政治理论学习不主动、不系统。"
GOV_PLAN = "（一）坚持重视学习、提高素质，增强应对矛盾问题、驾驭复杂局面的能力。把学习作为一种政治责任、一种精神追求、一种良好习惯。"


def test_short_unpunctuated_line_between_paragraphs_is_a_heading():
    lines = ["抓基层党建工作述职报告", GOV_OPEN, "主要工作", GOV_DONE, "存在的主要问题及原因", GOV_LEAD,
             "下步工作思路和主要措施", GOV_PLAN]
    outline = build_outline(lines, [None] * len(lines), "fallback")
    paths = [p.heading_path for p in outline.paragraphs]
    assert paths == [[], ["主要工作", "（二）贯彻党建工作重大部署"], ["存在的主要问题及原因"],
                     ["下步工作思路和主要措施", "（一）坚持重视学习、提高素质，增强应对矛盾问题、驾驭复杂局面的能力"]]
    assert [path_role(p) for p in paths[1:]] == ["achievements", "problems", "plans"]


def test_bare_heading_under_a_numbered_one_and_lines_that_are_not_headings():
    lines = ["抓基层党建工作述职报告", GOV_OPEN, "一、主要工作", "坚持政治引领", GOV_LEAD, "压实主体责任", GOV_LEAD,
             "二、存在的主要问题及原因", GOV_PROBLEM, "述职人XXX"]
    paths = [p.heading_path for p in build_outline(lines, [None] * len(lines), "fallback").paragraphs]
    assert paths[1:] == [["一、主要工作", "坚持政治引领"], ["一、主要工作", "压实主体责任"], ["二、存在的主要问题及原因"],
                         ["二、存在的主要问题及原因"]]  # the last line has no paragraph after it: a signature, kept as text


def test_numbering_restarting_at_one_starts_a_new_top_level_section():
    lines = ["抓基层党建工作述职报告", "一、主要工作", "（五）抓创新探索基层党建思路", GOV_LEAD,
             "一、存在的主要问题及原因", GOV_PROBLEM]
    paths = [p.heading_path for p in build_outline(lines, [None] * len(lines), "fallback").paragraphs]
    assert paths == [["一、主要工作", "（五）抓创新探索基层党建思路"], ["一、存在的主要问题及原因"]]


def test_cause_analysis_after_inline_problem_points_sits_in_the_section_not_under_the_last_point():
    # lines of the 街道 report: four （一）…（四） problems with their text inline, then the cause analysis
    lines = ["二、存在的主要问题及原因",
             "（三）党员教育形式单一、学习效果不佳。辖区有近X名自管党员，人数多、年龄结构老化。",
             "（四）“两新”组织党建管理不到位。已建非公党组织作用发挥不明显，全年仅开展X次党建活动。",
             "经过深刻剖析，我认为产生上述问题原因在于：一是存在避难就易心理。二是忽视了党建的基础性工作。",
             "三、下步工作思路和主要措施"]
    outline = build_outline(lines, [None] * len(lines), "t")
    paths = [p.heading_path for p in outline.paragraphs]
    assert paths[1] == ["二、存在的主要问题及原因", "（四）“两新”组织党建管理不到位"]
    assert paths[2] == ["二、存在的主要问题及原因"]


def test_a_continuation_paragraph_without_a_cue_stays_under_its_point():
    lines = ["二、存在的问题", "（一）学习不够深入。理论学习流于形式。", "有的党员参加学习只是应付。"]
    outline = build_outline(lines, [None] * len(lines), "t")
    assert outline.paragraphs[-1].heading_path == ["二、存在的问题", "（一）学习不够深入"]


def test_an_introduction_run_into_its_points_is_a_chunk_a_heading_sentence_is_not_a_bare_lead_in_opens_a_point():
    # corpus/政府办党组书记抓基层党建工作述职报告.txt: the introduction had a line of its own there; a copy that
    # lost its line breaks runs it into the points and must still keep it
    intro = "2020年，在抓基层党建方面，虽然做了一些工作，但仍存在不足和薄弱环节需要加大重视、加快改进。"
    points = ("一是政治理论学习不够主动、深入。平时强调业务知识学习较多，对政治理论学习不主动、不系统。"
              "二是抓党建工作精力投入不够。由于政府办平时工作任务较为繁重，在服务领导及日常业务工作上投入精力过多，"
              "无形中挤占了抓党建工作的时间和精力。三是创新意识不够强。抓党建工作的思路和办法不多，习惯于按部就班。")
    texts = [p.text for p in chunk_paragraph(Paragraph(intro + points, ["二、存在的主要问题及原因"], 0, 9), ChunkParams())]
    assert texts[0] == intro and texts[1].startswith("一是政治理论") and len(texts) == 4
    heading = "（一）履行基层党建工作责任"
    texts = [p.text for p in chunk_paragraph(Paragraph(heading + "。" + points, ["一、主要工作", heading], 0, 2),
                                             ChunkParams())]
    assert texts[0].startswith("一是") and len(texts) == 3  # the heading sentence is the heading path
    texts = [p.text for p in chunk_paragraph(Paragraph("究其主要原因，" + points, ["二、问题"], 0, 9), ChunkParams())]
    assert texts[0].startswith("究其主要原因，一是政治理论") and len(texts) == 3  # was dropped before session 24
    lead = "经过深刻剖析，我认为产生上述问题原因在于："  # corpus/街道党工委…: a line of its own before its points
    texts = [p.text for p in chunk_paragraph(Paragraph(lead + points, ["二、存在的主要问题及原因"], 0, 2), ChunkParams())]
    assert texts[0].startswith(lead + "一是政治理论") and len(texts) == 3
