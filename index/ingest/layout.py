"""Layout repair before structure: re-join hard-wrapped lines, split one-line reports at their markers."""
from __future__ import annotations

import re
from collections import Counter

_NUM = "一二三四五六七八九十"
# Markers that open a heading or a list item at the start of a line; 一是 opens a run of points,
# while 二是… inside a run continue the paragraph they sit in.
LINE_MARKER = re.compile(
    rf"^(?:[{_NUM}]{{1,3}}、|[（(][{_NUM}]{{1,3}}[）)]|\d{{1,2}}[.．、](?!\d)|[（(]\d{{1,2}}[）)]"
    rf"|一是|第一[，,、]|首先[，,]|[①-⑳])")
# The same markers where they sit inside unbroken text: only after a sentence end counts, so that
# 一是一、二是二 or 第一责任人 inside a sentence are left alone.
_INLINE_HEADING = re.compile(
    rf"(?<=[。！？!?；;：:”」])(?=[{_NUM}]{{1,3}}、|[（(][{_NUM}]{{1,3}}[）)]|\d{{1,2}}[.．](?!\d)"
    rf"|[（(]\d{{1,2}}[）)]|[①-⑳])")
SENTENCE_END = "。！？!?；;：:…”」』）)】"
FULL_SHARE = 0.35  # share of lines at the common width above which a text counts as hard-wrapped
UNBROKEN = 600  # a line this long holding several headings is a whole report on one line
MAX_HEADING = 40
_POINT = re.compile(rf"^[{_NUM}]是")
_INLINE_POINT_MARK = re.compile(r"(?<=[。；;])[二三四五六七八九十]是")
_HEADING_ONLY = re.compile(rf"^(?:[{_NUM}]{{1,3}}、|[（(][{_NUM}\d]{{1,3}}[）)]|\d{{1,2}}[.．](?!\d))")


def repair(lines: list[str], levels: list[int | None]) -> tuple[list[str], list[int | None]]:
    """Split unbroken text at its markers, then re-join hard-wrapped lines; levels follow their lines."""
    split_lines, split_levels = [], []
    for line, level in zip(lines, levels):
        parts = split_unbroken(line) if level is None else [line]
        split_lines.extend(parts)
        split_levels.extend([level] * len(parts))
    return join_wrapped(split_lines, split_levels)


def split_unbroken(line: str) -> list[str]:
    """Cut a very long line before each heading marker that follows a sentence end.

    Point markers (一是…) are not cut at: inline points are the usual style inside a paragraph.
    A heading run into its text (二、存在的问题及原因在总结…) is cut where its words end.
    """
    if len(line) < UNBROKEN or len(_INLINE_HEADING.findall(line)) < 2:
        return [line]
    parts = [p for p in _INLINE_HEADING.split(line) if p]
    result = split_title(parts[0])
    for part in parts[1:]:
        result.extend(split_heading_run(part))
    return [p for p in result if p]


# Heading text never holds sentence punctuation; it ends before a sub-heading or a point marker,
# or after the noun that names its section (…做法和成效, …问题及原因, …打算).
_RUN_HEADING = re.compile(
    rf"^((?:[{_NUM}]{{1,3}}、|[（(][{_NUM}]{{1,3}}[）)])[^。！？；：，,]{{1,{MAX_HEADING}}}?)"
    rf"(?=[{_NUM}]是|[（(][{_NUM}\d]|第[{_NUM}][，,])")
_SECTION_NOUN = re.compile(
    rf"^((?:[{_NUM}]{{1,3}}、|[（(][{_NUM}]{{1,3}}[）)])[^。！？；：，,]{{0,16}}"
    r"(?:成效|成绩|亮点|情况|做法|问题|不足|原因|分析|打算|思路|措施|方向|计划))(?=[^。！？；：，,、和及与])")


def split_heading_run(part: str) -> list[str]:
    """`一、主要工作（一）…` or `（一）存在的主要问题一是…`: the heading on its own line, then its text."""
    match = _RUN_HEADING.match(part) or _SECTION_NOUN.match(part)
    if match and len(part) > len(match.group(1)):
        rest = part[len(match.group(1)):]
        return [match.group(1), *split_heading_run(rest)]
    return [part]


