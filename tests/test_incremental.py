"""Writes that cost what changed: segments shared between generations, exact incremental dedup, resumable indexing."""
import random
import zlib

import numpy as np
import pytest

from fanwen.index import library as library_module
from fanwen.index.library import Library
from fanwen.index.storage.dedup import find_duplicates
from fanwen.index.storage.generations import current_generation

SENTENCES = ["严格落实三会一课制度，全年召开支部党员大会十二次。", "推行网格化管理，组建党员志愿服务队解决群众难题。",
             "协调资金改造老旧小区管网和楼道照明，居民满意度明显提升。", "部分党员理论学习不够深入，学用结合不紧。",
             "深化智慧社区建设，推广线上议事平台，让居民少跑腿。", "机关食堂浪费现象时有发生，节约意识还需加强。",
             "开展红色教育基地参观学习活动，党员受教育面达九成。", "层层签订党建目标责任书，压实管党治党责任。"]


class CountingEmbedder:
    """Bag-of-characters vectors: fast, deterministic, and counts every text it embeds."""

    name, dim, max_tokens = "test/char-hash", 64, 256

    def __init__(self):
        self.embedded = []

    def _vectors(self, texts):
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in zip(rows, texts):
            for ch in text:
                row[zlib.crc32(ch.encode()) % self.dim] += 1.0
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-6)

    def embed_passages(self, texts):
        self.embedded.extend(texts)
        return self._vectors(texts)

    def embed_queries(self, texts):
        return self._vectors(texts)


def report(rng, title):
    body = [rng.choice(SENTENCES) + rng.choice(SENTENCES) for _ in range(rng.randint(2, 5))]
    return f"{title}\n一、主要工作\n" + "\n".join(body) + "\n"


def check_dedup_is_exact(lib):
    snap = lib.snapshot
    full = find_duplicates([(c.id, c.doc, c.text) for c in snap.chunks.values()])
    assert {cid: c.dup_of for cid, c in snap.chunks.items() if c.dup_of is not None} == full


def test_incremental_dedup_matches_comparing_everything(tmp_path):
    rng, docs = random.Random(3), tmp_path / "docs"
    docs.mkdir()
    lib = Library(tmp_path / "home", CountingEmbedder())
    for step in range(6):
        for i in range(3):
            (docs / f"r{step}-{i}.txt").write_text(report(rng, f"报告{step}{i}"), encoding="utf-8")
        lib.add_paths([docs])
        check_dedup_is_exact(lib)
        if step % 2:
            lib.remove(rng.choice(sorted(lib.snapshot.docs)))
            check_dedup_is_exact(lib)
    assert any(c.dup_of is not None for c in lib.snapshot.chunks.values())
    reopened = Library(lib.home, lib.embedder)  # tombstones and dup_of patches survive a reload
    assert {i: c.dup_of for i, c in reopened.snapshot.chunks.items()} == \
           {i: c.dup_of for i, c in lib.snapshot.chunks.items()}


class SlowEmbedder(CountingEmbedder):
    """Embeds slowly, so the duplicate check that runs beside the embedding finishes first or fails first."""

    def embed_passages(self, texts):
        import time

        time.sleep(0.2)
        return super().embed_passages(texts)


