"""The chunk table reads segments on demand and keeps a writer's changes beside them: after random writes it holds
exactly what a plain dict holds, answers the column questions as a scan of every chunk would, and survives its
segment being deleted, a segment written before its columns were kept, and a reload."""
import dataclasses
import random
import shutil

import numpy as np
import pytest

from fanwen.index.records import ROLES, Chunk
from fanwen.index.storage import chunk_table
from fanwen.index.storage.chunk_rows import COLUMNS_FILE, SegmentRows
from fanwen.index.storage.chunk_table import ChunkTable
from fanwen.index.storage.filters import ChunkFilter
from fanwen.index.storage.segments import write_metadata
from fanwen.index.storage.chunk_rows import columns_of, write_columns

TEXTS = ["一是党建与业务工作融合不好。", "二是“三会一课”制度落实不到位。", "坚持抓党建促发展。", "下一步，我们将进一步压实责任。"]


def make_chunk(rng, cid, doc):
    return Chunk(cid, doc, rng.choice(TEXTS) + str(cid), ["二、存在的问题", f"（{rng.randint(1, 3)}）"],
                 rng.choice(ROLES), rng.randint(0, 9), rng.choice([-1, 0, 1]), rng.randint(0, 500),
                 rng.randint(500, 900), [(0, 2)] if rng.random() < 0.2 else [],
                 rng.choice([None, None, max(cid - 3, 0)]) if cid else None, round(rng.random(), 3))


def write_folder(folder, chunks):
    folder.mkdir()
    write_metadata(folder / "meta.sqlite", [], chunks)
    write_columns(folder / COLUMNS_FILE, columns_of(chunks))


def stored_library(tmp_path, rng):
    """Three segments (ids interleaved, as after a merge) with removed ids and dup_of patches; and the same as a
    dict."""
    ids = list(range(120))
    rng.shuffle(ids)
    parts, expected, folders = [sorted(ids[:60]), sorted(ids[60:100]), sorted(ids[100:])], {}, []
    for n, part in enumerate(parts):
        chunks = [make_chunk(rng, cid, f"doc{cid % 7}") for cid in part]
        write_folder(tmp_path / f"seg{n}", chunks)
        dead = rng.sample(part, 5)
        folders.append((tmp_path / f"seg{n}", dead))
        expected.update((c.id, c) for c in chunks if c.id not in dead)
    patches = {cid: (None if rng.random() < 0.5 else 0) for cid in rng.sample(sorted(expected), 8)}
    for cid, target in patches.items():
        expected[cid] = dataclasses.replace(expected[cid], dup_of=target)
    return ChunkTable.open(folders, patches), expected


def doc_order(chunks):
    """The reading order by a plain sort of every chunk, as the snapshot computed it before."""
    order = {}
    for chunk in sorted(chunks.values(), key=lambda c: (c.doc, c.start, c.id)):
        order.setdefault(chunk.doc, []).append(chunk.id)
    return order


def assert_same(table, expected, rng):
    assert len(table) == len(expected) and list(table) == sorted(expected)
    assert {cid: c.to_dict() for cid, c in table.items()} == {cid: c.to_dict() for cid, c in expected.items()}
    probe = rng.sample(range(-2, 200), 40)
    assert [cid in table for cid in probe] == [cid in expected for cid in probe]
    sample = rng.sample(sorted(expected), min(15, len(expected)))
    assert [table[cid].to_dict() for cid in sample] == [expected[cid].to_dict() for cid in sample]
    assert [c.to_dict() for c in chunk_table.many(table, sample)] == [expected[cid].to_dict() for cid in sample]
    assert chunk_table.roles_of(table, sample) == [expected[cid].role for cid in sample]
    roles = set(rng.sample(sorted(ROLES), 2))
    assert chunk_table.has_role(table, np.array(sample, dtype=np.int64), roles).tolist() == \
        [expected[cid].role in roles for cid in sample]
    by_doc = doc_order(expected)
    for chunk_filter in (ChunkFilter(roles=tuple(roles)), ChunkFilter(roles=tuple(roles), docs=("doc1", "doc3"))):
        passing = sorted(cid for cid, c in expected.items()
                         if c.role in roles and (not chunk_filter.docs or c.doc in chunk_filter.docs))
        assert chunk_filter.ids(by_doc, table).tolist() == chunk_filter.ids(by_doc, expected).tolist() == passing
    assert chunk_table.max_id(table) == max(expected, default=-1)
    for floor in (0.0, 0.5, 0.9):
        assert chunk_table.confident(table, floor) == chunk_table.confident(expected, floor)
    for floor in (-1, 30, 90):
        assert chunk_table.duplicates_above(table, floor) == chunk_table.duplicates_above(expected, floor)
    assert table.doc_order() == doc_order(expected) == chunk_table.doc_order(expected)


