"""同义词词林 expansion: typed words reach paragraphs that use a synonym, below the typed words' weight."""
from fanwen.index.retrieval.params import SearchParams
from fanwen.index.retrieval.search import query_terms
from fanwen.index.retrieval.thesaurus import class_mates, expand, synonym_groups, synonym_weights, synonyms
from fanwen.index.retrieval.tokenize import default_tokenizer
from fanwen.index.storage.keywords import BM25Index

TEXTS = ["班子成员领头学习，每月集中研讨。", "党员积分制管理纳入支部考核。", "组织党员开展志愿服务。"]


def library_words() -> BM25Index:
    index = BM25Index(default_tokenizer())
    index.add([1, 2, 3], TEXTS)
    return index


def test_the_table_holds_the_cilin_synonym_groups():
    member_of, groups = synonym_groups()
    assert len(member_of) > 40_000 and len(groups) > 9_000
    assert "领头" in synonyms("带头") and "带头" in synonyms("领头") and "带头" not in synonyms("带头")


def test_expand_keeps_held_synonyms_of_two_characters_and_asks_the_index_once():
    asked = []

    def holding(terms):
        asked.append(list(terms))
        return {"领头", "民众"}

    out = expand(["带头", "群众", "带头"], holding, limit=4)
    assert out == ["领头", "民众"]
    assert len(asked) == 1 and "领头" in asked[0] and all(len(t) > 1 for t in asked[0])
    assert expand(["带头"], lambda terms: set(terms), limit=2) == sorted(synonyms("带头"))[:2]


def test_a_synonym_stands_in_higher_for_a_typed_word_the_index_lacks():
    asked = []

    def holding(terms):
        asked.append(list(terms))
        return {"带头", "领头", "民众"}  # 群众 itself is not held

    weights = synonym_weights(["带头", "群众"], holding, 0.3, 0.7)
    assert weights == {"领头": 0.3, "民众": 0.7} and len(asked) == 1 and {"带头", "群众"} <= set(asked[0])
    assert synonym_weights(["群众"], holding, 0.3, 0.3) == {"民众": 0.3}


def test_a_small_class_holds_the_synonym_groups_and_their_near_relations():
    assert synonyms("病根") < class_mates("病根")  # 病因, 病源, and beyond the group 原因, 内因
    assert {"原因", "病因"} <= class_mates("病根") and "显性" in class_mates("显眼") - synonyms("显眼")
    assert class_mates("不是一个词") == set()


def test_a_lacking_word_without_a_held_synonym_backs_off_to_held_class_mates():
    asked = []

    def holding(terms):
        asked.append(list(terms))
        return {"原因", "内因", "领头", "群众"}  # neither 病根 nor its synonyms 病因, 病源; 带头 not, 领头 yes

    weights = synonym_weights(["病根", "带头", "群众"], holding, 0.3, 0.7, class_weight=0.2)
    assert weights["原因"] == 0.2 and weights["内因"] == 0.2  # 病根's class mates, below a synonym
    assert weights["领头"] == 0.7  # 带头 has a held synonym: no class mates for it
    assert not {"为首", "牵头"} & set(weights)
    assert len(asked) == 2 and "病根" not in asked[1] and "原因" in asked[1]
    asked.clear()
    assert "原因" not in synonym_weights(["病根"], holding, 0.3, 0.7)  # class_weight 0: off, one question
    assert len(asked) == 1
    asked.clear()
    synonym_weights(["群众"], holding, 0.3, 0.7, class_weight=0.2)  # every word held: no second question
    assert len(asked) == 1


def test_a_typed_word_reaches_a_paragraph_through_its_class_only_when_backoff_is_on():
    index = BM25Index(default_tokenizer())
    index.add([1, 2], ["主要原因是统筹谋划不到位，抓党建工作投入相对较少。", "组织党员开展志愿服务。"])
    on_terms, on_weights = query_terms(index, "病根", SearchParams(class_weight=0.3))
    assert on_weights["原因"] == 0.3 and [hit[0] for hit in index.search(on_terms, 2, weights=on_weights)] == [1]
    off_terms, off_weights = query_terms(index, "病根", SearchParams(class_weight=0.0))
    assert "原因" not in off_terms and index.search(off_terms, 2, weights=off_weights) == []


def test_a_typed_word_reaches_a_paragraph_that_only_uses_its_synonym():
    index = library_words()  # holds 领头, not 带头: the synonym stands in
    terms, weights = query_terms(index, "带头", SearchParams(synonym_weight=0.3, synonym_stand_in=0.7))
    assert weights["带头"] == 1.0 and weights["领头"] == 0.7  # below the typed word
    assert [hit[0] for hit in index.search(terms, 3, weights=weights)] == [1]
    plain, plain_weights = query_terms(index, "带头", SearchParams(synonym_weight=0.0))
    assert "领头" not in plain and index.search(plain, 3, weights=plain_weights) == []


def test_a_pasted_passage_is_not_expanded():
    index = library_words()
    terms, _ = query_terms(index, "带头", SearchParams(synonym_weight=0.3), passage=True)
    assert "领头" not in terms


def test_synonyms_rank_but_are_not_shown_as_the_query_s_words(corpus_library):
    result = corpus_library.search("落实整改", mode="keyword")
    assert result.terms == ["落实", "整改"]
    matched = {term for hit in result.hits for term in hit.matched_terms}
    assert matched and matched <= {"落实", "整改"}  # 贯彻 and 整治 are searched (the corpus holds both), never marked
    terms, weights = query_terms(corpus_library.snapshot.keywords, "落实整改", corpus_library.params)
    assert {"贯彻", "整治"} <= set(terms) and weights["贯彻"] < weights["落实"]


def test_sub_words_of_a_lacking_word_are_asked_about_in_the_same_question():
    asked = []

    def holding(terms):
        asked.append(list(terms))
        return {"吃苦", "基层党建", "基层"}

    parts = {"肯吃苦": ["吃苦"], "基层党建": ["基层", "党建"]}
    weights = synonym_weights(["肯吃苦", "基层党建"], holding, 0.0, 0.0, parts=parts, part_weight=0.5)
    assert weights == {"吃苦": 0.5} and len(asked) == 1  # 基层党建 is held: its parts are not needed
    assert synonym_weights(["肯吃苦"], holding, 0.0, 0.0, parts=parts) == {}  # part_weight 0: off
