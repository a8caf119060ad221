"""Tests for index.vectors.VectorStore with real faiss, checked against brute-force numpy."""
import faiss
import numpy as np
import pytest

import fanwen.index.storage.vector_part as vectors_module
from fanwen.index.errors import NotFound
from fanwen.index.storage.vectors import VectorStore

DIM = 32
KINDS = ["flat", "hnsw"]


def unit(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    rows = rng.standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def brute_force(ids: np.ndarray, rows: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    scores = rows @ query
    return [int(ids[i]) for i in np.argsort(-scores, kind="stable")[:k]]


@pytest.fixture
def data():
    rng = np.random.default_rng(42)
    ids = np.arange(1000, 3000, dtype=np.int64)
    return ids, unit(rng, len(ids)), unit(rng, 40)


def filled(kind: str, ids: np.ndarray, rows: np.ndarray) -> VectorStore:
    store = VectorStore(DIM, kind)
    store.add(ids, rows)
    return store


def test_flat_matches_brute_force_exactly(data):
    ids, rows, queries = data
    results = filled("flat", ids, rows).search(queries, 10)
    assert len(results) == len(queries)
    position = {int(i): n for n, i in enumerate(ids)}
    for query, hits in zip(queries, results):
        assert [i for i, _ in hits] == brute_force(ids, rows, query, 10)
        expected = [float(rows[position[i]] @ query) for i, _ in hits]
        assert [s for _, s in hits] == pytest.approx(expected, abs=1e-5)


def test_hnsw_recall_at_10(data):
    ids, rows, queries = data
    results = filled("hnsw", ids, rows).search(queries, 10)
    found = sum(
        len({i for i, _ in hits} & set(brute_force(ids, rows, query, 10)))
        for query, hits in zip(queries, results)
    )
    recall = found / (10 * len(queries))
    assert recall >= 0.95, recall


@pytest.mark.parametrize("kind", KINDS)
def test_single_query_vector_gives_one_list_best_first(kind, data):
    ids, rows, _ = data
    results = filled(kind, ids, rows).search(rows[5], 3)
    assert len(results) == 1 and results[0][0][0] == int(ids[5])
    assert results[0][0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in results[0]] == sorted((s for _, s in results[0]), reverse=True)


@pytest.mark.parametrize("kind", KINDS)
def test_remove(kind, data):
    ids, rows, _ = data
    store = filled(kind, ids, rows)
    gone = [int(i) for i in ids[:300]]
    assert store.remove(gone + [5, gone[0]]) == 300
    assert store.count() == len(ids) - 300
    assert store.remove(gone) == 0
    for hits in store.search(rows[:20], 10):
        assert len(hits) == 10 and not {i for i, _ in hits} & set(gone)
    with pytest.raises(NotFound):
        store.get([gone[0]])


@pytest.mark.parametrize("kind", KINDS)
def test_add_replaces_existing_id(kind, data):
    ids, rows, _ = data
    store = filled(kind, ids, rows)
    target = int(ids[7])
    store.add([target], -rows[7:8])
    assert store.count() == len(ids)
    assert np.allclose(store.get([target])[0], -rows[7], atol=1e-6)
    assert target not in [i for i, _ in store.search(rows[7], 10)[0]]
    assert store.search(-rows[7], 1)[0][0] == (target, pytest.approx(1.0, abs=1e-5))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("exact_limit", [vectors_module.EXACT_FILTER_LIMIT, 0])
def test_allowed_filter(kind, exact_limit, data, monkeypatch):
    monkeypatch.setattr(vectors_module, "EXACT_FILTER_LIMIT", exact_limit)
    ids, rows, queries = data
    store = filled(kind, ids, rows)
    pick = np.random.default_rng(3).choice(len(ids), 150, replace=False)
    allowed = {int(i) for i in ids[pick]} | {99_999_999}
    for query, hits in zip(queries[:10], store.search(queries[:10], 5, allowed=allowed)):
        assert {i for i, _ in hits} <= allowed
        assert [i for i, _ in hits] == brute_force(ids[pick], rows[pick], query, 5)
    assert store.search(queries[0], 5, allowed=set()) == [[]]
    assert len(store.search(queries[0], 50, allowed=allowed - {99_999_999})[0]) == 50


def test_hnsw_filter_skips_tombstones(data):
    ids, rows, _ = data
    store = filled("hnsw", ids, rows)
    store.remove([int(ids[0])])
    hits = store.search(rows[0], 3, allowed={int(ids[0]), int(ids[1])})[0]
    assert [i for i, _ in hits] == [int(ids[1])]


def test_hnsw_over_fetches_past_tombstones(data):
    ids, rows, _ = data
    store = filled("hnsw", ids, rows)
    nearest = brute_force(ids, rows, rows[0], 200)
    store.remove(nearest[:150])
    hits = store.search(rows[0], 10)[0]
    assert len(hits) == 10 and not {i for i, _ in hits} & set(nearest[:150])


def test_hnsw_compacts_when_tombstones_pile_up(data, monkeypatch):
    monkeypatch.setattr(vectors_module, "TOMBSTONE_SLACK", 0)
    ids, rows, _ = data
    store = filled("hnsw", ids, rows)
    store.remove([int(i) for i in ids[:1500]])
    assert store._delta._index.ntotal == 500 == store.count()  # the part the new vectors went to
    assert store.search(rows[1600], 1)[0][0][0] == int(ids[1600])
    assert np.allclose(store.get([int(ids[1999])]), rows[1999:2000], atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_save_then_reload(kind, data, tmp_path):
    ids, rows, queries = data
    store = filled(kind, ids, rows)
    store.remove([int(i) for i in ids[:10]])
    store.add([int(ids[20])], -rows[20:21])
    path = tmp_path / "vectors.faiss"
    store.save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.faiss", "vectors.faiss.json"]
    loaded = VectorStore.load(path)
    assert (loaded.kind, loaded.dim, loaded.count()) == (kind, DIM, len(ids) - 10)
    assert loaded.search(queries, 10) == store.search(queries, 10)
    assert np.array_equal(loaded.get([int(ids[20])]), store.get([int(ids[20])]))
    with pytest.raises(NotFound):
        loaded.get([int(ids[0])])
    loaded.add([7], rows[:1])
    assert loaded.search(rows[0], 1)[0][0][0] == 7


def test_dimension_mismatch_error_message(data):
    store = VectorStore(DIM)
    with pytest.raises(ValueError, match=r"shape \(n, 32\).*got shape \(2, 16\)"):
        store.add([1, 2], np.ones((2, 16), dtype=np.float32))
    with pytest.raises(ValueError, match=r"shape \(n, 32\)"):
        store.search(np.ones(8, dtype=np.float32), 3)
    with pytest.raises(ValueError, match="3 ids but 2 vectors"):
        store.add([1, 2, 3], np.ones((2, DIM), dtype=np.float32))
    with pytest.raises(ValueError, match="NaN"):
        store.add([1], np.full((1, DIM), np.nan, dtype=np.float32))


def test_unknown_kind_names_allowed_kinds():
    with pytest.raises(ValueError, match="flat, hnsw"):
        VectorStore(DIM, kind="ivf")


def test_vectors_are_normalised_and_fetched_in_order():
    store = VectorStore(4)
    store.add([3, 1], np.array([[3, 0, 0, 4], [0, 2, 0, 0]], dtype=np.float64))
    assert np.allclose(store.get([1, 3]), [[0, 1, 0, 0], [0.6, 0, 0, 0.8]])
    assert store.get([]).shape == (0, 4)


def test_empty_store_and_zero_k_return_empty_lists():
    store = VectorStore(DIM, "hnsw")
    query = np.ones((2, DIM), dtype=np.float32)
    assert store.search(query, 5) == [[], []]
    store.add([1], query[:1])
    assert store.search(query, 0) == [[], []]


def test_faiss_uses_at_most_two_threads(data):
    ids, rows, queries = data
    store = VectorStore(DIM, "hnsw")
    assert faiss.omp_get_max_threads() <= 2
    store.add(ids, rows)
    assert faiss.omp_get_max_threads() <= 2
    store.search(queries, 3)
    assert faiss.omp_get_max_threads() <= 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_memory_mapped_file_searches_the_same_and_changes_safely(kind, data, tmp_path, monkeypatch):
    from fanwen.index.storage.vector_part import VectorPart

    ids, rows, queries = data
    from fanwen.index.storage import vector_files

    monkeypatch.setattr(vector_files, "MMAP_BYTES", 0)  # every file mapped, as a large library's are
    store = filled(kind, ids, rows)
    store.save(tmp_path / "vectors.faiss")
    before = (tmp_path / "vectors.faiss").read_bytes()
    (tmp_path / "again.faiss.json").write_bytes((tmp_path / "vectors.faiss.json").read_bytes())
    loaded = VectorStore.load(tmp_path / "vectors.faiss")
    assert loaded._frozen[0].part._mapped
    (tmp_path / "vectors.faiss").unlink()  # a later write pruned the segment: the mapping stays readable
    assert loaded.search(queries, 10) == store.search(queries, 10)
    assert np.array_equal(loaded.get(ids[:50]), store.get(ids[:50]))
    # The engine's writes go beside the mapped part; a direct change copies it first (faiss would abort).
    loaded.remove([int(i) for i in ids[:10]])
    loaded.add([7, int(ids[20])], np.vstack([rows[:1], -rows[20:21]]))
    live = {int(i): r for i, r in zip(ids[10:], rows[10:])} | {7: rows[0], int(ids[20]): -rows[20]}
    keys = np.array(sorted(live))
    assert loaded.search(rows[0], 1)[0][0][0] == 7 and loaded.count() == len(live)
    if kind == "flat":
        assert [hit[0] for hit in loaded.search(queries[0], 10)[0]] == brute_force(
            keys, np.array([live[i] for i in keys.tolist()]), queries[0], 10)
    (tmp_path / "again.faiss").write_bytes(before)
    part = VectorPart.load(tmp_path / "again.faiss")
    part.add([5], rows[:1])
    part.remove([int(ids[0])])
    assert not part._mapped and part.count() == len(ids) and (tmp_path / "again.faiss").read_bytes() == before
