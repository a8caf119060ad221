"""What readers produce: text blocks with known heading levels, and the space clean-up every reader applies."""
from __future__ import annotations

import re
from dataclasses import dataclass


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


_CJK = r"\u2E80-\u2FFF\u3001-\u303F\u3040-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\U00020000-\U0003FFFF"
_ODD_SPACE = re.compile(r"[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]")
_INVISIBLE = re.compile(r"[\u200B-\u200D\u2060\uFEFF]")
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}]) +(?=\S)|(?<=\S) +(?=[{_CJK}])")


def normalize_spaces(text: str) -> str:
    """Unify unicode spaces, drop spaces next to CJK characters, keep one space between Latin words."""
    text = _INVISIBLE.sub("", _ODD_SPACE.sub(" ", text))
    lines = []
    for line in text.split("\n"):
        line = re.sub(r" {2,}", " ", line.strip())
        lines.append(_SPACE_BY_CJK.sub("", line))
    return "\n".join(lines)
