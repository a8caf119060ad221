"""More reports laid out unlike the samples (layout batches 9-10: a speech-to-text export, ordinal part
headings, a byline under the title): what the index would hold after parsing them."""
from fanwen.index.ingest.pipeline import parse_file

CLOSING = "以上述职，不妥之处，请各位领导、同志们批评指正。"
PROBLEMS = "二是基层基础还有短板，个别村书记年龄偏大，带富能力不强，后备干部储而不用。"


def parse(tmp_path, lines, name="report.txt"):
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return parse_file(path)


def texts(parsed):
    return [piece.text for piece in parsed.pieces]


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
