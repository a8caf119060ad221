"""MaxScore top-k: the same rows and bit-identical scores as adding every list into a dense array, while the
low-bound lists are only looked up."""
import random

import numpy as np
import pytest

from fanwen.index.storage import keyword_part, maxscore
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.storage.maxscore import best_rows


def zipf_lists(size: int, n_terms: int, seed: int) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Posting lists like BM25's: common terms long with small contributions, rare ones short with large."""
    rng = np.random.default_rng(seed)
    lists = []
    for rank in range(n_terms):
        share = min(0.9, 0.9 / (rank + 1) ** 1.3)
        rows = np.flatnonzero(rng.random(size) < share).astype(np.int32)
        idf = np.log1p((size - len(rows) + 0.5) / (len(rows) + 0.5))
        values = idf * rng.integers(1, 4, len(rows)) * rng.uniform(0.5, 1.5, len(rows))
        lists.append((rows, values, float(values.max()) if len(values) else 0.0))
    order = rng.permutation(n_terms)  # query order is not bound order
    return [lists[i] for i in order]


def dense(lists, size: int, k: int, row_ids: np.ndarray, barred) -> tuple[list[int], list[float]]:
    scores = np.zeros(size)
    for rows, values, _bound in lists:
        np.add.at(scores, rows, values)
    if barred is not None:
        scores[barred] = 0.0
    alive = np.flatnonzero(scores > 0)
    order = np.lexsort((row_ids[alive], -scores[alive]))[:k]
    return alive[order].tolist(), scores[alive[order]].tolist()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 10, 100])
def test_same_rows_and_bit_identical_scores_as_a_dense_sum(seed, k):
    size = 20_000
    lists = zipf_lists(size, 12, seed)
    row_ids = np.arange(size) * 7 + 3
    rng = np.random.default_rng(seed + 100)
    barred_choices = [None, np.sort(rng.choice(size, 500, replace=False)), rng.random(size) < 0.3]
    for barred in barred_choices:
        found = best_rows(lists, size, k, row_ids, barred)
        assert found is not None
        rows, scores = found
        expected_rows, expected_scores = dense(lists, size, k, row_ids, barred)
        assert rows.tolist() == expected_rows
        assert scores.tolist() == expected_scores  # exact: summed in the same order


def test_low_bound_lists_are_looked_up_not_added(monkeypatch):
    size = 50_000
    lists = zipf_lists(size, 10, 7)
    added = []
    real_add = maxscore._add

    def recorded(terms, chosen, *rest):
        added.extend(chosen)
        return real_add(terms, chosen, *rest)

    monkeypatch.setattr(maxscore, "_add", recorded)
    rows, scores = best_rows(lists, size, 20, np.arange(size), None)
    assert (rows.tolist(), scores.tolist()) == dense(lists, size, 20, np.arange(size), None)
    skipped = [i for i in range(len(lists)) if i not in added]
    assert skipped, "every list was added: MaxScore pruned nothing"
    # the lists left out are those with the lowest bounds: the long common ones
    assert max(lists[i][2] for i in skipped) <= min(lists[i][2] for i in set(added))
    assert sum(len(lists[i][0]) for i in skipped) > size // 2


def test_ties_at_the_kth_score_go_to_the_smaller_ids():
    size = 5_000
    rows = np.arange(size, dtype=np.int32)
    lists = [(rows, np.full(size, 2.0), 2.0), (rows[::2], np.full(size // 2, 1.0), 1.0),
             (rows[:40], np.full(40, 5.0), 5.0)]
    row_ids = np.arange(size)[::-1].copy()  # ids descend with rows: the ties go to the highest rows
    found_rows, found_scores = best_rows(lists, size, 30, row_ids, None)  # 20 rows score 8, 20 score 7
    expected_rows, expected_scores = dense(lists, size, 30, row_ids, None)
    assert found_rows[20:].tolist() == list(range(39, 19, -2))
    assert found_rows.tolist() == expected_rows and found_scores.tolist() == expected_scores


def test_too_few_chunks_in_the_seed_lists_leaves_it_to_the_dense_pass():
    size = 1_000
    lists = [(np.arange(5, dtype=np.int32), np.ones(5), 1.0), (np.arange(3, dtype=np.int32), np.ones(3), 1.0)]
    assert best_rows(lists, size, 10, np.arange(size), None) is None
    rows, scores = best_rows([], size, 10, np.arange(size), None)
    assert len(rows) == len(scores) == 0


def test_bm25_index_ranks_as_the_dense_pass_after_removals_and_with_a_filter(monkeypatch):
    rng = random.Random(3)
    words = [f"w{i}" for i in range(30)]
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    docs = {i: " ".join(rng.choices(words, weights, k=rng.randint(3, 30))) for i in range(6_000)}
    index = BM25Index(str.split)
    index.add(list(docs), list(docs.values()))
    index = index.clone()  # the docs become a frozen part, as a saved library's are
    index.remove(range(0, 6_000, 11))
    allowed = set(range(0, 6_000, 3))
    queries = (["w0", "w1", "w2", "w17"], ["w3", "w25", "w0"], words[:12])
    fast = [index.search(query, 50, allowed=filt) for query in queries for filt in (None, allowed)]
    used = []
    monkeypatch.setattr(keyword_part, "best_rows", lambda *args: used.append(1))  # None: the dense pass
    slow = [index.search(query, 50, allowed=filt) for query in queries for filt in (None, allowed)]
    assert used and fast == slow
    assert all(len(hits) == 50 for hits in fast)
