"""PostgreSQL duplicate marks: the library's candidates read in SQL beside the embedding give exactly
find_duplicates' marks, through multi-report writes, replacements and removals."""
import random

import numpy as np
import pytest

from fanwen.index.library import Library
from fanwen.index.storage import pg_dedup
from fanwen.index.storage.chunk_keys import BUCKETS, bucket_counts, bucket_screen, gram_keys
from fanwen.index.storage.dedup import PrefixIndex, THRESHOLD, find_duplicates, shingles, verifiable
from tests.test_incremental import CountingEmbedder, report


def exact(lib) -> bool:
    chunks = lib.snapshot.all_chunks()
    expected = find_duplicates([(c.id, c.doc, c.text) for c in chunks.values()])
    return {cid: c.dup_of for cid, c in chunks.items() if c.dup_of is not None} == expected


@pytest.fixture
def spied(monkeypatch):
    """Counts the chunks whose library candidates were read beside the embedding (the real function runs)."""
    seen = []
    real = pg_dedup.library_candidates

    def spy(conn, new):
        seen.extend(c.id for c in new)
        return real(conn, new)

    monkeypatch.setattr(pg_dedup, "library_candidates", spy)
    return seen


def test_marks_read_beside_the_embedding_equal_comparing_everything(pg_url, tmp_path, spied):
    rng, docs = random.Random(5), tmp_path / "docs"
    docs.mkdir()
    lib = Library(tmp_path / "home", CountingEmbedder(), database_url=pg_url)
    for step in range(5):
        for i in range(3):  # three reports per write: duplicates inside one write too
            (docs / f"r{step}-{i}.txt").write_text(report(rng, f"报告{step}{i}"), encoding="utf-8")
        if step:  # a replaced report, whose new text repeats its old paragraphs: those must not be its twins
            old = docs / f"r{step - 1}-0.txt"
            old.write_text(old.read_text(encoding="utf-8") + report(rng, "补充") , encoding="utf-8")
        lib.add_paths([docs])
        assert exact(lib)
        if step % 2:
            lib.remove(rng.choice(sorted(lib.snapshot.docs)))
            assert exact(lib)
    chunks = lib.snapshot.all_chunks()
    assert any(c.dup_of is not None for c in chunks.values())
    assert len(spied) >= len(chunks)  # every added chunk went through the read beside


def test_an_error_in_the_read_beside_fails_the_write_and_changes_nothing(pg_url, tmp_path, monkeypatch):
    lib = Library(tmp_path / "home", CountingEmbedder(), database_url=pg_url)
    first = tmp_path / "a.txt"
    first.write_text(report(random.Random(1), "甲"), encoding="utf-8")
    lib.add_file(first)
    before = lib.snapshot.all_chunks()

    def broken(conn, new):
        raise RuntimeError("lost the second connection")

    monkeypatch.setattr(pg_dedup, "library_candidates", broken)
    second = tmp_path / "b.txt"
    second.write_text(report(random.Random(2), "乙"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="second connection"):
        lib.add_file(second)
    assert sorted(lib.snapshot.docs) == ["a"] and lib.snapshot.all_chunks().keys() == before.keys()


def test_the_sql_filter_keeps_what_the_in_memory_filter_keeps(pg_url, tmp_path):
    """SqlPrefixIndex.verifiable (positional filter in SQL, then the bucket counts) against dedup.verifiable over
    the same postings, then chunk_keys.bucket_screen on the keys held in memory."""
    rng, docs = random.Random(8), tmp_path / "docs"
    docs.mkdir()
    for i in range(8):
        (docs / f"r{i}.txt").write_text(report(rng, f"报告{i}"), encoding="utf-8")
    lib = Library(tmp_path / "home", CountingEmbedder(), database_url=pg_url)
    lib.add_paths([docs])
    chunks = lib.snapshot.all_chunks()
    memory = PrefixIndex((PrefixIndex.part([(cid, c.text) for cid, c in sorted(chunks.items())]),))
    with lib.engine.connection() as conn:
        sql = pg_dedup.SqlPrefixIndex(conn)
        kept = 0
        for cid, chunk in sorted(chunks.items()):
            grams = shingles(chunk.text + rng.choice("的了和"))  # a near-copy, not the chunk itself
            for below in (cid, cid + 1, 10**9):
                expected = verifiable(memory, grams, below, THRESHOLD)
                stored = memory.stored(expected.tolist())
                counts = np.array([bucket_counts(stored[c][1]) for c in expected.tolist()], dtype=np.uint8)
                sizes = np.array([stored[c][0] for c in expected.tolist()])
                expected = expected[bucket_screen(gram_keys(grams), len(grams), sizes, counts.reshape(-1, BUCKETS),
                                                  THRESHOLD)]
                assert np.array_equal(sql.verifiable(grams, below, THRESHOLD), expected)
                kept += len(expected)
    assert kept > len(chunks)  # most chunks have candidates: the comparison is not of empty lists


def test_a_v4_database_gets_every_chunk_s_bucket_counts_and_still_finds_duplicates(pg_url, tmp_path, monkeypatch):
    """Schema v5 computes fanwen_buckets from the shingle keys already stored (in batches), and a write after
    the upgrade screens the old chunks by them: the duplicates are still exactly find_duplicates'."""
    import psycopg

    from fanwen.index.storage import pg_schema
    from tests.test_postgres import downgrade

    monkeypatch.setattr(pg_schema, "BACKFILL_BATCH", 2)  # several batches (4 × 2 rows) on a small library
    rng, docs = random.Random(12), tmp_path / "docs"
    docs.mkdir()
    paths = []
    for i in range(4):
        paths.append(docs / f"r{i}.txt")
        paths[-1].write_text(report(rng, f"报告{i}"), encoding="utf-8")
    old = Library(tmp_path / "a", CountingEmbedder(), database_url=pg_url)
    old.add_paths(paths[:3])
    downgrade(pg_url, 4)
    new = Library(tmp_path / "b", CountingEmbedder(), database_url=pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        rows = {r[0]: bytes(r[1]) for r in conn.execute("SELECT chunk_id, counts FROM fanwen_buckets")}
        texts = dict(conn.execute("SELECT id, text FROM fanwen_chunks").fetchall())
    assert len(rows) == len(texts) > 8
    assert rows == {cid: bucket_counts(gram_keys(shingles(text))).tobytes() for cid, text in texts.items()}
    copy = tmp_path / "copy.txt"  # the same paragraphs under another name, lightly edited: duplicates
    copy.write_text(paths[0].read_text(encoding="utf-8").replace("。", "；", 2) + "\n附记。", encoding="utf-8")
    new.add_paths([copy, paths[3]])
    assert exact(new) and any(c.dup_of is not None for c in new.snapshot.all_chunks().values())
