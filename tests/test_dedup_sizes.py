"""Length- and position-filtered dedup candidates: the same best match as comparing all, old postings too."""
from __future__ import annotations

import random

from fanwen.index.storage.dedup import THRESHOLD, PrefixIndex, best_earlier, find_duplicates, jaccard, shingles

WORDS = "加强党的建设 落实主体责任 开展谈心谈话 深化作风建设 推进基层治理 完善考核机制 强化理论学习 狠抓工作落实".split()


def texts(n: int, seed: int = 3) -> list[tuple[int, str, str]]:
    rng, rows = random.Random(seed), []
    for cid in range(n):
        base = rows[rng.randrange(cid)][2] if cid and rng.random() < 0.4 else "".join(rng.sample(WORDS, 4))
        # near copies of an earlier chunk, some longer (outside the size band), some slightly edited
        text = base + ("".join(rng.sample(WORDS, rng.choice([0, 1, 4]))) if rng.random() < 0.6 else "")
        rows.append((cid, f"d{cid // 3}", text))
    return rows


def brute(cid: int, doc: str, text: str, rows) -> tuple[int | None, float]:
    best, score = None, 0.0
    for other, other_doc, other_text in rows:
        if other < cid and other_doc != doc:
            value = jaccard(shingles(text), shingles(other_text))
            if value > score:
                best, score = other, value
    return best, score


def test_size_filter_keeps_every_match_at_the_threshold():
    rows = texts(300)
    part = PrefixIndex.part([(cid, text) for cid, _, text in rows])
    # full postings, and postings written before sizes and places were kept
    indexes = [PrefixIndex().with_part(part), PrefixIndex().with_part(part[:2]), PrefixIndex().with_part(part[:3])]
    lookup = {cid: (doc, text) for cid, doc, text in rows}.get
    dups = 0
    for cid, doc, text in rows:
        want = brute(cid, doc, text, rows)
        for index in indexes:
            got = best_earlier(cid, doc, text, index, lookup)
            if want[1] >= THRESHOLD:
                assert got == want
            else:
                assert got[1] < THRESHOLD
        dups += want[1] >= THRESHOLD
    assert dups > 30  # the test data has duplicates to find
    assert len(find_duplicates(rows)) == sum(
        1 for cid, doc, text in rows if brute(cid, doc, text, rows)[1] >= THRESHOLD)


def test_merged_parts_carry_sizes_and_places():
    index = PrefixIndex().with_part(PrefixIndex.part([(1, "加强党的建设落实主体责任"), (2, "开展谈心谈话")]))
    keys, ids, sizes, places = index.merged()[:4]
    assert len(keys) == len(ids) == len(sizes) == len(places)
    assert {int(i): int(s) for i, s in zip(ids, sizes)} == {1: len(shingles("加强党的建设落实主体责任")),
                                                              2: len(shingles("开展谈心谈话"))}


def test_the_filter_over_every_shared_key_reads_fewer_candidates_and_misses_no_match():
    """As the generated libraries of the scale bench: chunks of four sentences out of a small pool, a new
    paragraph of two. The positional filter over every shared prefix key (not only the first) keeps fewer
    candidates, each of which would cost a text read and its shingles, and still every match."""
    from fanwen.index.storage.dedup import verifiable

    rng = random.Random(5)
    chars = "".join(WORDS) + "总结经验查找不足明确今后努力方向推动再上新台阶组织生活制度规范监督考核评价"
    pool = ["".join(rng.choice(chars) for _ in range(rng.randint(12, 40))) + "。" for _ in range(60)]
    library = [(cid, "".join(rng.sample(pool, 4 if cid < 1500 else 2))) for cid in range(1800)]
    index = PrefixIndex().with_part(PrefixIndex.part(library))
    fewer = matched = 0
    for n in range(40):  # half of them a library paragraph with two characters changed: real matches
        text = library[1500 + n][1] if n % 2 else "".join(rng.sample(pool, 2))
        new = shingles(text[:5] + "党建" + text[7:])
        first_key_only = verifiable_by_first_key(index, new)
        kept = verifiable(index, new, 10**6, THRESHOLD).tolist()
        matches = {cid for cid, other in library if jaccard(new, shingles(other)) >= THRESHOLD}
        assert matches <= set(kept)
        fewer, matched = fewer + len(first_key_only) - len(kept), matched + len(matches)
    assert fewer > 0 and matched > 0


