"""Generic noise rules: page marks (also inside sentences), site chrome and bylines, repeated titles."""
from __future__ import annotations

import re
from collections import defaultdict

from fanwen.index.ingest.clean import Rules

CHROME_MAX = 60  # chrome lines are short; a longer line is text even when it names a site word
_CLAUSE = re.compile(r"[，。；,;]")
_FIELD = r"\s*[:：]"
_CRUMB = re.compile(r"[>»›]")
_COUNTER = re.compile(r"(?<![\d/.])(\d{1,3})\s*/\s*(\d{1,3})(?![\d/.])")
_CJK = re.compile(r"[\u3400-\u9fff]")


def is_page_mark(line: str, rules: Rules) -> bool:
    return any(p.search(line) for p in rules.pages)


def page_totals(lines: list[str], rules: Rules) -> set[int]:
    """Totals M of `n/M` page counters: seen on a page-mark line, or with several page numbers in the text.

    A lone fraction (1/3 的党员) has neither, so it stays.
    """
    numbers: dict[int, set[int]] = defaultdict(set)
    totals = set()
    for line in lines:
        for n, m in ((int(a), int(b)) for a, b in _COUNTER.findall(line)):
            if 0 < n <= m:
                numbers[m].add(n)
                if is_page_mark(line, rules):
                    totals.add(m)
    return totals | {m for m, seen in numbers.items() if len(seen) >= 2 and m >= 2}


def cut_page_counters(line: str, totals: set[int]) -> tuple[str, list[str]]:
    """Remove `n/M` counters that a copy left inside a sentence; returns the line and what was cut."""
    cut: list[str] = []

    def drop(match: re.Match) -> str:
        if int(match.group(2)) in totals and 0 < int(match.group(1)) <= int(match.group(2)):
            cut.append(match.group())
            return ""
        return match.group()

    return _COUNTER.sub(drop, line), cut


def site_words_in(line: str, rules: Rules) -> list[str]:
    found, rest = [], line
    for word in rules.site_words:
        if word in rest:
            found.append(word)
            rest = rest.replace(word, " ")
    return found


def is_chrome(line: str, rules: Rules) -> bool:
    """A short line of page furniture: a breadcrumb, labelled fields (作者：…), a row of buttons.

    Chrome never has clause punctuation (，。；), which report text always has; a short heading
    that names one site word (经验分享) keeps its content words and stays.
    """
    if len(line) > CHROME_MAX or _CLAUSE.search(line):
        return False
    if len(_CRUMB.findall(line)) >= 2:
        return True
    words = site_words_in(line, rules)
    if len(set(words)) >= 2:
        return True
    if any(re.search(re.escape(word) + _FIELD, line) for word in words):
        return True
    return bool(words) and _content_left(line, words) <= 2


def _content_left(line: str, words: list[str]) -> int:
    """CJK characters left once site words and button verbs are taken out."""
    for word in words + ["立即", "点此", "点击", "马上", "免费", "全文", "本文", "到"]:
        line = line.replace(word, "")
    return len(_CJK.findall(line))


def repeated_title(lines: list[str], title: str) -> list[int]:
    """Positions of later lines that only repeat the title (page headers, a host's heading)."""
    key = _bare(title)
    return [i for i, line in enumerate(lines) if key and _bare(line) == key][1:]


def _bare(text: str) -> str:
    return re.sub(r"[\s　]", "", text)

