"""Report structure: title, numbered headings (一、/（一）/1./（1）) and inline points (一是…)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from fanwen.index.ingest.blocks import NUMERALS
from fanwen.index.ingest.cues import CAUSE_CUE
from fanwen.index.ingest.bullets import BULLETS
from fanwen.index.ingest.layout import heading_words
from fanwen.index.ingest.numbering import misplaced_part, ordinal
from fanwen.index.ingest.roles import CLOSING_CUE, section_role

_HEADING_PATTERNS = (
    (0, re.compile(rf"^(第[{NUMERALS}]{{1,3}}部分|[上中下]篇(\s|述|[:：]))")),  # above 一、: 第二部分 存在的问题和不足, 下篇 述廉
    (1, re.compile(rf"^[{NUMERALS}]{{1,3}}、")),
    (1, re.compile("^(?:[0-9]\uFE0F?\u20E3|\U0001F51F)")),  # a WeChat post's keycap numbers 1️⃣ 2️⃣ … 🔟
    # 第一，抓党建工作的主要做法和成效 alone on its line: a part heading; inside a sentence (第一，落实…；第二，…)
    # the same ordinal only lists points
    (1, re.compile(rf"^第[{NUMERALS}]{{1,3}}[，,、](?=[^。！？!?；;：:]{{2,36}}$)")),
    (2, re.compile(rf"^[（(][{NUMERALS}]{{1,3}}[）)]")),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]")),
    # 1.1 / 4.2 under 1. / 4. (a figure such as 1.2万 or 2.5% is no heading)
    (4, re.compile(r"^\d{1,2}[.．]\d{1,2}(?=[\u4e00-\u9fff])(?![万亿千百余多个名次元倍])")),
    # a speech's parts: 其次，查摆存在的主要问题。 alone on its line (only when it names a part: see _marker)
    (1, re.compile(r"^(首先|其次|再次|然后|最后)[，,](?=[^。！？!?；;：:]{2,30}。?$)")),
)
_SPOKEN = len(_HEADING_PATTERNS) - 1
MAX_HEADING = 40  # a heading sentence longer than this is prose that happens to start with a number
SIBLING_LOOKBACK = 200  # lines looked back for a heading's previous sibling
_SENTENCE_END = "。！？!?"
_POINT = re.compile(rf"([{NUMERALS}])是")
_POINT_BOUNDARY = set("。；;：:！？!?，,")


@dataclass
class Paragraph:
    """A body paragraph with the headings above it and its offsets in the cleaned text."""

    text: str
    heading_path: list[str]
    start: int
    index: int
    ends_report: bool = False  # the last paragraph of one report in a file holding several (a 汇编)


@dataclass
class Outline:
    title: str
    paragraphs: list[Paragraph]
    text: str  # the cleaned document text the offsets point into


def heading_level(line: str) -> int | None:
    """Numbering level of a line that starts with a heading marker, else None."""
    marker = _marker(line)
    return None if marker is None else _HEADING_PATTERNS[marker][0]


def _marker(line: str) -> int | None:
    """Which numbering a heading line uses (its pattern's place in _HEADING_PATTERNS)."""
    return next((k for k, (_level, pattern) in enumerate(_HEADING_PATTERNS) if pattern.match(line)
                 and (k != _SPOKEN or section_role(line))), None)  # 最后，感谢… is a sentence


def split_heading(line: str) -> tuple[str, str] | None:
    """(heading, body) when the line opens with a short numbered heading sentence.

    `一、主要做法和成效` → (that, ""); `（一）主责主业意识树的还不够牢。任职以来…` → (its first
    sentence without the full stop, the whole line), because the body keeps its heading sentence.
    """
    if heading_level(line) is None:
        return None
    cut = min((line.find(mark) for mark in _SENTENCE_END if mark in line), default=-1)
    if cut == -1:
        return (line, "") if len(line) <= MAX_HEADING else None
    heading = line[:cut]
    if len(heading) > MAX_HEADING:
        return None
    rest = line[cut + 1:].strip()
    return (heading, line) if rest else (heading, "")


DOC_TYPES = ("报告", "总结", "汇报", "发言", "材料", "讲话", "剖析", "清单", "方案", "计划", "记录")


def names_type(line: str) -> bool:
    """Ends in a document type word, before a bracketed year or note: …述职报告（2019）, …记录（根据录音整理）."""
    return re.sub(r"[（(][^（）()]{0,12}[）)]$", "", line).rstrip("0123456789").endswith(DOC_TYPES)


_REPORT = re.compile(r"述职|报告|总结|汇报")  # a report's title, not an account name ending in 材料


def is_report_title(line: str) -> bool:
    """A line that can only be a report's title: short, no sentence in it, naming its type (…述职报告)."""
    return looks_like_title(line) and names_type(line) and bool(_REPORT.search(line))


def looks_like_title(line: str) -> bool:
    """Short, no clause punctuation, not numbered, and not a salutation (尊敬的各位领导、同志们：)."""
    return len(line) <= MAX_HEADING and not any(p in line for p in "。；，,") and heading_level(line) is None \
        and not line.endswith(("：", ":"))


def is_list_item(line: str, next_line: str | None, next_style: int | None) -> bool:
    """A numbered sentence with nothing under it (the next line is numbered at its level or above, or it
    ends the text) is an item of a list, not a heading: `1. 深化“一支部一品牌”创建，力争…。` then `2. …`.
    Read as a heading, its words would be in no chunk."""
    if not any(mark in line for mark in "，,。") or next_style:
        return False
    if next_line is None or CLOSING_CUE.search(next_line):  # the last point before 以上述职…
        return True
    below = heading_level(next_line)
    return below is not None and below <= heading_level(line)


def starts_next_report(line: str, before: list[str]) -> bool:
    """A report's title right after another report's closing formula, in a 汇编 (`before`: the few lines or
    paragraphs above it; a signature may sit between)."""
    return is_report_title(line) and any(CLOSING_CUE.search(text) for text in before)


def _next_report(line: str, paragraphs: list[Paragraph]) -> bool:
    return len(paragraphs) >= 3 and starts_next_report(line, [p.text for p in paragraphs[-2:]])


def _is_item(line: str, level: int | None, body: str, style_level: int | None, following: str | None,
             next_style: int | None, item_marker: int | None) -> bool:
    """A numbered line read as a point of a list, not a heading: nothing under it, a sentence before the next
    point, or the next point of a list whose points so far were items (4.…审计，覆盖（X）个村 after 1. 2. 3.)
    with no points of its own under it."""
    if level is None or body or style_level:
        return False
    below = heading_level(following) if following is not None else None
    return (is_empty_heading(line, level, following) or is_list_item(line, following, next_style)
            or (level >= 3 and _marker(line) == item_marker and (below is None or below <= level)))


def _sibling_number(lines: list[str], at: int, level: int) -> int:
    """The number of the nearest line above `at` at `level` under the same parent (a heading or a list item), else 0."""
    for line in reversed(lines[max(0, at - SIBLING_LOOKBACK):at]):
        found = heading_level(line)
        if found is not None and found <= level:
            return (ordinal(line) or 0) if found == level else 0
    return 0


def is_empty_heading(line: str, level: int, next_line: str | None) -> bool:
    """A numbered point below the top two levels with nothing under it (the next line is numbered at its
    level or above, or ends the text) is an item of an outline (（2）三张清单：…, then （3）…): as a heading, its
    words would be in no chunk."""
    if level < 3:
        return False
    if next_line is None or CLOSING_CUE.search(next_line):
        return True
    below = heading_level(next_line)
    # a sibling is numbered the same way: 1.2 over (1) shares a level, but (1) is its first point
    return below is not None and (below < level or _marker(next_line) == _marker(line))


def top_numbers(lines: list[str], levels: list[int | None]) -> list[int | None]:
    """Levels with the parts of a report numbered 1. 2. 3. over （一） （二） set at the top (1), when it has no
    一、 heading and its first numbered heading is a 1. one: numbered so, 1. is not under （一）."""
    kinds = {i: heading_level(line) for i, (line, level) in enumerate(zip(lines, levels))
             if level is None and split_heading(line) == (line, "")}  # headings alone on their line
    order = list(kinds.values())
    if not order or order[0] != 3 or 1 in order or 2 not in order:
        return levels
    return [1 if kinds.get(i) == 3 else level for i, level in enumerate(levels)]


def build_outline(lines: list[str], levels: list[int | None], fallback_title: str) -> Outline:
    """Walk cleaned lines, tracking the heading path; `levels` carries styles known from the file."""
    levels = top_numbers(lines, levels)
    title, path, paragraphs, offset, parts, bare, inline, item = "", {}, [], 0, [], set(), None, None
    for i, (line, style_level) in enumerate(zip(lines, levels)):
        parts.append(line)
        start, offset = offset, offset + len(line) + 1
        # a 汇编: another report's title after one's closing (or styled Title after a report's text) starts afresh
        if (title and paragraphs) if style_level == 0 else _next_report(line, paragraphs):
            paragraphs[-1].ends_report, path, bare, inline, item = True, {}, set(), None, None
            continue
        if style_level == 0 or (not title and not paragraphs and not path and looks_like_title(line)):
            title = title or line
            continue
        level, heading, body = _classify_line(line, style_level)
        following = lines[i + 1] if i + 1 < len(lines) else None
        if level is not None and not body and misplaced_part(heading, level, path, lambda: _sibling_number(lines, i, level)):
            level, item = min(path), None
        elif _is_item(line, level, body, style_level, following, levels[i + 1] if following is not None else None, item):
            level, heading, body, item = None, "", line, _marker(line)
        elif level is not None:
            item = None
        if level is None and style_level is None and heading_level(line) is None and (is_question(line) or is_bare_heading(
                line, lines[i - 1] if i else None, lines[i + 1] if i + 1 < len(lines) else None)):
            level, heading, body = bare_level(path, bare, line), line, ""
            bare = {lv for lv in bare if lv < level} | {level}
        elif level is not None:
            bare = {lv for lv in bare if lv < level}
        if level is not None:
            path = {lv: h for lv, h in path.items() if lv < level}
            path[level] = heading
            inline = level if body else None
        elif inline is not None and CAUSE_CUE.search(body[:40]):
            # "（四）…不到位。…" then "经过深刻剖析，…原因在于：…": the analysis is about the whole list of
            # problems, so it sits in their section, not under the last point
            path, inline = {lv: h for lv, h in path.items() if lv < inline}, None
        if body:
            ordered = [path[lv] for lv in sorted(path)]
            paragraphs.append(Paragraph(body, ordered, start, len(paragraphs)))
    return Outline(title or fallback_title, paragraphs, "\n".join(parts))


_CIRCLED = re.compile(r"^[\u2460-\u2473\u2474-\u2487]")  # ①…⑳ ⑴…⒇
_COUNT_END = re.compile(r"[\u4e00-\u9fff]{2}[^。；;]*?\d+(\.\d+)?\s*(余|多)?(名|个|次|人次|人|小时|处|项|家|户|万元|亿元|元|%|％|件|期|场|篇|条|支|座|公里|亩|吨)$")
_CLOSING_HEAD = re.compile(r"^(结束语|结语)([:：][^。！？!?，,；;]{0,16})?$")


def is_bare_heading(line: str, before: str | None, after: str | None) -> bool:
    """A short line without sentence punctuation between two paragraphs is a heading without a number; a
    colon may end it (存在的不足：, 明年的打算：), as spoken reports head their parts."""
    if _CLOSING_HEAD.match(line):  # 结束语：以述职促提升, a slide's last part
        return before is not None
    if len(line) > 24 or any(mark in line.rstrip("：:") for mark in "。！？!?；;，,：:") or _CIRCLED.match(line) \
            or line.startswith("序号"):
        return False  # a sentence, an item ① ② of a list, or a table's header row (序号 问题表现 原因分析…)
    if after is not None and line[:1] in BULLETS and after[:1] == line[:1]:
        return False  # ● a point, then ● the next: items of one list
    if _COUNT_END.search(line):
        return False  # a figure (新发展党员5名, 志愿服务2300小时): a data line of a box or a slide, no heading
    return before is not None and after is not None and len(after) > len(line)


def is_question(line: str) -> bool:
    """问：一年来，您抓基层党建主要做了哪些工作？ — a report written as questions and answers heads each part
    with its question."""
    return line.startswith(("问：", "问:")) and line.endswith(("？", "?")) and len(line) <= 2 * MAX_HEADING


def bare_level(path: dict[int, str], bare: set[int], line: str = "") -> int:
    """An unnumbered heading replaces the unnumbered heading above it (they are siblings, whatever
    numbered subheadings came between), else sits just below the numbered headings above it, unless it
    names another part of the report than the top heading does (存在的问题和不足 after 1.履职尽责情况, its
    number lost; 结束语 after 七、下一步打算): then it is that heading's sibling."""
    open_bare = [lv for lv in path if lv in bare]
    if open_bare:
        return min(open_bare)
    top = min(path, default=None)
    named = section_role(line) if line.rstrip("：:").endswith(heading_words().section) else None
    named = named or ("closing" if section_role(line) == "closing" else None)  # 结束语 is no part's subsection
    if top is not None and named and named != section_role(path[top]):
        return top
    return 1 + max(path, default=0)


def _classify_line(line: str, style_level: int | None) -> tuple[int | None, str, str]:
    if style_level:
        return style_level, line, ""
    split = split_heading(line)
    if split is None:
        return None, "", line
    heading, body = split
    return heading_level(line), heading, body


def point_starts(text: str) -> list[tuple[int, int]]:
    """(offset, ordinal) of each inline point marker 一是/二是/… that starts a clause.

    Ordinals must run in sequence; a fresh 一是 starts a new run, which is how a paragraph that
    lists problems and then causes shows its second list.
    """
    found, expected = [], None
    for match in _POINT.finditer(text):
        pos, ordinal = match.start(), NUMERALS.index(match.group(1)) + 1
        if pos > 0 and text[pos - 1] not in _POINT_BOUNDARY:
            continue
        if ordinal == 1 or ordinal == expected:
            found.append((pos, ordinal))
            expected = ordinal + 1
    return _drop_lonely_runs(found)


def _drop_lonely_runs(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A run of a single 一是 without 二是 is a phrase, not a list."""
    runs, current = [], []
    for item in found:
        if item[1] == 1 and current:
            runs.append(current)
            current = []
        current.append(item)
    if current:
        runs.append(current)
    return [item for run in runs if len(run) > 1 for item in run]
