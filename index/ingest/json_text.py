"""A report saved as a web API's raw JSON response: its title and body fields, unescaped; the rest is metadata."""
from __future__ import annotations

import json
from typing import Iterator

_TITLE_KEYS = ("title", "标题", "name", "subject", "docTitle")
MIN_BODY = 50  # a body field holds paragraphs, not a name or a date


def _strings(value, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, text) for every string in the parsed JSON, however deep."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from _strings(inner, str(inner_key))
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner, key)


def json_report(text: str) -> list[str] | None:
    """The title line and the body's lines when the text is one JSON document whose longest string is a report
    body; None for anything else."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        fields = list(_strings(json.loads(stripped)))
    except (ValueError, RecursionError):  # not JSON, or nested too deep to be a record (a hostile file)
        return None
    body = max(fields, key=lambda field: len(field[1]), default=("", ""))[1]
    if len(body) < MIN_BODY:
        return None
    title = next((value for key, value in fields if key in _TITLE_KEYS and value.strip() and value != body), "")
    return ([title] if title else []) + body.splitlines()
