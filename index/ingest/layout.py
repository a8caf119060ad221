"""Layout repair before structure: re-join hard-wrapped lines, split one-line reports at their markers."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fanwen.index.ingest.blocks import NUMERALS, in_sentence_list, join_runs, split_body_lines

# Markers that open a heading or a list item at the start of a line; 一是 opens a run of points,
# while 二是… inside a run continue the paragraph they sit in.
LINE_MARKER = re.compile(
    rf"^(?:[{NUMERALS}]{{1,3}}、|[（(][{NUMERALS}]{{1,3}}[）)]|\d{{1,2}}[.．、](?!\d)|[（(]\d{{1,2}}[）)]"
    rf"|一是|第一[，,、]|首先[，,]|[①-⑳])")
# The same markers where they sit inside unbroken text: only after a sentence end counts, so that
# 一是一、二是二 or 第一责任人 inside a sentence are left alone.
_INLINE_HEADING = re.compile(
    rf"(?<=[。！？!?；;：:”」])(?=[{NUMERALS}]{{1,3}}、|[（(][{NUMERALS}]{{1,3}}[）)]|\d{{1,2}}[.．](?!\d)"
    rf"|[（(]\d{{1,2}}[）)]|[①-⑳])")
SENTENCE_END = "。！？!?；;：:…”」』）)】"
FULL_SHARE = 0.35  # share of lines at the common width above which a text counts as hard-wrapped
UNBROKEN = 600  # a line this long holding several headings is a whole report on one line
MAX_HEADING = 40
_POINT = re.compile(rf"^[{NUMERALS}]是")
_INLINE_POINT_MARK = re.compile(r"(?<=[。；;])[二三四五六七八九十]是")
_HEADING_ONLY = re.compile(rf"^(?:[{NUMERALS}]{{1,3}}、|[（(][{NUMERALS}\d]{{1,3}}[）)]|\d{{1,2}}[.．](?!\d))")


def repair(lines: list[str], levels: list[int | None]) -> tuple[list[str], list[int | None]]:
    """Split unbroken text at its markers, then re-join hard-wrapped lines; levels follow their lines."""
    return split_run_in(*join_wrapped(*split_body_lines(lines, levels, lambda _i, line: split_unbroken(line))))


def split_run_in(lines: list[str], levels: list[int | None]) -> tuple[list[str], list[int | None]]:
    """A paragraph that opens with a heading run into its text (五、问题产生的原因一是…二是…) is cut
    where the heading ends, as split_unbroken cuts the same inside a whole report on one line."""
    return split_body_lines(lines, levels, lambda i, line: split_heading_run(line)
                            if len(line) > MAX_HEADING and not in_sentence_list(lines, i) else [line])


def split_unbroken(line: str) -> list[str]:
    """Cut a very long line before each heading marker that follows a sentence end.

    Point markers (一是…) are not cut at: inline points are the usual style inside a paragraph.
    A heading run into its text (二、存在的问题及原因在总结…) is cut where its words end (heading_end).
    """
    if len(line) < UNBROKEN or len(_INLINE_HEADING.findall(line)) < 2:
        return [line]
    parts = [p for p in _INLINE_HEADING.split(line) if p]
    result = split_title(parts[0])
    for part in parts[1:]:
        result.extend(split_heading_run(part))
    return [p for p in result if p]


HEADING_WORDS = Path(__file__).resolve().parent.parent / "data" / "heading_words.txt"
_MARKER = re.compile(rf"^(?:[{NUMERALS}]{{1,3}}、|[（(][{NUMERALS}]{{1,3}}[）)]|\d{{1,2}}[.．](?!\d)|[（(]\d{{1,2}}[）)])")
_TOP = re.compile(rf"^[{NUMERALS}]{{1,3}}、")
# what may follow a heading directly: a sub-heading, a run of points, an enumerated first sentence
_SUB_ITEM = re.compile(rf"^(?:[（(][{NUMERALS}\d]{{1,3}}[）)]|第一[，,]|首先[，,]|一是)")
_YEAR = re.compile(r"^[\dX]{4}年")
_FULL_STOPS = "。！？!?"
_FULL_STOP = re.compile(f"[{_FULL_STOPS}]")
_QUOTE_ENDS = "”」』"
_TITLE_ENDS = ("报告", "总结", "汇报", "材料", "讲话")
_CLOSING_START = re.compile(r"^以上(是我的|是本人的)?(述职|汇报|报告)")
_NOT_AFTER_CUT = "，,、。！？!?；;：:”’）)》】"
_JOINERS = "的和及与、等并之"  # a phrase that goes on after a noun (问题及原因, 工作的…) is not over
_QUOTES = ("“”", "‘’", "《》", "（）", "()")
MIN_RUN_HEADING = 4  # heading words before a nominal-head + opener cut


@dataclass(frozen=True)
class HeadingWords:
    """The word lists of the data file: report-part nouns, nominal heads, sentence openers."""

    section: tuple[str, ...]
    ends: tuple[str, ...]
    openers: tuple[str, ...]


@lru_cache(maxsize=2)
def heading_words(path: Path = HEADING_WORDS) -> HeadingWords:
    """Read the [section], [ends] and [openers] lists of the data file (one word a line, # comments)."""
    sections: dict[str, list[str]] = {"section": [], "ends": [], "openers": []}
    current = None
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.get(line[1:-1])
        elif line and not line.startswith("#") and current is not None:
            current.append(line)
    return HeadingWords(*(tuple(sections[name]) for name in ("section", "ends", "openers")))


def split_heading_run(part: str) -> list[str]:
    """`一、主要工作（一）…` or `（一）加强组织建设针对…`: the heading on its own line, then its text."""
    cut = heading_end(part)
    if cut is None:
        return [part]
    return [part[:cut], *split_heading_run(part[cut:])]


def heading_end(part: str) -> int | None:
    """Offset where a numbered heading run into its text ends: before a sub-heading or run of points, else the
    earliest cut with other evidence.

    Evidence: a sub-heading or a run of points follows; a report-part noun closes a top heading
    (二、存在的问题及原因|在总结…); a nominal head is followed by a sentence opener (…自身建设|筹备召开…).
    A heading sentence with its full stop within heading length is left whole: structure reads it so.
    """
    marker = _MARKER.match(part)
    if marker is None:
        return None
    full_stop = _FULL_STOP.search(part)
    stop = full_stop.start() if full_stop else len(part)
    by_words = stop > marker.end() + MAX_HEADING
    words, top = heading_words(), _TOP.match(part) is not None
    last_second = part.rfind("二是")
    cuts = []  # (cut, whether a sub-item or run of points follows)
    for cut in range(marker.end() + 2, min(stop, marker.end() + MAX_HEADING + 1)):
        # what follows a cut is only ever matched at its start: a window, not a copy of a long paragraph
        head, rest = part[marker.end():cut], part[cut:cut + 2 * MAX_HEADING]
        if head[-1] in "：:" and _colon_ends_heading(head[:-1], rest, words, top):
            # 二、存在问题：一是…, a notepad's heading and its text on one line; a part noun before the colon is
            # weaker evidence than one before it (三、下步工作思路和主要措施|总体目标：…)
            cuts.append((cut, bool(_SUB_ITEM.match(rest))))
        if any(mark in head for mark in "；;：:"):
            break  # heading text holds no clause-ending punctuation: the heading is over
        if rest[0] in _NOT_AFTER_CUT or not _balanced(head) or head.count("，") + head.count(",") > 1:
            continue
        if _SUB_ITEM.match(rest) and (not rest.startswith("一是") or last_second >= cut):
            cuts.append((cut, True))
        elif by_words and _words_end_heading(head, rest, words, top):
            cuts.append((cut, False))
    # points that follow are the firmer evidence: 五、问题产生的原因一是… is not cut after 问题
    return next((cut for cut, points in cuts if points), cuts[0][0] if cuts else None)


def _colon_ends_heading(head: str, rest: str, words: HeadingWords, top: bool) -> bool:
    """A colon closes a heading run into its text when a sub-item or run of points follows it, or when the
    heading of a part ends on a report-part noun (二、存在问题：…)."""
    if any(mark in head for mark in "；;：:，,"):
        return False
    return bool(_SUB_ITEM.match(rest)) or top and head.endswith(words.section)


def _words_end_heading(head: str, rest: str, words: HeadingWords, top: bool) -> bool:
    """A report-part noun ends a top heading on its own (headings of parts are noun phrases); a sub-heading
    is a verb phrase whose nominal head is ambiguous (工作|责任制), so a sentence opener must follow it."""
    if top and head.endswith(words.section) and not _goes_on(rest, words):
        return True
    if not (rest.startswith(words.openers) or _YEAR.match(rest)):
        return False
    return len(head) >= MIN_RUN_HEADING and (head.endswith(words.ends + words.section) or _parallel(head))


def _parallel(head: str) -> bool:
    """Two clauses of about one length (强化政治引领，筑牢思想根基): the paired heading style of 公文, complete
    at the end of its second clause whatever noun that ends on."""
    clauses = re.split("[，,]", head)
    return len(clauses) == 2 and min(map(len, clauses)) >= 4 and abs(len(clauses[0]) - len(clauses[1])) <= 2


def _balanced(head: str) -> bool:
    return all(head.count(pair[0]) == head.count(pair[1]) for pair in _QUOTES)


def _goes_on(rest: str, words: HeadingWords) -> bool:
    """Whether the noun phrase a report-part noun sits in continues (问题|及原因, 原因|分析)."""
    return rest[0] in _JOINERS or rest.startswith(words.section + words.ends)


# a title at the very start wins; else up to a page header of notices ending at a sentence end or bracket
_TITLE = re.compile(r"^(|.{0,300}?[。！？!?】」])((?!下面|现将|现在|接下来)[^。！？!?，,：:]{4,40}?(?:报告|总结|汇报|发言|材料|讲话))"
                    r"(?!如下|工作|情况|一下)(?=[^。！？!?，,：:）)])")  # not 下面我…简单汇报一下。
def split_title(lead: str) -> list[str]:
    """`…述职报告2019年，在…`: a report title run into the opening is cut off where its type word ends."""
    match = _TITLE.match(lead)
    if not match:
        return [lead]
    return [match.group(1), match.group(2), lead[match.end():]]


def visual_len(line: str) -> int:
    """A line's printed width in half-width cells: a PDF wraps at a width, so a line holding digits holds
    more characters than one of Chinese text alone."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def wrap_width(lines: list[str], size=len) -> int | None:
    """The width a hard-wrapped text was cut at (in `size` units), or None when lines end where paragraphs
    end."""
    lengths = [size(line) for line in lines if len(line) >= 8]
    if len(lengths) < 6:
        return None
    width, count = Counter(lengths).most_common(1)[0]
    cell = size("中")  # the tolerances are in characters: 2 cells each when measuring print width
    near = sum(1 for n in lengths if width - 2 * cell <= n <= width + 2 * cell)
    longer = sum(1 for n in lengths if n > width + 4 * cell)
    # wrapped text: many lines share one width, and hardly a line is much longer than it (a masthead or a
    # date line above a text box wrapped at 12 may be)
    if near / len(lengths) >= FULL_SHARE and longer <= len(lengths) // 20:
        return width
    return None


def continues(line: str, following: str, width: int | None, size=len) -> bool:
    """Whether `following` is the rest of the paragraph `line` was cut from."""
    # a pictograph ends a line as a full stop would (…一起来看看吧👇 in a copied WeChat post); a closing quote
    # ends a sentence only after a full stop (严格落实“第一议题”|制度，… is cut mid-sentence)
    open_end = (line[-1] not in SENTENCE_END or line[-1] in _QUOTE_ENDS and line[-2:-1] not in _FULL_STOPS + "…") \
        and unicodedata.category(line[-1]) != "So"
    # a wrapper may leave a line a character or two short (a first line by its indent, stripped), but a
    # sentence end must fill it exactly
    short = (1 if line.endswith(_TITLE_ENDS) else 2) if open_end else 0  # a title two short stays whole
    full = width is not None and size(line) >= width - short * size("中")
    if full and open_end:
        return True  # cut mid-sentence at the wrap width: nothing else could start here
    if LINE_MARKER.match(following):
        return False
    if line[-1] in "，、,":  # a clause comma never ends a paragraph: slides and phone notes put a clause a line
        return True
    if full:  # a full line that happens to end a sentence: paragraphs rarely end exactly there
        return not _CLOSING_START.match(following)  # unless the closing formula starts the next
    # no wrap width: only a long line cut mid-sentence, or text that cannot start a line, continues
    return open_end and (len(line) > MAX_HEADING or following[0] in "，。、；：）】”,;:)")


def join_wrapped(lines: list[str], levels: list[int | None]) -> tuple[list[str], list[int | None]]:
    """Glue continuation lines to their paragraph; styled (known-level) lines are never glued."""
    body = [line for line, level in zip(lines, levels) if level is None]
    width, size = wrap_width(body), len
    if width is None and (width := wrap_width(body, visual_len)) is not None:
        size = visual_len  # wrapped at a print width: lines with digits hold more characters
    points_break = width is not None and points_open_paragraphs(lines, width, size)
    out_lines: list[str] = []
    out_levels: list[int | None] = []
    last = None
    for i, (line, level) in enumerate(zip(lines, levels)):
        if (out_lines and level is None and out_levels[-1] is None and last is not None
                and continues(last, line, width, size) and not (points_break and _POINT.match(line))
                and not _ends_heading(out_lines[-1], lines[i:i + 4], width, size)):
            out_lines[-1] += line
        else:
            out_lines.append(line)
            out_levels.append(level)
        last = line
    return out_lines, out_levels


def points_open_paragraphs(lines: list[str], width: int, size=len) -> bool:
    """Whether this text starts a paragraph at each point (二是…) rather than running points inline.

    Evidence for paragraphs: a point line after a line that stopped short of the width; for
    inline runs: a point marker right after a sentence end inside a line.
    """
    after_short = sum(1 for before, line in zip(lines, lines[1:])
                      if _POINT.match(line) and size(before) < width - 2 * size("中"))
    inline = sum(len(_INLINE_POINT_MARK.findall(line)) for line in lines)
    return after_short > inline


def _ends_heading(paragraph: str, ahead: list[str], width: int | None, size=len) -> bool:
    """A numbered heading that filled its line exactly, followed by a full line of text without a
    sentence end within heading length."""
    if width is None or not ahead or size(ahead[0]) < width - 2 * size("中"):
        return False
    if not _HEADING_ONLY.match(paragraph) or any(mark in paragraph for mark in "。！？；："):
        return False
    following = "".join(ahead)[:MAX_HEADING - len(paragraph) + 1]
    return not any(mark in following for mark in "。！？；：")


_FIGURE = re.compile(r"\d+(?:\.\d+)?%?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
TABLE_CELL_LINE = 40  # a table row copied as text is short and has no clause punctuation


def _table_line(line: str) -> bool:
    bare = _THOUSANDS.sub("", line)  # 9,600 is a figure, not a clause
    return len(line) <= TABLE_CELL_LINE and not re.search(r"[，。；,;！？]", bare) and _MARKER.match(line) is None


def join_table_rows(lines: list[str], levels: list[int | None]) -> tuple[list[str], list[int | None]]:
    """A table copied as text (caption, header row, rows of figures) becomes one paragraph, rows joined by
    `；`: row by row, each was a chunk of bare figures and the header a heading over the text after it."""
    def table_at(i: int) -> tuple[int, str] | None:
        end = i
        while end < len(lines) and levels[end] is None and _table_line(lines[end]):
            end += 1
        rows = lines[i:end]
        if len(rows) >= 3 and sum(len(_FIGURE.findall(row)) >= 2 for row in rows) >= 2:
            return end, "；".join(rows) + "。"
        return None

    return join_runs(lines, levels, table_at)
