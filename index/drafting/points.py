"""What counts as a point of an outline: a paragraph that says something, not one that announces a list."""
from __future__ import annotations

import re

# An old ordinal at the start of a point: （一） 一、 一是 第一， 1.
MARKER = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[是、]|第[一二三四五六七八九十]+[，,、]?"
                    r"|\d{1,2}[.．、](?!\d))\s*")
# The clause announcing a list that opens its first point's chunk (究其主要原因，一是… / …原因在于：一是…).
LEAD_CLAUSE = re.compile(r"^[^。！？!?；;]{0,60}?[，,：:]\s*(?=[一二三四五六七八九十]+是)")
# Words that announce what follows: 主要表现在以下三个方面 / 存在以下问题 / 主要有以下几点 / 具体如下 / 述职如下.
_ANNOUNCE = re.compile(r"主要表现[在为]|表现在以下|存在以下|有以下|以下[一二三四五六七八九十几两\d]+(?:个方面|方面|点|条)"
                       r"|如下|下列[^。；]{0,8}(?:方面|问题|几点)")
# The stock concession before a shortfall list: 虽然做了一些工作…但仍存在不足 / 尽管取得了一定成效，但…差距.
_CONCESSION = re.compile(r"(?:虽然|尽管|虽)[^。；]{0,30}?(?:做了|取得了?)[^。；]{0,6}?(?:一些|一定|部分)?"
                         r"(?:工作|成绩|成效|进步|进展)[^。]*?(?:但|还|仍)[^。]*?(?:不足|差距|问题|短板|薄弱)")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_PUNCT = re.compile(r"[\s\W_]+")
OWN_CONTENT = 10  # characters after an announcement below which nothing of its own follows it
BARE_CHARS = 60  # a one-sentence paragraph up to this long, with no figures, says nothing by itself
CONCESSION_CHARS = 80  # a concession formula with little around it is still only a transition


def is_lead_in(text: str, before_points: bool = False) -> bool:
    """True for a paragraph that only introduces a list of points, so it must not be numbered as one.

    `before_points`: the paragraph directly precedes numbered points of the same section (from the
    document's structure); then a short single sentence without figures is a bare lead-in.
    """
    text = text.strip()
    if not text or MARKER.match(text):
        return False
    if text.endswith(("：", ":")):
        return True
    if _announces_only(text):
        return True
    if len(text) <= CONCESSION_CHARS and _CONCESSION.search(text) and _sentences(text) <= 2:
        return True
    return before_points and _is_bare(text)


def _announces_only(text: str) -> bool:
    """An announcement (…主要表现在以下三个方面) followed by next to nothing of its own."""
    last = None
    for last in _ANNOUNCE.finditer(text):
        pass
    if last is None:
        return False
    return len(_PUNCT.sub("", text[last.end():])) < OWN_CONTENT


def _is_bare(text: str) -> bool:
    # Figures (X, digits, %) are facts; a sentence with them reports something.
    return len(text) <= BARE_CHARS and _sentences(text) <= 1 and not re.search(r"[\dX%％]", text)


def _sentences(text: str) -> int:
    return len([part for part in _SENTENCE_END.split(text) if part.strip()])


def precedes_points(snap, chunk) -> bool:
    """The chunk sits at section level and the next chunk of its report continues the section with a marked point."""
    if MARKER.match(chunk.text) or len(chunk.heading_path) > 1:
        return False
    order = snap.by_doc.get(chunk.doc, [])
    pos = order.index(chunk.id) if chunk.id in order else -1
    follower = snap.chunks.get(order[pos + 1]) if 0 <= pos < len(order) - 1 else None
    return bool(follower and follower.role == chunk.role and follower.heading_path[:1] == chunk.heading_path[:1]
                and (MARKER.match(follower.text) or len(follower.heading_path) > 1))
