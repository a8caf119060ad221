"""Copy-on-write vector and keyword stores after series of clones, adds and removes: the same answers as brute force
and as a store built from scratch, clones isolated from each other, and the same again after save and reload."""
import math
import random
from collections import Counter

import numpy as np
import pytest

from fanwen.index.storage import keywords as keywords_module
from fanwen.index.storage import vectors as vectors_module
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.storage.vectors import VectorStore

DIM = 16
WORDS = "党建 廉政 谈心 谈话 积分 管理 主题 教育 成效 制度 落实 责任 组织 生活 基层 群众".split()


def unit(rng, n):
    rows = rng.standard_normal((n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def split(text):
    return text.split()


def history(seed, store_add, store_remove, clone, steps=14):
    """Random writes the way the engine makes them: each step clones, removes a few ids, adds a batch with
    fresh ids and now and then replaces a live one; returns the live {id: payload index} at the end."""
    rng, live, next_id, payload = random.Random(seed), {}, 0, 0
    for _ in range(steps):
        clone()
        gone = rng.sample(sorted(live), min(len(live), rng.randint(0, 6)))
        store_remove(gone)
        for i in gone:
            del live[i]
        batch = list(range(next_id, next_id + rng.randint(1, 25)))
        next_id += len(batch) + rng.randint(0, 3)
        if live and rng.random() < 0.5:
            batch.append(rng.choice(sorted(live)))  # replaced in place: a new payload under an old id
        store_add(batch, list(range(payload, payload + len(batch))))
        live.update(zip(batch, range(payload, payload + len(batch))))
        payload += len(batch)
    return live


@pytest.fixture(params=[2, 3, 100])
def max_parts(request, monkeypatch):
    monkeypatch.setattr(vectors_module, "MAX_PARTS", request.param)  # 2 and 3: merges happen along the way
    monkeypatch.setattr(keywords_module, "MAX_PARTS", request.param)
    return request.param


def test_vectors_after_writes_match_brute_force_and_a_fresh_store(max_parts, tmp_path):
    rows = unit(np.random.default_rng(1), 600)
    state = {"store": VectorStore(DIM)}
    kept = []  # every published store, which later writes must not change

    def clone():
        kept.append((state["store"], {int(i): state["store"].get([i])[0] for i in state["store"].ids()}))
        state["store"] = state["store"].clone()
    live = history(7, lambda ids, p: state["store"].add(ids, rows[p]), lambda ids: state["store"].remove(ids), clone)
    store, ids = state["store"], np.array(sorted(live), dtype=np.int64)
    truth = rows[[live[i] for i in ids.tolist()]]
    fresh = VectorStore(DIM)
    fresh.add(ids, truth)
    queries = unit(np.random.default_rng(2), 12)
    allowed = set(ids[::3].tolist()) | {10_000}
    for got in (store, _reloaded(store, tmp_path)):
        assert got.count() == len(ids) and np.array_equal(got.ids(), ids)
        assert np.allclose(got.get(ids), truth, atol=1e-6)
        for k in (1, 5, len(ids) + 5):
            for hits, want, query in zip(got.search(queries, k), fresh.search(queries, k), queries):
                assert [i for i, _ in hits] == [int(ids[j]) for j in np.argsort(-(truth @ query), kind="stable")[:k]]
                assert [s for _, s in hits] == pytest.approx([s for _, s in want], abs=1e-5)
        assert _ids(got.search(queries, 4, allowed=allowed)) == _ids(fresh.search(queries, 4, allowed=allowed))
    for old, contents in kept:  # copy-on-write: what a reader held is what it still sees
        assert sorted(contents) == old.ids().tolist()
        assert all(np.array_equal(old.get([i])[0], vector) for i, vector in contents.items())


def test_hnsw_parts_find_what_flat_finds(tmp_path):
    rows = unit(np.random.default_rng(3), 400)
    state = {"store": VectorStore(DIM, "hnsw")}
    live = history(5, lambda ids, p: state["store"].add(ids, rows[p]), lambda ids: state["store"].remove(ids),
                   lambda: state.update(store=state["store"].clone()))
    store, ids = state["store"], sorted(live)
    assert store.count() == len(ids) and len(store._frozen) > 1
    for query_id in ids[:20]:
        assert store.search(rows[live[query_id]], 1)[0][0][0] == query_id
    assert _reloaded(store, tmp_path).search(rows[live[ids[0]]], 1)[0][0][0] == ids[0]


def _ids(results):
    return [[i for i, _ in hits] for hits in results]


def _reloaded(store, tmp_path):
    store.save(tmp_path / "v.faiss")
    return VectorStore.load(tmp_path / "v.faiss")


def brute_bm25(docs, query, k1=1.2, b=0.75):
    n, avgdl = len(docs), sum(len(split(t)) for t in docs.values()) / len(docs)
    scores = {}
    for doc_id, text in docs.items():
        tf, length, score = Counter(split(text)), len(split(text)), 0.0
        for term in set(query):
            if tf[term]:
                df = sum(term in split(t) for t in docs.values())
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                score += idf * tf[term] * (k1 + 1) / (tf[term] + k1 * (1 - b + b * length / avgdl))
        if score > 0:
            scores[doc_id] = score
    return scores


def test_keywords_after_writes_match_brute_force_and_a_fresh_index(max_parts, tmp_path):
    rng = random.Random(11)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(1, 9))) for _ in range(600)]
    state = {"index": BM25Index(split)}
    kept = []

    def clone():
        old = state["index"]
        kept.append((old, {w: old.search([w], 1000) for w in WORDS[:4]}))
        state["index"] = old.clone()
    live = history(9, lambda ids, p: state["index"].add(ids, [texts[i] for i in p]),
                   lambda ids: state["index"].remove(ids), clone)
    docs = {i: texts[p] for i, p in live.items()}
    index, fresh = state["index"], BM25Index(split)
    fresh.add(list(docs), list(docs.values()))
    for got in (index, _reloaded_keywords(index, tmp_path)):
        assert got.count() == len(docs)
        for query in (["党建"], ["谈心", "谈话", "党建"], WORDS[5:12], ["没有这个词"]):
            want = brute_bm25(docs, query)
            hits = got.search(query, 1000)
            assert {i: s for i, s, _ in hits} == pytest.approx(want, rel=1e-12)
            # best first (scores equal in exact arithmetic may differ in the last bit, so may come either way)
            assert all(want[a] >= want[b] - 1e-9 for a, b in zip([i for i, *_ in hits], [i for i, *_ in hits][1:]))
            assert [(i, m) for i, _, m in hits] == [(i, m) for i, _, m in fresh.search(query, 1000)]
            some = set(list(docs)[::2])
            best = sorted((s for i, s in want.items() if i in some), reverse=True)[:3]
            assert [s for _, s, _ in got.search(query, 3, allowed=some)] == pytest.approx(best, rel=1e-12)
    for old, answers in kept:  # copy-on-write: later writes do not reach an index readers hold
        assert {w: old.search([w], 1000) for w in WORDS[:4]} == answers


