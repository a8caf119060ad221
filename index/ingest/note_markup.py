"""What note apps add to Markdown (Obsidian, Typora, 语雀, Notion): comments, callouts, tasks, tags, footnotes."""
from __future__ import annotations

import re

# Blocks that are the writer's or the app's, not the report's: an HTML or Obsidian comment, a fenced code block
# (a dataview query), an admonition (:::tips … :::, 语雀's highlight block), a callout (> [!info] 组织部通知要点)
_COMMENT = re.compile(r"<!--.*?-->|%%.*?%%", re.DOTALL)
FENCE = re.compile(r"^\s*(```|~~~)")
_ADMONITION = re.compile(r"^\s*:::\s*\w*\s*$")
_CALLOUT = re.compile(r"^\s*>\s*\[![\w-]+\][+-]?")
QUOTE = re.compile(r"^\s*>\s?")  # a quoted line, and the mark to strip from it
# Lines that are furniture: a to-do item (- [x] 核对党员人数), a line of tags (#工作/述职 #2025待办), an embed
# (![[Pasted image….png]]), a footnote's definition ([^1]: …), a page's properties under its title (Status: 定稿)
_TASK = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s")
_TAGS = re.compile(r"^\s*#[^\s#]+(\s+#[^\s#]+)*\s*$")
_EMBED = re.compile(r"!\[\[[^\]]*\]\]")
_FOOTNOTE = re.compile(r"^\s*\[\^[^\]]+\]:")
_PROPERTY = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff ]{0,15}: \S(?!.*[。；，])")
PROPERTIES_MIN = 2
# Inline: a wiki link ([[目标|显示的字]] shows its alias), a highlight (==…==), a footnote mark, a block id (^op01x)
_WIKI = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]|]*)\]\]")
_HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
_NOTE_MARK = re.compile(r"\[\^[^\]\s]{1,12}\]")
_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]{2,}\s*$")


def note_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines without what a note app added, and the furniture lines left out."""
    text = "\n".join(lines)
    dropped = [match.group(0) for match in _COMMENT.finditer(text)]
    lines, furniture = _without_blocks(_COMMENT.sub("", text).split("\n"))
    lines, properties = _without_properties(lines)
    kept = []
    for line in lines:
        if _TASK.match(line) or _TAGS.match(line) or _FOOTNOTE.match(line) or _EMBED.fullmatch(line.strip()):
            furniture.append(line.strip())
            continue
        line = _BLOCK_ID.sub("", _NOTE_MARK.sub("", _EMBED.sub("", line)))
        kept.append(_HIGHLIGHT.sub(r"\1", _WIKI.sub(r"\1", line)))
    return kept, dropped + properties + furniture


def _without_blocks(lines: list[str]) -> tuple[list[str], list[str]]:
    """Fenced code, admonitions and callouts left out, each with all its lines."""
    kept, dropped, i = [], [], 0
    while i < len(lines):
        end = _block_end(lines, i)
        if end is None:
            kept.append(lines[i])
            i += 1
        else:
            dropped.extend(line.strip() for line in lines[i:end] if line.strip())
            i = end
    return kept, dropped


def _block_end(lines: list[str], i: int) -> int | None:
    """Where a block opening at line i ends (past its closing line), or None: no block opens there, or it never
    closes (a stray ``` must not take the rest of the report with it)."""
    line = lines[i]
    if _CALLOUT.match(line):
        end = i + 1
        while end < len(lines) and QUOTE.match(lines[end]):
            end += 1
        return end
    if FENCE.match(line):
        closes = FENCE.match
    elif _ADMONITION.match(line) and line.strip() != ":::":
        closes = lambda other: other.strip() == ":::"  # noqa: E731
    else:
        return None
    return next((j + 1 for j in range(i + 1, len(lines)) if closes(lines[j])), None)


def _without_properties(lines: list[str]) -> tuple[list[str], list[str]]:
    """A page's properties (Created by: 邹XX, Status: 定稿, 报送对象: 城关镇党委) under its # title: a run of
    PROPERTIES_MIN or more `name: value` lines with a half-width colon and a space, as Notion exports them."""
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if title is None:
        return lines, []
    start = next((i for i in range(title + 1, len(lines)) if lines[i].strip()), len(lines))
    end = start
    while end < len(lines) and _PROPERTY.match(lines[end]):
        end += 1
    if end - start < PROPERTIES_MIN:
        return lines, []
    return lines[:start] + lines[end:], [line.strip() for line in lines[start:end]]
