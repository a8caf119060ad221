"""Helpers for the layout tests: parse a report written as lines to a file, and the texts of its chunks."""
from fanwen.index.ingest.pipeline import parse_file

CLOSING = "以上述职，不妥之处，请各位领导、同志们批评指正。"


def parse(tmp_path, lines, name="report.txt"):
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return parse_file(path)


def texts(parsed):
    return [piece.text for piece in parsed.pieces]