def test_the_duplicate_check_beside_the_embedding_fails_the_write_it_belongs_to(tmp_path, monkeypatch):
    from fanwen.index import building

    rng, lib = random.Random(5), Library(tmp_path / "home", SlowEmbedder())
    (tmp_path / "a.txt").write_text(report(rng, "报告甲"), encoding="utf-8")
    lib.add_file(tmp_path / "a.txt")
    held, generation = sorted(lib.snapshot.docs), lib.snapshot.generation

    def broken(*args):
        raise RuntimeError("duplicate check failed")

    monkeypatch.setattr(building, "duplicate_marks", broken)
    (tmp_path / "b.txt").write_text(report(rng, "报告乙"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="duplicate check failed"):
        lib.add_file(tmp_path / "b.txt")
    assert sorted(lib.snapshot.docs) == held and lib.snapshot.generation == generation
    monkeypatch.undo()
    lib.add_file(tmp_path / "b.txt")  # the same write goes through once the check works
    check_dedup_is_exact(lib)


def test_a_failed_embedding_is_the_error_reported_even_when_the_check_beside_it_fails_too(tmp_path, monkeypatch):
    from fanwen.index import building

    class BrokenEmbedder(SlowEmbedder):
        def embed_passages(self, texts):
            raise RuntimeError("model failed")

    def broken(*args):
        raise ValueError("duplicate check failed")

    monkeypatch.setattr(building, "duplicate_marks", broken)
    lib = Library(tmp_path / "home", BrokenEmbedder())
    (tmp_path / "a.txt").write_text(report(random.Random(6), "报告丙"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="model failed"):
        lib.add_file(tmp_path / "a.txt")
    assert not lib.snapshot.docs


def test_every_chunk_s_shingle_keys_survive_writes_merges_and_a_reload(tmp_path, monkeypatch):
    """The keys duplicate detection screens candidates by (chunk_keys) are each live chunk's own, in every
    segment a write, a removal or a merge leaves, and after reopening."""
    from fanwen.index.storage import generations
    from fanwen.index.storage.chunk_keys import gram_keys
    from fanwen.index.storage.dedup import shingles

    monkeypatch.setattr(generations, "MAX_SEGMENTS", 3)  # the fourth and fifth writes merge
    rng, docs = random.Random(5), tmp_path / "docs"
    docs.mkdir()
    lib = Library(tmp_path / "home", CountingEmbedder())
    for step in range(5):
        (docs / f"r{step}.txt").write_text(report(rng, f"报告{step}"), encoding="utf-8")
        lib.add_paths([docs / f"r{step}.txt"])
        if step == 2:
            lib.remove("r1")
    reopened = Library(lib.home, lib.embedder)
    chunks = reopened.snapshot.chunks
    stored = reopened.snapshot.dedup_index().stored(sorted(chunks))
    assert len(chunks) > 5
    for cid, chunk in chunks.items():
        size, keys = stored[cid]
        assert size == len(shingles(chunk.text)) and np.array_equal(keys, gram_keys(shingles(chunk.text)))


def test_a_write_adds_a_segment_and_leaves_the_others_untouched(tmp_path, monkeypatch):
    from fanwen.index.storage import generations

    monkeypatch.setattr(generations, "DEAD_SHARE", 0.9)  # no compaction: half of this tiny library goes
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(report(random.Random(1), "甲"), encoding="utf-8")
    lib = Library(tmp_path / "home", CountingEmbedder())
    lib.add_paths([docs])
    first = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (lib.home / "segments").rglob("*") if p.is_file()}
    (docs / "b.txt").write_text(report(random.Random(2), "乙"), encoding="utf-8")
    lib.add_paths([docs])
    assert all((p.stat().st_ino, p.stat().st_mtime_ns) == seen for p, seen in first.items())
    assert [f.name for f in current_generation(lib.home).iterdir()] == ["manifest.json"]
    assert len(list((lib.home / "segments").iterdir())) == 2
    lib.remove("a")  # a removal writes no segment, only tombstones
    assert len(list((lib.home / "segments").iterdir())) == 2
    assert lib.snapshot.manifest["segments"][0]["dead_docs"] == ["a"]
    reopened = Library(lib.home, lib.embedder)
    assert sorted(reopened.snapshot.docs) == ["b"] and reopened.snapshot.vectors.count() == len(reopened.snapshot.chunks)


def test_many_writes_merge_small_segments(tmp_path, monkeypatch):
    from fanwen.index.storage import generations

    monkeypatch.setattr(generations, "MAX_SEGMENTS", 3)
    lib, rng = Library(tmp_path / "home", CountingEmbedder()), random.Random(5)
    for i in range(7):
        path = tmp_path / f"{i}.txt"
        path.write_text(report(rng, f"第{i}份"), encoding="utf-8")
        lib.add_file(path)
        assert len(lib.snapshot.manifest["segments"]) <= 3
    reopened = Library(lib.home, lib.embedder)
    assert sorted(reopened.snapshot.docs) == sorted(lib.snapshot.docs) and len(reopened.snapshot.docs) == 7
    assert reopened.snapshot.keywords.count() == len(reopened.snapshot.chunks) == reopened.snapshot.vectors.count()


def test_interrupted_folder_index_resumes_without_re_embedding(tmp_path, monkeypatch):
    monkeypatch.setattr(library_module, "COMMIT_FILES", 4)
    docs, rng = tmp_path / "docs", random.Random(9)
    docs.mkdir()
    for i in range(12):
        (docs / f"{i:02d}.txt").write_text(report(rng, f"文件{i}"), encoding="utf-8")
    embedder = CountingEmbedder()
    seen = []

    def stop_after_two_batches(done, total, label):
        seen.append((done, total))
        if len(lib.snapshot.docs) >= 8:
            raise KeyboardInterrupt

    lib = Library(tmp_path / "home", embedder)
    with pytest.raises(KeyboardInterrupt):
        lib.add_paths([docs], progress=stop_after_two_batches)
    assert len(Library(lib.home, embedder).snapshot.docs) == 8  # two committed batches survive
    assert all(total == seen[0][1] for _, total in seen) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    embedder.embedded.clear()
    again = Library(lib.home, embedder).add_paths([docs])
    assert len(again.unchanged) == 8 and len(again.documents) == 4
    assert len(embedder.embedded) == again.chunks  # only the four unfinished files were embedded