def verifiable_by_first_key(index, grams) -> list[int]:
    """The candidates the first shared prefix key's bound alone keeps (the filter before this one)."""
    import numpy as np

    from fanwen.index.storage.dedup import prefix_of

    ids, sizes, places, probe = (np.concatenate(a).astype(np.int64) for a in zip(*index.matches(prefix_of(grams))))
    n = len(grams)
    bound = 1 + np.minimum(n - 1 - probe, sizes - 1 - places)
    need = np.ceil(THRESHOLD / (1 + THRESHOLD) * (n + sizes) - 1e-9)
    inside = (sizes >= THRESHOLD * n - 1e-9) & (sizes * THRESHOLD <= n + 1e-9)
    return sorted({int(i) for i, b, w, ok in zip(ids, bound, need, inside) if ok and b >= w})


def test_jaccard_reaching_gives_up_only_on_texts_below_the_floor():
    """The early exit of the copy check's verification: the exact Jaccard whenever it reaches the floor, None
    only when it does not, on near-copies edited in every way (and on texts shorter than a shingle)."""
    from fanwen.index.storage.dedup import closest, jaccard_reaching

    rows = texts(300, seed=9) + [(300, "d100", "党建"), (301, "d100", "")]
    gave_up = 0
    for _, _, text in rows[::7]:
        grams = shingles(text)
        for _, _, other in rows:
            exact = jaccard(grams, shingles(other))
            for floor in (0.0, 0.5, THRESHOLD, 1.0):
                got = jaccard_reaching(grams, other, floor)
                assert got == exact if exact >= floor else got in (None, exact)
                gave_up += got is None
    assert gave_up > 0
    lookup = {cid: (doc, text) for cid, doc, text in rows}.get
    for cid, doc, text in rows[::5]:
        best, score = brute(10**6, doc, text, rows)
        got = closest(shingles(text), doc, [c for c, _, _ in rows], lookup, THRESHOLD)
        assert got == ((best, score) if score >= THRESHOLD else (None, 0.0))
        assert closest(shingles(text), doc, [c for c, _, _ in rows], lookup) == (best, score)


def test_screening_by_stored_keys_keeps_every_candidate_that_reaches_the_floor():
    """What a write screens candidates with instead of their texts: every candidate whose exact Jaccard
    reaches the floor stays, most that fall short go, and a candidate with nothing stored stays."""
    from fanwen.index.storage.chunk_keys import gram_keys, screen

    rows = texts(300, seed=11) + [(300, "d100", "党建"), (301, "d100", "")]
    stored = {cid: (len(shingles(text)), gram_keys(shingles(text))) for cid, _, text in rows}
    stored[5] = (0, gram_keys(set()))  # a chunk without a stored row
    dropped = 0
    for _, _, text in rows[::3]:
        grams = shingles(text)
        for floor in (0.5, THRESHOLD, 1.0):
            kept = set(screen(gram_keys(grams), len(grams), [c for c, _, _ in rows], stored, floor))
            reaching = {cid for cid, _, other in rows if jaccard(grams, shingles(other)) >= floor}
            assert reaching | {5} <= kept
            dropped += len(rows) - len(kept)
    assert dropped > 300 * len(rows[::3])  # it screens: most of the 302 candidates never need their text


def test_screening_allows_for_two_shingles_sharing_a_key():
    """A set whose own shingles collide in crc32 has fewer keys than shingles; the overlap bound adds the
    difference back, so a copy is never screened out by a collision."""
    import numpy as np

    from fanwen.index.storage.chunk_keys import screen

    grams = {"甲乙丙丁", "乙丙丁戊", "丙丁戊己", "丁戊己庚", "戊己庚辛"}
    keys = np.array([1, 2, 3, 4], dtype=np.uint32)  # five shingles, two sharing key 4
    stored = {7: (5, np.array([1, 2, 3, 4], dtype=np.uint32))}  # the same five shingles, seen the same way
    assert screen(keys, len(grams), [7], stored, 1.0) == [7]
    stored = {7: (5, np.array([1, 2, 9, 10], dtype=np.uint32))}  # shares at most 2 + 1 of 5: J <= 3/7
    assert screen(keys, len(grams), [7], stored, THRESHOLD) == []


