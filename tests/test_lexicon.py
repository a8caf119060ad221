"""Plain words a drafter types reach the 公文 wording of the reports through index/data/plain_words.txt."""
import dataclasses
import re

from fanwen.index.retrieval.lexicon import DATA, formal_wording, load
from fanwen.index.retrieval.params import SearchParams
from fanwen.index.retrieval.search import query_terms
from fanwen.index.retrieval.tokenize import default_tokenizer
from fanwen.index.storage.keywords import BM25Index

CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def test_the_table_maps_plain_phrases_to_other_words_of_the_genre():
    table = load()
    assert len(table) >= 400 and table["一言堂"][:2] == ("个人专断", "家长制")
    for plain, formal in table.items():
        assert CJK.match(plain) and len(plain) >= 2, plain  # no single character stands for a concept
        assert 1 <= len(formal) <= 5 and plain not in formal, plain
        assert all(CJK.match(term) and 2 <= len(term) <= 8 for term in formal), plain
    lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert len(lines) == len(table)  # each plain phrase once


def test_the_longest_phrase_is_read_and_nothing_inside_it():
    table = {"一言堂": ("集体决策",), "言堂": ("不该读到",), "走形式": ("流于形式",), "形式": ("也不该",)}
    assert formal_wording("大事别搞一言堂，也别走形式", table) == ["集体决策", "流于形式"]
    assert formal_wording("一言堂走形式一言堂", table) == ["集体决策", "流于形式"]  # each once, in order
    assert formal_wording("", table) == [] and formal_wording("一言堂", {}) == []


def test_the_formal_wording_ranks_below_the_typed_words_and_only_when_on():
    index = BM25Index(default_tokenizer())
    index.add([1, 2], ["一些单位党建和业务“两张皮”现象依然存在。", "组织党员开展志愿服务，业务培训全覆盖。"])
    terms, weights = query_terms(index, "党建业务各干各的", SearchParams(plain_word_weight=0.5))
    assert weights["两张皮"] == 0.5 and weights["党建"] == 1.0
    assert [hit[0] for hit in index.search(terms, 2, weights=weights)][0] == 1
    off, off_weights = query_terms(index, "党建业务各干各的", SearchParams(plain_word_weight=0.0))
    assert "两张皮" not in off
    passage, _ = query_terms(index, "党建业务各干各的", SearchParams(plain_word_weight=0.5), passage=True)
    assert "两张皮" not in passage  # a pasted passage has words enough


def test_a_plain_phrase_finds_the_report_paragraph_in_its_formal_words(corpus_library):
    keywords = corpus_library.snapshot.keywords
    for weight, expected in ((0.5, True), (0.0, False)):  # 开会太多 → 文山会海, held by one report
        terms, weights = query_terms(keywords, "发文开会太多", SearchParams(plain_word_weight=weight))
        top = [corpus_library.chunk(cid).text for cid, *_ in keywords.search(terms, 3, weights=weights)]
        assert ("文山会海" in top[0]) is expected and any("文山会海" in text for text in top) is expected, weight


def test_a_query_of_plain_words_only_gets_a_weak_page_through_its_formal_wording(corpus_library):
    # No report says 撂挑子, 词林 holds none of its synonyms, and the model's cosine is below the calibrated
    # threshold: the no-match guard showed nothing. Its formal wording (不作为, 推卸责任…) is held.
    formal = ("不担当", "不作为", "推卸责任", "消极应付")
    result = corpus_library.search("撂挑子", k=5)
    assert result.weak and any(word in result.hits[0].chunk.text for word in formal)
    params = corpus_library.params
    corpus_library.params = dataclasses.replace(params, plain_word_weight=0.0)
    try:
        assert corpus_library.search("撂挑子", k=5).hits == []
    finally:
        corpus_library.params = params


def test_a_hit_says_which_words_it_matched_that_were_not_typed(corpus_library):
    # 发文开会太多: the first hit holds 文山会海, which the reader never typed; the record names it so the
    # page and the CLI can say why a paragraph with no marked word is there
    hit = corpus_library.search("发文开会太多", k=3).hits[0]
    assert "文山会海" in hit.chunk.text and "文山会海" in hit.related_terms
    assert hit.to_dict()["related_terms"] == hit.related_terms
    assert not set(hit.related_terms) & {"发文", "开会", "太多"}  # typed words are matched_terms, not related
    for hit in corpus_library.search("党建业务融合", k=5).hits:  # 业务's 词林 synonym 工作 is related; typed ones never
        assert not set(hit.related_terms) & {"党建", "业务", "融合"}
        assert not any(term.startswith("~") for term in hit.related_terms)  # bigrams are coverage, not words
