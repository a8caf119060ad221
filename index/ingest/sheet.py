"""A report kept in a sheet or a table: saved as CSV a paragraph a cell (序号,内容,备注), or a two-column Word table
(项目 | 内容) copied as text: its text, a cell a line."""
from __future__ import annotations

import csv
import re

MIN_ROWS = 5
HEADER_MAX = 6
ROW_SHARE = 0.8  # of the non-empty lines, the share that must split into the header's number of cells
_CJK = re.compile(r"[\u4e00-\u9fff]")


def csv_column(lines: list[str]) -> tuple[list[str], list[str]] | None:
    """The cells of the column holding most Chinese text, a line each (the header row and empty cells left
    out), and the other columns' cells, dropped (序号, 备注); None when the lines are not CSV rows of two or more
    cells."""
    body = [line for line in lines if line.strip()]
    if len(body) < MIN_ROWS or "," not in body[0]:
        return None
    rows = list(csv.reader(body))
    width = len(rows[0])
    if width < 2 or sum(len(row) == width for row in rows) < ROW_SHARE * len(rows):
        return None
    rows = [row for row in rows if len(row) == width]
    text = [sum(len(_CJK.findall(row[col])) for row in rows[1:]) for col in range(width)]
    main = max(range(width), key=text.__getitem__)
    # a report's own lines hold commas (，) but not many ASCII ones; rows of a sheet hold width - 1 each
    if text[main] < 0.5 * sum(len(_CJK.findall(line)) for line in body):
        return None
    start = 1 if len(rows[0][main].strip()) <= HEADER_MAX else 0  # 内容 / 正文: the column's label
    dropped = [cell.strip() for row in rows for col, cell in enumerate(row)
               if (col != main or row is rows[0] and start) and _CJK.search(cell)]
    return [row[main].strip() for row in rows[start:] if row[main].strip()], dropped


# A two-column table copied as text: 二、履职情况及成效<TAB>（一）把牢政治方向…, a cell's later lines without a left cell
_TWO_CELLS = re.compile(r"^([^\t]{0,16})\t+([^\t]+)$")
_HEADER_CELLS = ("项目", "栏目", "类别", "内容", "事项")
MIN_TABLE_ROWS = 3


def table_cells(lines: list[str]) -> tuple[list[str], list[str]] | None:
    """Each row's left cell (the part it names) and right cell on lines of their own, and the header row,
    dropped, when the text is such a table; None for any other text."""
    rows = [(i, match) for i, line in enumerate(lines) if (match := _TWO_CELLS.match(line.rstrip()))]
    tabbed = sum(1 for line in lines if "\t" in line)
    if len(rows) < MIN_TABLE_ROWS or len(rows) < 0.9 * tabbed:
        return None
    cells = {i: match for i, match in rows}
    out: list[str] = []
    dropped: list[str] = []
    for i, line in enumerate(lines):
        if i not in cells:
            out.append(line)
            continue
        left, right = (cell.strip() for cell in cells[i].groups())
        if re.sub(r"\s", "", left) in _HEADER_CELLS:
            dropped.append(line.strip())
            continue
        out.extend(cell for cell in (left, right) if cell)
    return out, dropped


QUOTED_SHARE = 0.3  # of the non-empty lines, the share wrapped in a CSV cell's quotes


def csv_unquoted(lines: list[str]) -> list[str]:
    """A one-column sheet saved as CSV: the cells that held a comma are wrapped in double quotes and their own
    quotes doubled ("我带头落实""三个一""机制,…"); each line unwrapped and its quotes single again."""
    body = [line.strip() for line in lines if line.strip()]
    wrapped = [line for line in body if line.startswith('"')]
    if len(body) < MIN_ROWS or len(wrapped) < QUOTED_SHARE * len(body) or \
            sum(line.endswith('"') for line in wrapped) < 0.5 * len(wrapped):
        return lines
    return [_unquote(line.strip()) for line in lines]


def _unquote(line: str) -> str:
    if line.startswith('"'):
        line = line[1:-1] if line.endswith('"') and len(line) > 1 else line[1:]
    return line.replace('""', '"')
