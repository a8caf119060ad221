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
    keys, ids, sizes, places = index.merged()
    assert len(keys) == len(ids) == len(sizes) == len(places)
    assert {int(i): int(s) for i, s in zip(ids, sizes)} == {1: len(shingles("加强党的建设落实主体责任")),
                                                              2: len(shingles("开展谈心谈话"))}
