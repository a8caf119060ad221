"""A report pasted into a spreadsheet a paragraph a cell and saved as CSV (序号,内容,备注): the text column."""
from __future__ import annotations

import csv
import re

MIN_ROWS = 5
HEADER_MAX = 6
ROW_SHARE = 0.8  # of the non-empty lines, the share that must split into the header's number of cells
_CJK = re.compile(r"[\u4e00-\u9fff]")


def csv_column(lines: list[str]) -> list[str] | None:
    """The cells of the column holding most Chinese text, a line each (the header row and empty cells left
    out), when the lines are CSV rows of two or more cells; None for any other text."""
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
    return [row[main].strip() for row in rows[start:] if row[main].strip()]
