"""What the OpenAPI document promises about inputs and errors, and the route-side checks that keep the promise."""
from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import BaseModel, BeforeValidator

from fanwen.index.drafting.copycheck import MAX_CHARS
from fanwen.index.drafting.request import DEFAULT_COUNTS, MAX_COUNT
from fanwen.index.errors import InvalidInput
from fanwen.index.records import ROLE_LABELS, ROLES
from fanwen.index.retrieval.intent import MAX_QUERY, ROLE_NAMES
from fanwen.index.retrieval.search import MAX_K, MAX_OFFSET

TEXT = r"[\p{L}\p{N}]"  # at least one letter, digit or CJK character, as the routes check
QUERY = {"type": "string", "minLength": 1, "maxLength": MAX_QUERY, "pattern": TEXT}
ROLE_VALUES = list(ROLE_NAMES)  # English ids and the Chinese labels the page shows (问题, 做法, 打算…)
ROLE = {"type": "string", "enum": ROLE_VALUES}
K = {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": 5}
OFFSET = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}
CHUNK_ID = {"type": "integer", "minimum": 0}
# Python's own whitespace (re \s), which the focus words are split on, spelled out for any regex engine.
_SPACE = "".join(f"\\u{c:04x}" for c in range(0x3001) if chr(c).isspace()) + ",，、;；"
_WORD, _SEP = f"[^{_SPACE}]", f"[{_SPACE}]"
FOCUS = {"anyOf": [
    {"type": "string", "pattern": f"^{_SEP}*({_WORD}+{_SEP}+){{0,9}}{_WORD}*{_SEP}*$",
     "description": "at most 10 words separated by spaces, commas or 、"},
    {"type": "array", "maxItems": 10, "items": {"type": "string", "pattern": f"^{_WORD}*$"}}, {"type": "null"}]}
COUNTS = {"anyOf": [{"type": "object", "additionalProperties": False, "properties": {
    key: {"type": "integer", "minimum": 0, "maximum": MAX_COUNT} for key in DEFAULT_COUNTS}}, {"type": "null"}]}
# a draft must hold something besides whitespace and control characters; at most MAX_CHARS characters
DRAFT_TEXT = {"type": "string", "maxLength": MAX_CHARS, "pattern": r"[^\s\x00-\x1f\x7f-\x9f\ufffe\uffff]"}
THRESHOLD = {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.5}


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error the API answers: {"error": {"code": "...", "message": "..."}}."""
    error: ErrorDetail


WHY = {400: "a parameter is outside what is allowed (the message names it)", 401: "missing or wrong X-API-Key",
       404: "no such chunk or document", 413: "upload or text over the size limit",
       415: "file type other than .txt, .md, .docx or .pdf", 422: "malformed request, or a file that cannot be read",
       503: "the index is busy with another write; retry", 507: "the index could not be written (disk full?)"}


def errors(*codes: int) -> dict:
    """OpenAPI `responses` for these error statuses, each with the one error shape."""
    return {code: {"model": ErrorBody, "description": WHY[code]} for code in codes}


def has_text(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def checked_query(raw: str, field: str = "query") -> str:
    """The query as the schema allows it: at most MAX_QUERY characters with a letter, digit or CJK character."""
    if len(raw) > MAX_QUERY:
        raise InvalidInput(f"{field} is {len(raw)} characters long: at most {MAX_QUERY} are allowed", field=field,
                           zh=f"查询有 {len(raw)} 个字，最多 {MAX_QUERY} 个字，请删减后再试")
    if raw.strip() and not has_text(raw):
        raise InvalidInput(f"{field} has no letter, digit or Chinese character: say what to look for", field=field,
                           zh="查询里没有汉字、字母或数字：请输入要找的内容")
    return raw


def checked_roles(values) -> list[str]:
    """Role names exactly as the schema's enum lists them."""
    items = [values] if isinstance(values, str) else list(values or [])
    for name in items:
        if name not in ROLE_NAMES:
            labels = "、".join(ROLE_LABELS.values())
            raise InvalidInput(f"unknown role {name!r}: allowed {', '.join(ROLES)} or {labels}", field="role",
                               zh=f"未知的段落类型“{name}”：只能是 {labels}（或 {', '.join(ROLES)}）")
    return items


def whole(raw: str):
    """A URL's whole number as an int; anything else as given, for the library to refuse by name."""
    return int(raw) if isinstance(raw, str) and re.fullmatch(r"-?[0-9]+", raw.strip()) else raw


def _whole_number(value):
    """JSON integers, written 10 or 10.0; never strings or booleans (the schema says integer)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("应是整数 (must be a whole number)")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
