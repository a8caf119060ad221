"""The 8-bit sketch of a large flat index: its answers equal brute force, before and after writes."""
import numpy as np
import pytest

import fanwen.index.storage.vector_sketch as sketch_module
from fanwen.index.storage.vector_part import VectorPart

DIM = 64


def clustered(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unit rows around a shared direction, as sentence embeddings are (cosines mostly 0.7–0.9)."""
    rows = rng.standard_normal(DIM) * 0.6 + rng.standard_normal((n, DIM)) * 0.4 / np.sqrt(DIM) * 4
    rows = rows.astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def brute_force(ids: np.ndarray, rows: np.ndarray, query: np.ndarray, k: int) -> list[tuple[int, float]]:
    scores = rows @ query
    best = np.argsort(-scores, kind="stable")[:k]
    return [(int(ids[i]), float(scores[i])) for i in best]


@pytest.fixture
def large(monkeypatch):
    """A flat part past the (lowered) sketch size, with its ids and rows."""
    monkeypatch.setattr(sketch_module, "SKETCH_MIN", 1000)
    rng = np.random.default_rng(3)
    ids = rng.choice(10**6, 4000, replace=False).astype(np.int64)
    rows = clustered(rng, len(ids))
    part = VectorPart(DIM, "flat")
    part.add(ids, rows)
    return part, ids, rows, rng


def assert_exact(part: VectorPart, ids, rows, queries, k: int) -> None:
    """Same scores rank by rank, same ids except where two scores differ by float rounding alone."""
    for query, hits in zip(queries, part.search(queries, k)):
        expected = brute_force(ids, rows, query, k)
        assert [s for _, s in hits] == pytest.approx([s for _, s in expected], abs=1e-5)
        kth, wanted = expected[-1][1], dict(expected)
        # an id brute force leaves out may only tie with its k-th score (and one it keeps, be left for such a tie)
        assert all(abs(s - kth) < 1e-5 for i, s in hits if i not in wanted)
        got = {i for i, _ in hits}
        assert all(abs(s - kth) < 1e-5 for i, s in expected if i not in got)
        assert len(got) == k


def test_a_large_flat_part_answers_through_its_sketch_exactly(large):
    part, ids, rows, rng = large
    queries = rows[rng.choice(len(rows), 20)] + rng.standard_normal((20, DIM)).astype(np.float32) * 0.05
    assert_exact(part, ids, rows, queries / np.linalg.norm(queries, axis=1, keepdims=True), 100)
    assert part._sketch is not None  # the sketch answered, not the plain scan


def test_writes_drop_the_sketch_and_the_next_search_is_exact_again(large):
    part, ids, rows, rng = large
    queries = clustered(rng, 10)
    part.search(queries, 10)
    part.remove(ids[:500].tolist())
    assert part._sketch is None
    assert_exact(part, ids[500:], rows[500:], queries, 50)
    extra_ids, extra_rows = np.arange(2 * 10**6, 2 * 10**6 + 300, dtype=np.int64), clustered(rng, 300)
    part.add(extra_ids, extra_rows)
    assert_exact(part, np.concatenate([ids[500:], extra_ids]), np.vstack([rows[500:], extra_rows]), queries, 50)


def test_a_small_part_keeps_the_plain_scan(monkeypatch):
    rng = np.random.default_rng(5)
    part = VectorPart(DIM, "flat")
    part.add(np.arange(200), clustered(rng, 200))
    part.search(clustered(rng, 1), 5)
    assert part._sketch is None


def test_a_sketch_proposes_more_candidates_than_it_returns(large):
    part, ids, rows, rng = large
    sketch = sketch_module.sketch_of(part._index, DIM)
    query = clustered(rng, 1)
    scores, labels = sketch.search(query, 10)
    assert labels.shape == (1, 10)
    assert set(labels[0].tolist()) == {i for i, _ in brute_force(ids, rows, query[0], 10)}
    assert np.all(np.diff(scores[0]) <= 0)
