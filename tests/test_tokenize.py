"""Tests for index.tokenize: the 党建 dictionary, stop words, noise filtering and highlight spans."""
from pathlib import Path

import jieba
import pytest

from fanwen.index.retrieval.tokenize import BIGRAM, DEFAULT_DICT, default_tokenizer, find_spans, make_tokenizer

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def tok():
    return default_tokenizer()


@pytest.mark.parametrize("text, term", [
    ("严格落实“三会一课”制度", "三会一课"),
    ("履行好“一岗双责”", "一岗双责"),
    ("扎实开展“两学一做”学习教育", "两学一做"),
    ("履行党建“第一责任人”职责", "第一责任人"),
    ("以推行“一征三议两公开”工作法为切入点", "一征三议两公开"),
    ("切实加强党风廉政建设", "党风廉政建设"),
    ("严格执行中央八项规定精神，坚决反对“四风”", "中央八项规定"),
    ("落实全面从严治党主体责任", "全面从严治党"),
    ("落实全面从严治党主体责任", "主体责任"),
    ("开展“不忘初心、牢记使命”主题教育", "主题教育"),
    ("发挥党支部战斗堡垒作用", "战斗堡垒"),
    ("社区两委换届实现书记主任一肩挑", "一肩挑"),
])
def test_dictionary_terms_stay_whole(tok, text, term):
    assert term in tok(text)


def test_every_dictionary_entry_is_one_token(tok):
    entries = [line.split()[0] for line in DEFAULT_DICT.read_text(encoding="utf-8").splitlines()]
    assert len(entries) >= 100
    assert [w for w in entries if tok(w) != [w]] == []


def test_dictionary_file_is_jieba_user_dict_format():
    for line in DEFAULT_DICT.read_text(encoding="utf-8").splitlines():
        word, freq, tag = line.split(" ")
        assert word and int(freq) > 0 and tag


def test_stop_words_and_punctuation_are_dropped(tok):
    terms = tok("我们进一步加强了基层党建工作，并且认真落实！（一）是“重点”……")
    for dropped in ("我们", "进一步", "了", "并且", "认真", "，", "！", "（", "）", "“", "”", "……"):
        assert dropped not in terms
    assert "基层党建" in terms and "落实" in terms


def test_content_words_like_problems_and_causes_are_kept(tok):
    assert tok("存在的问题及原因") == ["存在", "问题", "原因"]


def test_numbers_and_x_placeholders_are_dropped(tok):
    terms = tok("召开X次会议，投入XX万元，占比X%，2019年，3.5个百分点，１２３名 党员")
    assert not any(t.strip("x%.0123456789１２３") == "" for t in terms), terms
    assert "会议" in terms and "党员" in terms


def test_ascii_is_lowercased_and_whitespace_dropped(tok):
    assert tok("开展 PPT\t培训\n") == ["开展", "ppt", "培训"]


def test_order_and_duplicates_are_kept(tok):
    assert tok("党建 引领 党建") == ["党建", "引领", "党建"]


def test_private_instance_leaves_global_jieba_alone(tok):
    assert "三会一课" in tok("三会一课")
    assert "三会一课" not in jieba.lcut("三会一课")


def test_without_user_dict_terms_split():
    plain = make_tokenizer(user_dict=None)
    assert "三会一课" not in plain("严格落实三会一课制度")


def test_custom_user_dict_and_stopwords(tmp_path):
    user_dict = tmp_path / "dict.txt"
    user_dict.write_text("红旗引擎工程 3000 nz\n", encoding="utf-8")
    stops = tmp_path / "stop.txt"
    stops.write_text("# comment line\n实施\n", encoding="utf-8")
    custom = make_tokenizer(user_dict=user_dict, stopwords=stops)
    assert custom("实施红旗引擎工程的工作") == ["红旗引擎工程", "工作"]  # 的: a lone character, never a term


def test_default_tokenizer_is_cached():
    assert default_tokenizer() is default_tokenizer()


def test_find_spans_marks_each_occurrence():
    text = "严格落实“三会一课”制度，抓好党建工作，三会一课不走过场"
    spans = find_spans(text, ["三会一课", "党建"])
    assert spans == [(5, 9), (15, 17), (20, 24)]
    assert [text[s:e] for s, e in spans] == ["三会一课", "党建", "三会一课"]


def test_find_spans_prefers_longest_and_merges_touching():
    assert find_spans("党风廉政建设", ["党风廉政", "党风廉政建设"]) == [(0, 6)]
    assert find_spans("抓基层党建", ["基层", "党建"]) == [(1, 5)]
    assert find_spans("开展PPT培训", ["ppt"]) == [(2, 5)]
    assert find_spans("党建", []) == []
    assert find_spans("党建", ["", " "]) == []


def test_find_spans_on_real_report_text(tok):
    text = (CORPUS / "街道党工委书记抓基层党建工作述职报告.txt").read_text(encoding="utf-8")
    terms = tok("一线工作法 软弱涣散 两委")
    assert terms == ["一线工作法", "软弱涣散", "两委"]
    spans = find_spans(text, terms)
    assert len(spans) == sum(text.count(term) for term in terms) > 0
    assert all(text[s:e] in terms for s, e in spans)
    assert spans == sorted(spans)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))


def test_filler_phrases_are_split_but_real_words_kept(tok):
    assert tok("认真落实，切实加强，积极开展") == ["落实", "加强", "开展"]
    assert "积极分子" in tok("确定积极分子X人")


def test_quoted_and_bare_words_are_cut_alike(tok):
    assert tok("扎实开展“两学一做”学习教育") == tok("扎实开展两学一做学习教育")
    assert "一岗双责" in tok("督促班子成员履行一岗双责") and "一岗双责" in tok("履行好“一岗双责”")
    assert tok.bigrams("“一岗双责”") == tok.bigrams("一岗双责")


def test_full_and_half_width_forms_are_one(tok):
    assert tok("ＰＰＴ培训") == tok("PPT培训") == ["ppt", "培训"]
    assert tok("（一）加强党建") == tok("(一)加强党建")


def test_single_characters_and_function_words_never_become_terms(tok):
    terms = tok("抓好党建不放松，抓在日常，不搞形式的")
    assert not [t for t in terms if len(t) == 1]
    assert not {"不", "的", "抓", "好"} & set(terms)
    assert not [b for b in tok.bigrams("抓基层党建不深入") if "抓" in b or "不" in b]


def test_compound_and_parts_meet_through_sub_words_and_bigrams(tok):
    compound = set(tok.index_terms("推进基层党建工作"))
    assert {"基层", "党建"} <= compound  # the parts find the compound (search-mode sub-words)
    assert set(tok.bigrams("一岗 双责")) <= set(tok.index_terms("履行一岗双责"))  # and the reverse, by bigrams
    assert all(term.startswith(BIGRAM) for term in tok.bigrams("党风廉政建设"))
