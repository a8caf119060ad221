"""Text cleaning at ingest: boilerplate (watermarks, ads, contact lines) and whitespace."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_PATTERNS = Path(__file__).resolve().parent.parent / "data" / "boilerplate.txt"
# A matching line longer than this is a real paragraph with an ad glued in, not an ad line.
SHORT_LINE = 80
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]?")


@dataclass
class CleanResult:
    lines: list[str]
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rules:
    """Everything the data file says: boilerplate regexes, page-mark regexes, site words."""

    lines: tuple[re.Pattern, ...]
    pages: tuple[re.Pattern, ...]
    site_words: tuple[str, ...]


@lru_cache(maxsize=4)
def load_rules(path: Path = DEFAULT_PATTERNS) -> Rules:
    """Read the data file: regexes before any [section], then the [page] and [site] sections."""
    sections: dict[str, list[str]] = {"": [], "page": [], "site": []}
    current = ""
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]") and line[1:-1] in sections:
            current = line[1:-1]
            continue
        sections[current].append(line)
    # longer words first, so 浏览次数 is taken whole before 浏览
    words = tuple(sorted(sections["site"], key=len, reverse=True))
    return Rules(tuple(map(re.compile, sections[""])), tuple(map(re.compile, sections["page"])), words)


def load_patterns(path: Path = DEFAULT_PATTERNS) -> tuple[re.Pattern, ...]:
    """The boilerplate regexes of the data file (one regex a line)."""
    return load_rules(path).lines


def is_boilerplate(line: str, patterns: tuple[re.Pattern, ...]) -> bool:
    return any(p.search(line) for p in patterns)


def strip_boilerplate(lines: list[str], patterns: tuple[re.Pattern, ...]) -> CleanResult:
    """Drop boilerplate lines; cut boilerplate sentences out of long paragraphs."""
    result = CleanResult(lines=[])
    for line in lines:
        if not is_boilerplate(line, patterns):
            result.lines.append(line)
        elif len(line) <= SHORT_LINE:
            result.removed.append(line)
        else:
            kept, dropped = _split_sentences(line, patterns)
            result.removed.extend(dropped)
            if kept.strip():
                result.lines.append(kept.strip())
    return result


def _split_sentences(line: str, patterns: tuple[re.Pattern, ...]) -> tuple[str, list[str]]:
    kept, dropped = [], []
    for sentence in _SENTENCE.findall(line):
        if not sentence:
            continue
        (dropped if is_boilerplate(sentence, patterns) else kept).append(sentence)
    return "".join(kept), dropped


_MARKDOWN_BOLD = re.compile(r"^(?:\*\*|__)(.+?)(?:\*\*|__)$")
_BLANK_LIKE = re.compile(r"[\u3000\u00a0\u2002-\u200b\ufeff\t]")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_PUNCT = r"，。、；：！？（）“”‘’《》【】"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}{_PUNCT}0-9X%])\s+(?=[{_CJK}{_PUNCT}])|(?<=[{_CJK}{_PUNCT}])\s+(?=[0-9X%])")


# Half-width punctuation typed in Chinese text (on a phone, or read by an OCR): the full-width mark it stands for,
# where Chinese stands before it (一. 主要工作 → 一、, 党课2次. 今年 → 。); 26.3万, 09:12 and URLs stay
_TOP_NUMBER_DOT = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[.．](?!\d)\s*")
_ASCII_MARKS = {",": "，", ".": "。", ";": "；", ":": "：", "!": "！", "?": "？"}
_ASCII_MARK = re.compile(rf"(?<=[{_CJK}X%\"”）)])\s*([,.;:!?])(?![\dX.])\s*")  # not 增长XX.X%


# an OCR's misreadings of heading numbers at a line's start: -、 for 一、, C一） for （一）
_OCR_TOP = re.compile(r"^[-－—](?=、)")
_OCR_SUB = re.compile(r"^[Cc]([一二三四五六七八九十]{1,2}[）)])")


# and of digits inside a figure: 2O24, 1O0%, l2次
_OCR_ZERO = re.compile(r"(?<=\d)[OoＯ〇](?=\d|%)")
_OCR_ONE = re.compile(r"(?<![A-Za-z])l(?=\d)")


# a year whose digits a text box or a PDF spaced out: 2 0 2 4年度
_SPACED_YEAR = re.compile(r"(?<!\d)([12]) (\d) (\d) (\d)(?=\s*年)")


def full_width_marks(line: str) -> str:
    line = _SPACED_YEAR.sub(r"\1\2\3\4", _OCR_ONE.sub("1", _OCR_ZERO.sub("0", line)))
    line = _OCR_SUB.sub(r"（\1", _OCR_TOP.sub("一", line))
    line = _TOP_NUMBER_DOT.sub(r"\1、", line)
    return _ASCII_MARK.sub(lambda match: _ASCII_MARKS[match.group(1)], line)


def normalize_line(line: str) -> str:
    """Unify odd spaces and punctuation, and remove the spaces extraction leaves between Chinese and digits."""
    line = full_width_marks(_BLANK_LIKE.sub(" ", line).replace("Ｘ", "X"))
    line = _MARKDOWN_BOLD.sub(r"\1", line.strip())  # **三、原因分析** copied from Markdown
    line = _CJK_GAP.sub("", line)
    return re.sub(r" {2,}", " ", line).strip()