def test_keyword_parts_are_shared_not_rebuilt():
    index = BM25Index(split)
    index.add(list(range(100)), [" ".join(WORDS[i % 7:i % 7 + 3]) for i in range(100)])
    index.search(["党建"], 5)
    big = index._current()[-1].part
    writer = index.clone()
    writer.remove([3, 4])
    writer.add([100], ["党建 党建"])
    assert writer.search(["党建"], 1)[0][0] == 100
    assert writer._blocks[0].part is big and big._matrix is not None  # the same matrix, not a new one
    assert (index.count(), writer.count()) == (100, 99)
    assert 3 in [i for i, _, _ in index.search(["谈话"], 100)] and 3 not in [i for i, _, _ in writer.search(["谈话"], 100)]


def _reloaded_keywords(index, tmp_path):
    folder = tmp_path / "bm25"
    folder.mkdir(exist_ok=True)
    index.save(folder)
    return BM25Index.load(folder, split)


def test_saved_search_matrix_is_used_and_equals_a_built_one(tmp_path):
    index = BM25Index(split)
    rng = random.Random(5)
    index.add(list(range(200)), [" ".join(rng.choices(WORDS, k=rng.randint(1, 9))) for _ in range(200)])
    index.remove(list(range(0, 200, 7)))
    loaded = _reloaded_keywords(index, tmp_path)
    part = loaded._blocks[0].part
    assert part._matrix is not None  # read from the file, not built
    saved = part._matrix.copy()
    part._matrix = None
    built = part.matrix()
    assert (saved != built).nnz == 0 and np.array_equal(saved.indices, built.indices)
    for word in WORDS:
        assert loaded.search([word], 50) == index.search([word], 50)