def test_a_segment_saved_without_chunk_keys_gets_them_from_its_texts(tmp_path):
    """An index written before chunk keys were kept: reading its dedup postings computes them, so its
    chunks are screened like new ones (and chunks removed since are left out)."""
    import numpy as np

    from fanwen.index.records import Chunk
    from fanwen.index.storage import chunk_keys, segments
    from fanwen.index.storage.chunk_keys import gram_keys

    rows = texts(40, seed=4)
    keys, ids, sizes, places, *_ = PrefixIndex.part([(cid, text) for cid, _, text in rows])
    np.savez(tmp_path / segments.DEDUP_FILE, keys=keys, ids=ids, sizes=sizes, places=places)
    chunks = {cid: Chunk(cid, doc, text, [], "achievements", 0, -1, 0, len(text)) for cid, doc, text in rows[:-3]}
    stored = segments.read_dedup([tmp_path], chunks).stored([cid for cid, _, _ in rows])
    for cid, _, text in rows:
        want = (len(shingles(text)), gram_keys(shingles(text))) if cid in chunks else (0, gram_keys(set()))
        assert stored[cid][0] == want[0] and np.array_equal(stored[cid][1], want[1])
    with np.load(tmp_path / segments.DEDUP_FILE) as saved:  # kept for the next process, postings unchanged
        assert set(saved.files) == {"keys", "ids", "sizes", "places", *chunk_keys.NAMES}
        assert np.array_equal(saved["keys"], keys) and np.array_equal(saved["places"], places)
    again = segments.read_dedup([tmp_path], {}).stored([cid for cid, _, _ in rows])  # no texts needed now
    assert all(np.array_equal(again[c][1], stored[c][1]) for c in again)
    assert [p.name for p in tmp_path.iterdir()] == [segments.DEDUP_FILE]


def test_bucket_counts_keep_every_candidate_the_keys_keep_and_drop_most():
    """What PostgreSQL screens candidates with before reading their keys: the sum over buckets of the smaller
    count bounds the shared keys from above, so every candidate the keys keep (and so every one reaching the
    floor) stays; on these near-copies most of the others still go."""
    import numpy as np

    from fanwen.index.storage.chunk_keys import BUCKETS, bucket_counts, bucket_screen, gram_keys, screen

    rows = texts(300, seed=13)
    stored = {cid: (len(shingles(text)), gram_keys(shingles(text))) for cid, _, text in rows}
    ids = [cid for cid, _, _ in rows]
    sizes = np.array([stored[c][0] for c in ids])
    counts = np.array([bucket_counts(stored[c][1]) for c in ids]).reshape(-1, BUCKETS)
    by_keys = by_buckets = 0
    for _, _, text in rows[::5]:
        grams = shingles(text)
        keys = gram_keys(grams)
        for floor in (0.5, THRESHOLD, 1.0):
            kept = set(np.asarray(ids)[bucket_screen(keys, len(grams), sizes, counts, floor)].tolist())
            screened = set(screen(keys, len(grams), ids, stored, floor))
            assert screened <= kept
            by_keys, by_buckets = by_keys + len(screened), by_buckets + len(kept)
    assert by_buckets < 0.2 * len(rows) * len(rows[::5]) * 3  # it screens
    assert by_keys <= by_buckets


def test_a_bucket_both_sides_fill_to_255_bounds_nothing():
    """Counts are kept in one byte: 255 means 255 or more. One full side is still bounded by the other's
    count; when both are full the candidate is kept."""
    import numpy as np

    from fanwen.index.storage.chunk_keys import BUCKETS, bucket_counts, bucket_screen

    crowded = np.arange(0, 300 * BUCKETS, BUCKETS, dtype=np.uint32)  # 300 keys, all in bucket 0
    assert bucket_counts(crowded)[0] == 255 and bucket_counts(crowded)[1:].sum() == 0
    other = np.arange(1, 300 * BUCKETS, BUCKETS, dtype=np.uint32)  # 300 keys in bucket 1
    counts = np.stack([bucket_counts(crowded), bucket_counts(other)])
    keep = bucket_screen(crowded + 7 * BUCKETS, 300, np.array([300, 300]), counts, THRESHOLD)
    assert keep.tolist() == [True, False]  # may share all 300 keys of bucket 0; shares none with bucket 1
