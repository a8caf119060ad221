"""The lead-in rule (index/drafting/points.py) on real lines of corpus/, and outlines built without lead-ins."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from fanwen.index.drafting.points import is_lead_in

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def line(prefix: str) -> str:
    """The corpus line that starts with prefix, so every case below is text a real report contains."""
    found = [text.strip() for path in sorted(CORPUS.glob("*.txt"))
             for text in path.read_text(encoding="utf-8").splitlines() if text.strip().startswith(prefix)]
    assert len(found) == 1, (prefix, found)
    return found[0]


def first_sentence(text: str) -> str:
    return re.split(r"(?<=。)", text, maxsplit=1)[0]


def head(text: str, cue: str) -> str:
    """The line up to and including the announcement that ends with cue (…以下三个方面：), points cut off."""
    return text[:text.index(cue) + len(cue)]


LEAD_INS = [  # (text, before_points)
    (line("2020年，在抓基层党建方面，虽然做了一些工作"), False),  # the stock concession, no colon
    (line("牢固树立“抓好党建是最大政绩”的理念"), False),  # …主要有以下六个方面：
    (line("2020年，我将坚持以习近平新时代中国特色社会主义思想为指导"), False),  # …重点抓好以下五个方面：
    (line("下面，我将一年以来抓党建工作情况述职如下"), False),
    (head(line("在总结成绩的同时，我也清醒地认识到"), "主要表现在以下三个方面："), False),
    (first_sentence(line("在总结成绩的同时，我也清醒地认识到")), False),  # 尽管…做了一些工作…但…差距。
    (head(line("经过深刻剖析，我认为产生上述问题原因在于"), "原因在于："), False),
    (head(line("在总结成绩的同时，我也清醒地认识到"), "主要表现在以下三个方面：").rstrip("："), False),  # cue, no colon
    (line("总体目标：以惠民利民为宗旨"), True),  # a bare one-sentence preamble right before （一）…
]
POINTS = [
    (line("一是政治理论学习不够主动、深入"), False),
    (line("（四）“两新”组织党建管理不到位"), False),
    (line("在总结成绩的同时，我也清醒地认识到"), False),  # the announcement followed by its three points
    (line("经过深刻剖析，我认为产生上述问题原因在于"), False),
    (line("下一步，我将继续认真履行党建第一责任人职责"), True),  # a preamble with a programme of its own
    (line("针对上年查摆出来的“对党建工作重要性和紧迫性认识模糊”"), False),
    (line("全力做好对口帮扶精准脱贫工作"), True),  # unmarked point under its own heading: long, with figures
    (line("总体目标：以惠民利民为宗旨"), False),  # without structure it is a statement of aims, not a lead-in
]


@pytest.mark.parametrize("text, before_points", LEAD_INS, ids=[t[:16] for t, _ in LEAD_INS])
def test_lead_ins_are_not_points(text, before_points):
    assert is_lead_in(text, before_points)


@pytest.mark.parametrize("text, before_points", POINTS, ids=[t[:16] for t, _ in POINTS])
def test_points_are_points(text, before_points):
    assert not is_lead_in(text, before_points)


def test_outlines_number_no_lead_in(corpus_library):
    """On topics in and off the library, no slot or alternate is a lead-in (the 政府办 concession included)."""
    from fanwen.index.drafting.outline import build_outline
    from fanwen.index.drafting.points import precedes_points

    snap = corpus_library.snapshot
    concession = next(c.id for c in snap.chunks.values() if c.text.startswith("2020年，在抓基层党建方面"))
    for topic in ("县医院院长年度述职述廉报告", "政府办党组书记抓基层党建工作述职", "存在的问题 不足 差距"):
        outline = build_outline(corpus_library, topic, counts={"problems": 5, "plans": 6})
        for slot in outline.slots():
            if slot.role in ("opening", "closing"):
                continue
            for exemplar in [slot.exemplar] + slot.alternates:
                chunk = snap.chunks[exemplar.id]
                assert not is_lead_in(chunk.text, precedes_points(snap, chunk)), (topic, slot.key, chunk.text)
                assert chunk.id != concession


def test_a_point_opened_by_the_clause_announcing_its_list_keeps_the_clause_and_the_outline_cuts_it(corpus_library):
    """The index holds each clause announcing a list (once dropped by chunking); an outline's point starts after it."""
    from fanwen.index.drafting.outline import point_body

    snap = corpus_library.snapshot
    for clause in ("究其主要原因，一是思想认识不到位", "经过深刻剖析，我认为产生上述问题原因在于：一是存在避难就易心理"):
        assert clause in line(clause[:6])
        chunk = next(c for c in snap.chunks.values() if c.text.startswith(clause))
        assert chunk.role == "causes"
        body = point_body(snap, chunk)
        assert body.startswith(clause.split("一是")[1]) and body in chunk.text
