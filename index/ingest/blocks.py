"""What readers produce: text blocks with known heading levels, and the space clean-up every reader applies."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

NUMERALS = "一二三四五六七八九十"  # the Chinese numerals of headings 一、 （一） 一是
SENTENCE_ENDS = "。！？!?；;"  # marks that end a sentence or a clause-long list item


@dataclass
class Block:
    """One paragraph or line; level 0 = title, 1..4 = heading known from styles/markup, None = body."""

    text: str
    level: int | None = None


@dataclass
class RawDocument:
    """A file's blocks in reading order; `encoding` only for .txt/.md."""

    blocks: list[Block]
    format: str
    encoding: str | None
    dropped: list[str] = field(default_factory=list)  # text a reader left out (a sheet's notes column, a reply)


_CJK = r"\u2E80-\u2FFF\u3001-\u303F\u3040-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\U00020000-\U0003FFFF"
_ODD_SPACE = re.compile(r"[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]")
_INVISIBLE = re.compile(r"[\u00AD\u200B-\u200D\u2060\uFEFF]")  # soft hyphen, zero-width marks, BOM
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}]) +(?=\S)|(?<=\S) +(?=[{_CJK}])")


def normalize_spaces(text: str) -> str:
    """Unify unicode spaces, drop spaces next to CJK characters, keep one space between Latin words."""
    text = _INVISIBLE.sub("", _ODD_SPACE.sub(" ", text))
    lines = []
    for line in text.split("\n"):
        line = re.sub(r" {2,}", " ", line.strip())
        lines.append(_SPACE_BY_CJK.sub("", line))
    return "\n".join(lines)


# Two ideographic spaces open a paragraph in Chinese text; inside one long line they are the paragraph breaks a
# web form or a copy dropped (…报告如下。　　一、主要工作　　（一）…).
_INDENT = re.compile(r"\u3000{2}(?=\S)")
LONG_LINE = 300
MIN_INDENTS = 3


def split_indents(line: str) -> list[str]:
    """A long line holding several paragraph indents, cut at each; any other line as it is."""
    if len(line) < LONG_LINE or len(_INDENT.findall(line)) < MIN_INDENTS:
        return [line]
    return [part for part in _INDENT.split(line) if part.strip()]


# A PDF viewer's margin line numbers copied with the text: 1 周XX同志…, 2 （XX镇…）, 3 　　2023年…, restarting a page;
# or an app's paragraph ids (1736733301　2024年，…), long, of one length and rising
_LINE_NUMBER = re.compile(r"^\s*(\d{1,3}|\d{6,12})(?:[ \t\u3000]+|(?=[\u4e00-\u9fff（(“]))")  # not 1、 1. 1，
MIN_NUMBERED = 10


def strip_line_numbers(lines: list[str]) -> list[str]:
    """Lines without margin line numbers, left (12 坚持…) or right (…深    12), or running paragraph numbers
    ([12] 坚持…), when most lines carry one and they count up one by one (or are an app's rising paragraph ids);
    otherwise the lines as they are (a list numbered 1 2 3 is a few lines, not most of them)."""
    for pattern in (_LINE_NUMBER, _RIGHT_NUMBER, _PARAGRAPH_NUMBER):
        numbered = [(i, match) for i, line in enumerate(lines) if (match := pattern.search(line))]
        if _counting(numbered, sum(1 for line in lines if line.strip())):
            out = list(lines)
            for i, match in numbered:
                out[i] = lines[i][:match.start()] + lines[i][match.end():]
            return out
    return lines


# a paragraph's running number for discussion, [1] … [24], as some 汇报材料 print them
_PARAGRAPH_NUMBER = re.compile(r"^\s*[\[［](\d{1,3})[\]］]\s*")
# a PDF's number at the right margin, set off by a run of spaces (a figure in the text is not)
_RIGHT_NUMBER = re.compile(r"\s{2,}(\d{1,3})\s*$")


def _counting(numbered: list, text_lines: int) -> bool:
    """Most lines carry a number, and the numbers count up one by one or are paragraph ids."""
    if len(numbered) < max(MIN_NUMBERED, text_lines // 2):
        return False
    digits = [match.group(1) for _, match in numbered]
    numbers = list(map(int, digits))
    steps = sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1)
    return steps >= 0.8 * (len(numbers) - 1) or _paragraph_ids(digits, numbers)


# A vertical text box, or a PDF extraction gone wrong, prints a title or a heading a character a line
MIN_VERTICAL = 4
_VERTICAL_CHAR = re.compile(r"[\u4e00-\u9fff\dX、，：（）()]")  # X: a placeholder (XX中学)


