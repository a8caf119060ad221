"""A Markdown report (a .md file, or a note app's export saved as .txt): its text, with heading levels from #."""
from __future__ import annotations

import re

from fanwen.index.ingest.blocks import Block, normalize_spaces
from fanwen.index.ingest.note_markup import FENCE, QUOTE, note_lines

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_LIST_MARK = re.compile(r"^\s*[-*+]\s+")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_STRONG = (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
           # fill-in blanks like "____年" are common in templates, so underscores need word edges
           re.compile(r"(?<![_\w])__(?=[^_\s])(.+?)(?<=[^_\s])__(?![_\w])"),
           re.compile(r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])"))
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_FRONT_FIELD = re.compile(r"^[A-Za-z_][\w-]{0,30}\s*:")
# A quoted note in a draft (> 💡 周书记批注：…, > 组织部反馈：…): a reader's remark on the report, not its text
_REMARK = re.compile(r"^[^\u4e00-\u9fff\w]*\S{0,12}(批注|反馈|意见|备注|提示|提醒|建议|审核|修改)[^：:]{0,16}[：:]")
_EMOJI_LEAD = re.compile(r"^[\U0001F300-\U0001FAFF\u2600-\u27BF]")
MAX_LEVEL = 4  # the deepest level structure knows (（1）)
MIN_HEADINGS = 2  # a .txt with as many # headings is Markdown; report text never starts a line with "# "


def looks_like_markdown(lines: list[str]) -> bool:
    """Whether a .txt file is a Markdown export: front matter on top, # headings or image lines."""
    if front_matter_end(lines):
        return True
    headings = sum(1 for line in lines if _HEADING.match(line))
    return headings >= MIN_HEADINGS or any(_IMAGE.fullmatch(line.strip()) for line in lines)


def front_matter_end(lines: list[str]) -> int:
    """Lines of a YAML front matter block (--- / key: value … / ---) on top, else 0."""
    if not lines or lines[0].strip() != "---":
        return 0
    for i, line in enumerate(lines[1:40], start=1):
        if line.strip() == "---":
            return i + 1 if any(_FRONT_FIELD.match(field) for field in lines[1:i]) else 0
    return 0


def markdown_blocks(lines: list[str]) -> tuple[list[Block], list[str]]:
    """The text's blocks, and what was left out as furniture (front matter, link and image lines, remarks)."""
    start = front_matter_end(lines)
    body, furniture = note_lines(lines[start:])
    blocks, dropped = [], [line.strip() for line in lines[:start] if line.strip() not in ("", "---")] + furniture
    for line in body:
        if _RULE.match(line) or FENCE.match(line) or _TABLE_RULE.match(line):  # a stray fence: its line only
            continue
        level, text = _line_text(line)
        if text:
            blocks.append(Block(text, level))
        elif _TAG.sub("", line).strip():
            dropped.append(line.strip())
    return _title_on_top(blocks), dropped


def _title_on_top(blocks: list[Block]) -> list[Block]:
    """Heading levels from the number of #, at most MAX_LEVEL; a lone # heading first is the title (0): the
    others move up a level (## 一、 → 1, ### （一） → 2), to sit where a report's numbering puts them."""
    levels = [b.level for b in blocks if b.level is not None]
    top = levels[0] if levels and levels[0] == min(levels) and levels.count(levels[0]) == 1 else 0
    return [Block(b.text, None if b.level is None else min(b.level - top, MAX_LEVEL)) for b in blocks]


def _line_text(line: str) -> tuple[int | None, str]:
    """A line's heading level and its text without markup ("" for furniture: images, link-only lines,
    page anchors and quoted remarks)."""
    level, quoted = None, bool(QUOTE.match(line))
    heading = _HEADING.match(line)
    if heading:
        level, line = len(heading.group(1)), heading.group(2)
    elif quoted:
        line = QUOTE.sub("", line)
    line = _TAG.sub("", _IMAGE.sub("", line))
    if _LINK.fullmatch(line.strip()):  # [原文链接](https://…) alone: where the text came from
        return None, ""
    line = _LINK.sub(r"\1", line)
    if line.strip().startswith("|"):  # a table row: its cells, as a table copied as text reads
        line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
    elif level is None:
        line = _LIST_MARK.sub("", line)
    for pattern in _STRONG:
        line = pattern.sub(r"\1", line)
    text = normalize_spaces(line)
    if quoted and (_REMARK.match(text) or _EMOJI_LEAD.match(text)):
        return None, ""
    return level, text


# An outline tool's export (幕布, XMind): every node a "- " line, indented by its depth
_NODE = re.compile(r"^(\s*)[-*•]\s+(\S.*)$")
NODE_SHARE = 0.8


def outline_nodes(lines: list[str]) -> list[Block] | None:
    """Blocks of an outline export: the first root node is the title, a node with nodes under it a heading at
    its depth (another root's at 1), a leaf a paragraph; None when the lines are not such an outline. (A short
    leaf between longer ones may still be read as an unnumbered heading later: a known miss.)"""
    body = [line for line in lines if line.strip()]
    nodes = [_NODE.match(line.expandtabs(2)) for line in body]
    if len(body) < 5 or sum(node is not None for node in nodes) < NODE_SHARE * len(body):
        return None
    indents = sorted({len(node.group(1)) for node in nodes if node})
    depth = [indents.index(len(node.group(1))) if node else None for node in nodes]
    blocks = []
    for i, (node, line) in enumerate(zip(nodes, body)):
        text = normalize_spaces(node.group(2) if node else line)
        below = depth[i + 1] if i + 1 < len(body) else None
        has_children = node is not None and below is not None and below > depth[i]
        level = 0 if node and depth[i] == 0 and i == 0 else (min(max(depth[i], 1), 4) if has_children else None)
        if text:
            blocks.append(Block(text, level))
    return blocks
