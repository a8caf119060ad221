"""Tests for index.keywords.BM25Index against a brute-force BM25 computed from the formula."""
import json
import math
import random
from collections import Counter

import numpy as np
import pytest

from fanwen.index.storage.keywords import COUNTS_FILE, META_FILE, BM25Index
from fanwen.index.retrieval.tokenize import default_tokenizer

K1, B = 1.2, 0.75

DOCS = {
    10: "apple banana apple cherry",
    11: "banana banana date",
    12: "cherry date elderberry fig grape",
    13: "apple",
    14: "fig fig fig fig grape grape",
    15: "kiwi lemon mango",
}


def split(text: str) -> list[str]:
    return text.split()


def brute_force(docs: dict[int, str], query: list[str], k1=K1, b=B) -> dict[int, float]:
    """BM25 straight from the definition, one document at a time."""
    tokenized = {i: split(t) for i, t in docs.items()}
    n = len(tokenized)
    avgdl = sum(len(t) for t in tokenized.values()) / n
    scores = {}
    for doc_id, tokens in tokenized.items():
        tf = Counter(tokens)
        score = 0.0
        for term in set(query):
            df = sum(term in t for t in tokenized.values())
            if tf[term] == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            score += idf * tf[term] * (k1 + 1) / (tf[term] + k1 * (1 - b + b * len(tokens) / avgdl))
        if score > 0:
            scores[doc_id] = score
    return scores


def build(docs: dict[int, str] = DOCS, **params) -> BM25Index:
    index = BM25Index(split, **params)
    index.add(list(docs), list(docs.values()))
    return index


def test_obvious_answer_first_and_zero_scores_left_out():
    results = build().search(["fig"], 10)
    assert [doc_id for doc_id, _, _ in results] == [14, 12]
    assert all(score > 0 for _, score, _ in results)


@pytest.mark.parametrize("query", [
    ["apple"], ["banana", "date"], ["fig", "grape", "cherry"], ["apple", "apple", "banana"],
    ["nothing", "apple"], ["kiwi", "fig", "date", "banana", "apple"],
])
def test_scores_match_brute_force(query):
    results = build().search(query, 10)
    expected = brute_force(DOCS, query)
    assert {doc_id: score for doc_id, score, _ in results} == pytest.approx(expected, rel=1e-9)
    assert [s for _, s, _ in results] == sorted((s for _, s, _ in results), reverse=True)


def test_other_parameters_match_brute_force():
    results = build(k1=2.0, b=0.3).search(["fig", "apple"], 10)
    expected = brute_force(DOCS, ["fig", "apple"], k1=2.0, b=0.3)
    assert {doc_id: score for doc_id, score, _ in results} == pytest.approx(expected, rel=1e-9)


def test_top_k_on_larger_random_corpus_matches_brute_force():
    rng = random.Random(7)
    words = [f"w{i}" for i in range(60)]
    docs = {i * 3: " ".join(rng.choices(words, k=rng.randint(1, 30))) for i in range(400)}
    query = ["w1", "w7", "w7", "w33", "w59"]
    expected = sorted(brute_force(docs, query).values(), reverse=True)[:15]
    results = build(docs).search(query, 15)
    assert [score for _, score, _ in results] == pytest.approx(expected, rel=1e-9)


def test_matched_terms_are_the_query_terms_in_the_chunk():
    results = {i: terms for i, _, terms in build().search(["apple", "date", "zzz", "apple"], 10)}
    assert results == {10: ["apple"], 11: ["date"], 12: ["date"], 13: ["apple"]}


def test_remove_drops_document_from_results_and_statistics():
    index = build()
    assert index.remove([14, 999, 14]) == 1
    assert index.count() == len(DOCS) - 1
    remaining = {i: t for i, t in DOCS.items() if i != 14}
    results = index.search(["fig", "grape"], 10)
    assert [doc_id for doc_id, _, _ in results] == [12]
    assert results[0][1] == pytest.approx(brute_force(remaining, ["fig", "grape"])[12])
    assert index.remove([14]) == 0


def test_re_adding_an_id_replaces_its_text():
    index = build()
    index.add([13], ["kiwi kiwi"])
    assert index.count() == len(DOCS)
    assert 13 not in [doc_id for doc_id, _, _ in index.search(["apple"], 10)]
    replaced = {**DOCS, 13: "kiwi kiwi"}
    results = {i: s for i, s, _ in index.search(["kiwi"], 10)}
    assert results == pytest.approx(brute_force(replaced, ["kiwi"]))


def test_allowed_restricts_results_without_changing_scores():
    index = build()
    everything = {i: s for i, s, _ in index.search(["apple", "fig", "date"], 10)}
    filtered = index.search(["apple", "fig", "date"], 10, allowed={13, 14, 15, 12345})
    assert {i for i, _, _ in filtered} == {13, 14}
    assert all(score == pytest.approx(everything[i]) for i, score, _ in filtered)
    assert index.search(["apple"], 10, allowed=[]) == []


