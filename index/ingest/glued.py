"""Lines that lost their breaks at a part's edges: a title run into the opening, the next part's heading left at
the end of a paragraph (…持续用力。二、存在的问题), a signature and date after the closing formula."""
from __future__ import annotations

import re

from fanwen.index.ingest.blocks import split_body_lines
from fanwen.index.ingest.layout import MAX_HEADING, split_title
from fanwen.index.ingest.roles import CLOSING_CUE
from fanwen.index.ingest.structure import NUMERALS

# a top heading (二、 onwards: 一、 opens a list as often) after a sentence end, the line's last words
_TAIL_HEADING = re.compile(rf"(?<=[。！？!?])([{NUMERALS}]{{1,2}}、[^。！？!?；;，,：:]{{2,24}})$")
# a signature and a date after the closing formula: …批评指正。XX街道党工委书记王XX2025年1月10日
_TAIL_SIGNATURE = re.compile(r"(?<=[。！!])([^。！？!?，,；;]{2,30}?)?(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$")


def unglue(lines: list[str], levels: list[int | None]) -> tuple[list[str], list[int | None]]:
    """Each body line cut where a title, a heading or a signature was glued to it; levels follow."""
    return split_body_lines(lines, levels, lambda i, line: _pieces(line, first=i == 0))


def _pieces(line: str, first: bool) -> list[str]:
    head = split_title(line) if first and len(line) > MAX_HEADING else [line]
    head = [part for part in head if part]
    body = head.pop()
    if heading := _TAIL_HEADING.search(body):
        return [*head, body[:heading.start()], heading.group(1)]
    if signature := _TAIL_SIGNATURE.search(body):
        tail = [part.strip() for part in signature.groups() if part and part.strip()]
        return [*head, body[:signature.start()], *tail]
    if page := _TAIL_AFTER_CLOSING.search(body):
        return [*head, body[:page.start("page")], page.group("page")]
    return [*head, body]


# words after the closing formula's sentence that hold no sentence: a page's footer joined to the report's last
# line (…批评指正。（责任编辑：XX）【打印本页】上一篇：…); the lines below the closing are then read as such
_TAIL_AFTER_CLOSING = re.compile(rf"(?:{CLOSING_CUE.pattern})[^。！？!?]*[。！!](?P<page>[^。！？!?]{{4,}})$")
