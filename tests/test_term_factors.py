"""Kept BM25 tf factors and the sampled top-k: the same scores and order as computing everything, before and
after writes that change the library's average length."""
import math
import random
from collections import Counter

import numpy as np
import pytest

from fanwen.index.lru import LRU
from fanwen.index.storage import keyword_part, term_factors
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.storage.term_factors import MIN_POSTINGS

K1, B = 1.2, 0.75
WORDS = [f"w{i}" for i in range(40)]


def corpus(n: int, seed: int) -> dict[int, str]:
    """Zipf-like word use, so the common words' lists are far longer than MIN_POSTINGS."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(len(WORDS))]
    return {seed * 100_000 + i: " ".join(rng.choices(WORDS, weights, k=rng.randint(3, 25))) for i in range(n)}


def brute_force(docs: dict[int, str], query: list[str]) -> dict[int, float]:
    """BM25 from the definition (df counted once per term)."""
    tokens = {i: text.split() for i, text in docs.items()}
    n, avgdl = len(tokens), sum(len(t) for t in tokens.values()) / len(tokens)
    df = {term: sum(term in set(t) for t in tokens.values()) for term in set(query)}
    scores = {}
    for doc, words in tokens.items():
        tf = Counter(words)
        score = sum(math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                    * tf[t] * (K1 + 1) / (tf[t] + K1 * (1 - B + B * len(words) / avgdl)) for t in set(query) if tf[t])
        if score > 0:
            scores[doc] = score
    return scores


def best(scores: dict[int, float], k: int) -> list[int]:
    return sorted(scores, key=lambda doc: (-scores[doc], doc))[:k]


@pytest.fixture
def factors(monkeypatch):
    cache = LRU(term_factors.BUDGET_BYTES, weigh=lambda values: values.nbytes)
    monkeypatch.setattr(term_factors, "FACTORS", cache)
    return cache


def check(index: BM25Index, docs: dict[int, str], query: list[str], k: int = 30) -> None:
    expected = brute_force(docs, query)
    found = index.search(query, k)
    assert [doc for doc, _, _ in found] == best(expected, k)
    assert [score for _, score, _ in found] == pytest.approx([expected[doc] for doc, _, _ in found], rel=1e-12)


def test_kept_factors_score_as_the_formula_before_and_after_writes(factors):
    docs = corpus(4000, 1)
    index = BM25Index(str.split)
    index.add(list(docs), list(docs.values()))
    query = ["w0", "w1", "w5", "w30"]
    assert sum(text.split().count("w0") > 0 for text in docs.values()) > MIN_POSTINGS
    check(index, docs, query)
    assert len(factors) >= 2  # the long lists were kept, the short ones not
    kept = len(factors)
    check(index, docs, query)  # read back from the cache
    assert len(factors) == kept

    more = corpus(800, 2)  # longer or shorter on average: every factor changes
    index = index.clone()
    index.add(list(more), list(more.values()))
    docs.update(more)
    check(index, docs, query)
    gone = list(docs)[::3]
    index.remove(gone)
    for doc in gone:
        del docs[doc]
    check(index, docs, query + ["w2"])


def test_a_small_budget_evicts_and_scores_stay_right(monkeypatch):
    cache = LRU(3 * MIN_POSTINGS * 8, weigh=lambda values: values.nbytes)
    monkeypatch.setattr(term_factors, "FACTORS", cache)
    docs = corpus(5000, 3)
    index = BM25Index(str.split)
    index.add(list(docs), list(docs.values()))
    for query in (["w0", "w1", "w2"], ["w3", "w0"], ["w1", "w4", "w6"]):
        check(index, docs, query)
        assert cache.used <= cache.budget


def test_kept_arrays_are_computed_once_and_read_only(monkeypatch):
    monkeypatch.setattr(term_factors, "FACTORS", LRU(10_000, weigh=lambda values: values.nbytes))
    made = []

    def compute():
        made.append(1)
        return np.ones(100)

    first = term_factors.kept("a", compute)
    assert term_factors.kept("a", compute) is first and made == [1]
    assert not first.flags.writeable  # callers share it: nobody may change it in place


@pytest.mark.parametrize("n, k, levels, zero_share", [
    (5000, 10, 1000, 0.0), (5000, 10, 3, 0.5), (20000, 100, 50, 0.9), (20000, 100, 10**6, 0.99),
    (1000, 10, 5, 0.0), (6400, 100, 2, 0.0),
])
def test_top_rows_equal_a_full_sort(n, k, levels, zero_share):
    rng = np.random.default_rng(n + k + levels)
    scores = rng.integers(1, levels + 1, n).astype(np.float64) / levels
    scores[rng.random(n) < zero_share] = 0.0
    row_ids = np.sort(rng.choice(10 * n, n, replace=False))
    expected = sorted(np.flatnonzero(scores > 0), key=lambda row: (-scores[row], row_ids[row]))[:k]
    assert keyword_part._top_rows(scores, row_ids, k).tolist() == [int(row) for row in expected]


def test_top_rows_when_the_best_sit_exactly_where_the_floor_samples():
    """The floor is the k-th best of every stride-th score: with all k best on those rows it is the k-th best
    itself, and every row at it must still be kept (a floor one place higher would lose half of them)."""
    n, k = 8000, 20
    stride = n // (16 * k)
    scores = np.full(n, 0.5)
    best_rows = np.arange(0, stride * k, stride)
    scores[best_rows] = np.linspace(2.0, 1.0, k)
    assert keyword_part._top_rows(scores, np.arange(n) * 3, k).tolist() == best_rows.tolist()