def test_k_limits_results_and_empty_inputs_return_nothing():
    index = build()
    assert len(index.search(["apple", "banana", "fig"], 2)) == 2
    assert index.search(["apple"], 0) == []
    assert index.search([], 5) == []
    assert BM25Index(split).search(["apple"], 5) == []


def test_bad_add_arguments_are_rejected():
    index = BM25Index(split)
    with pytest.raises(ValueError, match="2 ids but 1 texts"):
        index.add([1, 2], ["a"])
    with pytest.raises(ValueError, match="same id"):
        index.add([1, 1], ["a", "b"])
    with pytest.raises(TypeError):
        index.add([1.5], ["a"])


def test_save_then_load_gives_identical_results(tmp_path):
    index = build(k1=1.5, b=0.6)
    index.remove([15])  # its terms must not survive in the saved vocabulary
    index.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([META_FILE, COUNTS_FILE])
    assert "kiwi" not in json.loads((tmp_path / META_FILE).read_text(encoding="utf-8"))["vocab"]
    loaded = BM25Index.load(tmp_path, split)
    assert (loaded.k1, loaded.b, loaded.count()) == (1.5, 0.6, index.count())
    for query in (["apple"], ["fig", "grape", "cherry"], ["banana", "date", "kiwi"]):
        assert loaded.search(query, 10) == index.search(query, 10)
    loaded.add([20], ["apple kiwi"])
    assert [i for i, _, _ in loaded.search(["kiwi"], 5)] == [20]


def test_a_file_without_kept_lengths_loads_the_same(tmp_path):
    index = build(k1=1.5, b=0.6)
    index.save(tmp_path)
    with np.load(tmp_path / COUNTS_FILE, allow_pickle=False) as arrays:
        kept = {name: arrays[name] for name in arrays.files}
    assert kept["lengths"].tolist() == [float(len(DOCS[i].split())) for i in sorted(DOCS)]  # words per chunk
    np.savez(tmp_path / COUNTS_FILE, **{n: a for n, a in kept.items() if n != "lengths"})  # as written before
    older = BM25Index.load(tmp_path, split)
    for query in (["apple"], ["fig", "grape", "cherry"], ["banana", "date", "kiwi"]):
        assert older.search(query, 10) == index.search(query, 10)


def test_saved_counts_need_no_pickle(tmp_path):
    build().save(tmp_path)
    with np.load(tmp_path / COUNTS_FILE, allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)


def test_empty_index_round_trips(tmp_path):
    BM25Index(split).save(tmp_path)
    loaded = BM25Index.load(tmp_path, split)
    assert loaded.count() == 0 and loaded.search(["apple"], 3) == []


def test_chinese_reports_with_real_tokenizer():
    index = BM25Index(default_tokenizer())
    index.add([1, 2, 3], [
        "严格落实“三会一课”制度，定期开展主题党日活动。",
        "履行好党风廉政建设“一岗双责”，坚决反对“四风”。",
        "抓好软弱涣散党组织整顿，提升基层党建整体水平。",
    ])
    assert index.terms("三会一课") == ["三会一课"]
    results = index.search(index.terms("落实三会一课"), 3)
    assert results[0][0] == 1 and set(results[0][2]) == {"三会一课", "落实"}
    assert [i for i, _, _ in index.search(index.terms("一岗双责"), 3)] == [2]


def test_term_weights_scale_each_terms_share():
    index = BM25Index(split)
    index.add(list(DOCS), list(DOCS.values()))
    plain = dict((i, s) for i, s, _ in index.search(["apple", "date"], 10))
    weighted = dict((i, s) for i, s, _ in index.search(["apple", "date"], 10, weights={"date": 0.5}))
    date_only = dict((i, s) for i, s, _ in index.search(["date"], 10))
    for doc_id, score in plain.items():
        assert weighted[doc_id] == pytest.approx(score - 0.5 * date_only.get(doc_id, 0.0))


def test_analyzer_indexes_sub_words_and_bigrams_but_queries_words():
    index = BM25Index(default_tokenizer())
    index.add([1, 2], ["督促班子成员履行好“一岗双责”", "开展谈心谈话"])
    assert index.terms("履行一岗双责") == ["履行", "一岗双责"]
    assert "~一岗" in index and "班子" in index  # bigram field and search-mode sub-word
    assert [i for i, *_ in index.search(["~一岗", "~双责"], 5)] == [1]


def test_chunk_lengths_are_the_sums_of_their_rows_counts_with_empty_rows_anywhere():
    from fanwen.index.storage.keyword_part import row_sums

    rng = np.random.default_rng(1)
    for _ in range(200):
        lengths = rng.integers(0, 4, size=rng.integers(0, 30))
        lengths[rng.random(len(lengths)) < 0.3] = 0  # empty rows first, last, in runs
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        counts = rng.integers(1, 9, size=int(indptr[-1])).astype(np.int32)
        want = [float(counts[indptr[i]:indptr[i + 1]].sum()) for i in range(len(lengths))]
        assert row_sums(counts, indptr).tolist() == want