def join_vertical(lines: list[str]) -> list[str]:
    """Runs of MIN_VERTICAL or more lines of one character each (a blank line ends a run), joined into one."""
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if len(line.strip()) == 1 and _VERTICAL_CHAR.match(line.strip()):  # not a stray □ or • of the page
            run.append(line.strip())
            continue
        out.extend(["".join(run)] if len(run) >= MIN_VERTICAL else run)
        run = []
        out.append(line)
    return out[:-1]


def split_body_lines(lines: list[str], levels: list[int | None], split: Callable[[int, str], list[str]]
                     ) -> tuple[list[str], list[int | None]]:
    """Each body line (no known level) replaced by the parts `split(i, line)` cuts it into; levels follow."""
    out: list[str] = []
    out_levels: list[int | None] = []
    for i, (line, level) in enumerate(zip(lines, levels)):
        parts = split(i, line) if level is None else [line]
        out.extend(parts)
        out_levels.extend([level] * len(parts))
    return out, out_levels


def join_runs(lines: list[str], levels: list[int | None], run_at: Callable[[int], tuple[int, str] | None]
              ) -> tuple[list[str], list[int | None]]:
    """The lines with each run that `run_at(i)` finds (the run's end and the one body line it becomes)
    replaced by that line; levels follow their lines."""
    out, out_levels, i = [], [], 0
    while i < len(lines):
        run = run_at(i)
        if run is not None:
            i, joined = run
            out.append(joined)
            out_levels.append(None)
            continue
        out.append(lines[i])
        out_levels.append(levels[i])
        i += 1
    return out, out_levels


def _paragraph_ids(digits: list[str], numbers: list[int]) -> bool:
    """Whether the numbers are ids: six digits or more, all of one length, rising."""
    sizes = set(map(len, digits))
    return len(sizes) == 1 and min(sizes) >= 6 and all(a < b for a, b in zip(numbers, numbers[1:]))


_DIGIT_MARKER = re.compile(r"^(\d{1,2}[.．](?!\d)|[（(]\d{1,2}[）)])")


def in_sentence_list(lines: list[str], i: int) -> bool:
    """A point of a numbered list of sentences (1.健全…机制，常态化开展…。 then 2.完善…。): a neighbour opens with
    the same kind of number and is a whole sentence, so the point holds no heading run into its text."""
    own = _DIGIT_MARKER.match(lines[i])
    if own is None:
        return False
    kind = own.group(1)[0] in "（("
    for j in (i - 1, i + 1):
        near = _DIGIT_MARKER.match(lines[j]) if 0 <= j < len(lines) else None
        if near and (near.group(1)[0] in "（(") == kind and lines[j].rstrip().endswith(("。", "；", ";")):
            return True
    return False


# A frame an OCR read as characters down the page's left (and right) edge: │ 丨 ┃ | on most lines
_LEFT_BORDER = re.compile(r"^[│丨┃|｜]\s*")
_RIGHT_BORDER = re.compile(r"\s*[│丨┃|｜■]$")
BORDER_SHARE = 0.5


def strip_borders(lines: list[str]) -> list[str]:
    """Each line without the frame's edge when most lines carry one; a table's inner bars stay."""
    if not most_lines(lines, lambda line: bool(_LEFT_BORDER.match(line.strip())), BORDER_SHARE):
        return lines
    return [_RIGHT_BORDER.sub("", _LEFT_BORDER.sub("", line.strip())) for line in lines]


# An OA export that writes each paragraph's Word style before it (标题 1：二、存在的问题, 正文：…)
_STYLE_NAME = re.compile(r"^\s*(标题\s*\d?|副标题|正文|正文文本|列表段落|落款|署名|日期)\s*[:：]\s*")
STYLE_SHARE = 0.6


def strip_style_names(lines: list[str]) -> list[str]:
    """Each line without its style name, when most lines carry one."""
    if not most_lines(lines, lambda line: bool(_STYLE_NAME.match(line)), STYLE_SHARE):
        return lines
    return [_STYLE_NAME.sub("", line, count=1) for line in lines]


def most_lines(lines: list[str], test: Callable[[str], bool], share: float) -> bool:
    """Whether at least `share` of the non-empty lines pass `test` (a frame, a style name on most lines)."""
    body = [line for line in lines if line.strip()]
    return bool(body) and sum(map(test, body)) >= share * len(body)