@pytest.mark.parametrize("seed, recent", [(1, 50_000), (2, 50), (3, 0)])
def test_random_writes_hold_what_a_dict_holds(tmp_path, seed, recent, monkeypatch):
    monkeypatch.setattr(chunk_table, "RECENT", recent)  # chunks read recently are kept: many, a few, none
    rng = random.Random(seed)
    table, expected = stored_library(tmp_path, rng)
    assert_same(table, expected, rng)
    next_id, before = 200, None
    for step in range(12):
        table, expected = table.copy(), dict(expected)
        for _ in range(rng.randint(1, 6)):
            action = rng.random()
            if action < 0.35:
                chunk = make_chunk(rng, next_id, f"doc{rng.randint(0, 9)}")
                table[next_id] = expected[next_id] = chunk
                next_id += 1
            elif action < 0.6 and expected:
                cid = rng.choice(sorted(expected))  # a changed dup_of: the record is replaced, not edited
                table[cid] = expected[cid] = dataclasses.replace(expected[cid], dup_of=None)
            elif expected:
                cid = rng.choice(sorted(expected))
                assert table.pop(cid).to_dict() == expected.pop(cid).to_dict()
        assert_same(table, expected, rng)
        if before is not None:  # changing the copy did not change the table it was copied from
            assert_same(*before, rng)
        before = (table, dict(expected))
    with pytest.raises(KeyError):
        table[next_id + 5]
    with pytest.raises(KeyError):
        del table[next_id + 5]


def test_reads_a_segment_deleted_after_it_was_opened(tmp_path):
    rng = random.Random(7)
    table, expected = stored_library(tmp_path, rng)
    for n in range(3):
        shutil.rmtree(tmp_path / f"seg{n}")  # a later write pruned it while a reader still holds this snapshot
    assert {cid: c.to_dict() for cid, c in table.items()} == {cid: c.to_dict() for cid, c in expected.items()}


def test_a_segment_without_columns_gets_them_from_its_rows_once(tmp_path):
    rng = random.Random(11)
    chunks = [make_chunk(rng, cid, f"doc{cid % 3}") for cid in range(30)]
    write_folder(tmp_path / "old", chunks)
    kept = (tmp_path / "old" / COLUMNS_FILE).read_bytes()
    (tmp_path / "old" / COLUMNS_FILE).unlink()  # as written before the columns were kept
    rows = SegmentRows(tmp_path / "old")
    assert (tmp_path / "old" / COLUMNS_FILE).read_bytes() == kept
    assert rows.ids.tolist() == list(range(30)) and [c.to_dict() for c in rows.scan()] == [c.to_dict() for c in chunks]


def test_a_written_library_reads_its_chunks_back_from_the_segments(writable_library):
    from fanwen.index.library import Library

    library = writable_library
    first = sorted(doc.id for doc in library.documents())[0]
    opened = {rows.folder: rows for rows in library.snapshot.chunks._segments}
    library.remove(first)
    snap = library.snapshot
    assert isinstance(snap.chunks, ChunkTable) and not snap.chunks._changed and not snap.chunks._hidden
    kept = [rows for rows in snap.chunks._segments if rows.folder in opened]
    assert kept and all(rows is opened[rows.folder] for rows in kept)  # segments the write kept are not re-read
    reopened = Library(library.home, library.embedder).snapshot
    assert {cid: c.to_dict() for cid, c in snap.chunks.items()} == {cid: c.to_dict() for cid, c in
                                                                   reopened.chunks.items()}
    assert snap.by_doc == reopened.by_doc and first not in snap.by_doc
    assert all(snap.chunks[cid].doc == doc for doc, ids in snap.by_doc.items() for cid in ids)


def test_a_writers_copy_gets_the_dedup_keys_read_in_the_background(corpus_home, embedder):
    import numpy as np

    from fanwen.index.retrieval.tokenize import default_tokenizer
    from fanwen.index.storage import segments
    from fanwen.index.storage.generations import load_snapshot

    snap = load_snapshot(corpus_home, default_tokenizer())
    assert snap.dedup is None and snap._reading is None  # opening does not read them
    work = snap.copy()
    assert snap._reading is not None and work._origin is snap  # the copy started the read
    keys = work.dedup_index()
    assert keys is snap.dedup_index() and work.copy().dedup_index() is keys  # read once, shared
    direct = segments.read_dedup(snap.folders, snap.chunks)
    assert all(np.array_equal(a, b) for mine, theirs in zip(keys.parts, direct.parts) for a, b in zip(mine, theirs))
