"""Heading numbers read as values, so a part numbered in the wrong form (一、 2、 三、 4、) is still a part."""
from __future__ import annotations

import re
from collections.abc import Callable

from fanwen.index.ingest.blocks import NUMERALS
from fanwen.index.ingest.roles import section_role

_NUMBER = re.compile(rf"^[（(]?([{NUMERALS}]{{1,3}}|\d{{1,2}})")


def ordinal(heading: str) -> int | None:
    """The value of a heading's number: 三、 → 3, （4） → 4, 十二、 → 12; None without one."""
    match = _NUMBER.match(heading)
    if match is None:
        return None
    word = match.group(1)
    if word.isdigit():
        return int(word)
    if "十" not in word:
        return NUMERALS.index(word) + 1 if len(word) == 1 else None
    tens, _, ones = word.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (NUMERALS.index(tens) + 1 if tens else 1) * 10 + (NUMERALS.index(ones) + 1 if ones else 0)


def misplaced_part(heading: str, level: int, path: dict[int, str], sibling: Callable[[], int]) -> bool:
    """A heading below the top level that does not go on from its own level's number (`sibling()`, the number of
    the line above it at its level under the same parent, 0 for none: 2、 with no 1、) but goes on from the top
    heading's (2 after 一、), and names another part of the report than the top heading: a part heading whose
    number took another form, as in a draft merged from several offices (一、履职情况… （4）… 2、存在的主要问题)."""
    if not path or level <= min(path):
        return False
    top = path[min(path)]
    number, top_number = ordinal(heading), ordinal(top)
    if number is None or top_number is None or number != top_number + 1:
        return False
    named, top_named = section_role(heading), section_role(top)
    return None not in (named, top_named) and named != top_named and number != sibling() + 1