_TITLE = re.compile(r"^(.{0,80}?[。！？!?】」]|)([^。！？!?，,：:]{4,40}?(?:报告|总结|汇报|发言|材料|讲话))"
                    r"(?!如下|工作|情况)(?=[^。！？!?，,：:）)])")


def split_title(lead: str) -> list[str]:
    """`…述职报告2019年，在…`: a report title run into the opening is cut off where its type word ends."""
    match = _TITLE.match(lead)
    if not match:
        return [lead]
    return [match.group(1), match.group(2), lead[match.end():]]


def wrap_width(lines: list[str]) -> int | None:
    """The width a hard-wrapped text was cut at, or None when lines end where paragraphs end."""
    lengths = [len(line) for line in lines if len(line) >= 8]
    if len(lengths) < 6:
        return None
    width, count = Counter(lengths).most_common(1)[0]
    near = sum(1 for n in lengths if width - 2 <= n <= width + 2)
    longest = max(lengths)
    # wrapped text: many lines share one width, and no line is much longer than it
    if near / len(lengths) >= FULL_SHARE and longest <= width + 4:
        return width
    return None


def continues(line: str, following: str, width: int | None) -> bool:
    """Whether `following` is the rest of the paragraph `line` was cut from."""
    open_end = line[-1] not in SENTENCE_END
    # a wrapper may leave a line a character or two short, but a sentence end must fill it exactly
    full = width is not None and len(line) >= width - (1 if open_end else 0)
    if full and open_end:
        return True  # cut mid-sentence at the wrap width: nothing else could start here
    if LINE_MARKER.match(following):
        return False
    if full:
        return True  # a full line that happens to end a sentence: paragraphs rarely end exactly there
    # no wrap width: only a long line cut mid-sentence, or text that cannot start a line, continues
    return open_end and (len(line) > MAX_HEADING or following[0] in "，。、；：）】”,;:)")


def join_wrapped(lines: list[str], levels: list[int | None]) -> tuple[list[str], list[int | None]]:
    """Glue continuation lines to their paragraph; styled (known-level) lines are never glued."""
    width = wrap_width([line for line, level in zip(lines, levels) if level is None])
    points_break = width is not None and points_open_paragraphs(lines, width)
    out_lines: list[str] = []
    out_levels: list[int | None] = []
    last = None
    for i, (line, level) in enumerate(zip(lines, levels)):
        if (out_lines and level is None and out_levels[-1] is None and last is not None
                and continues(last, line, width) and not (points_break and _POINT.match(line))
                and not _ends_heading(out_lines[-1], lines[i:i + 4], width)):
            out_lines[-1] += line
        else:
            out_lines.append(line)
            out_levels.append(level)
        last = line
    return out_lines, out_levels


def points_open_paragraphs(lines: list[str], width: int) -> bool:
    """Whether this text starts a paragraph at each point (二是…) rather than running points inline.

    Evidence for paragraphs: a point line after a line that stopped short of the width; for
    inline runs: a point marker right after a sentence end inside a line.
    """
    after_short = sum(1 for before, line in zip(lines, lines[1:])
                      if _POINT.match(line) and len(before) < width - 2)
    inline = sum(len(_INLINE_POINT_MARK.findall(line)) for line in lines)
    return after_short > inline


def _ends_heading(paragraph: str, ahead: list[str], width: int | None) -> bool:
    """A numbered heading that filled its line exactly, followed by a full line of text without a
    sentence end within heading length."""
    if width is None or not ahead or len(ahead[0]) < width - 2:
        return False
    if not _HEADING_ONLY.match(paragraph) or any(mark in paragraph for mark in "。！？；："):
        return False
    following = "".join(ahead)[:MAX_HEADING - len(paragraph) + 1]
    return not any(mark in following for mark in "。！？；：")


def is_bare_heading(line: str, before: str | None, after: str | None) -> bool:
    """A short line without sentence punctuation between two paragraphs is a heading without a number."""
    if len(line) > 24 or any(mark in line for mark in "。！？!?；;，,：:"):
        return False
    return before is not None and after is not None and len(after) > len(line)
