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

# Where the API looks for text: digits and letters of Latin, Greek and Cyrillic, Chinese characters (CJK unified
# ideographs, extension A, compatibility ideographs, 〇 and Hangzhou numerals), ① ⅰ-style numbers, kana and the
# full-width forms. Spelled as literal ranges, which ECMA, Python and Rust engines read alike (`\p{L}` is not
# portable: schemathesis reads it as Latin only), and kept small (schemathesis expands a class code point by code
# point for every case it draws; all of Unicode's letters made the contract test several times slower).
TEXT_BLOCKS = ((0x30, 0x24F), (0x370, 0x4FF), (0x2160, 0x2188), (0x2460, 0x249B), (0x3005, 0x3029), (0x3040, 0x30FF),
               (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF10, 0xFF5A))


def _is_text(ch: str) -> bool:
    """A letter or digit that stays one after NFKC, as the library's query check reads it."""
    if unicodedata.category(ch)[0] not in "LN":
        return False
    folded = unicodedata.normalize("NFKC", ch)
    return folded == ch or any(unicodedata.category(x)[0] in "LN" for x in folded)


def _text_class() -> str:
    """The text characters of TEXT_BLOCKS as a regex class of literal ranges."""
    ranges = []
    for low, high in TEXT_BLOCKS:
        start = None
        for code in range(low, high + 2):
            good = code <= high and _is_text(chr(code))
            if good and start is None:
                start = code
            elif not good and start is not None:
                ranges.append(chr(start) if start == code - 1 else f"{chr(start)}-{chr(code - 1)}")
                start = None
    return f"[{''.join(ranges)}]"


TEXT = _text_class()  # at least one of these: the schema's pattern and the routes' check
_TEXT = re.compile(TEXT)
QUERY = {"type": "string", "minLength": 1, "maxLength": MAX_QUERY, "pattern": TEXT,
         "description": "1 to 1000 characters, at least one of them a Chinese character, a digit or a "
                        "Latin, Greek or Cyrillic letter (full-width forms too)"}
ROLE_VALUES = list(ROLE_NAMES)  # English ids and the Chinese labels the page shows (问题, 做法, 打算…)
ROLE = {"type": "string", "enum": ROLE_VALUES}
K = {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": 5}
OFFSET = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}
CHUNK_ID = {"type": "integer", "minimum": 0}
# Python's own whitespace (re \s), which the focus words are split on, spelled out for any regex engine.
_WHITESPACE = "".join(f"\\u{c:04x}" for c in range(0x3001) if chr(c).isspace())
_SPACE = _WHITESPACE + ",，、;；"
_WORD, _SEP = f"[^{_SPACE}]", f"[{_SPACE}]"
FOCUS = {"anyOf": [
    {"type": "string", "pattern": f"^{_SEP}*({_WORD}+{_SEP}+){{0,9}}{_WORD}*{_SEP}*$",
     "description": "at most 10 words separated by spaces, commas or 、"},
    {"type": "array", "maxItems": 10, "items": {"type": "string", "pattern": f"^{_WORD}*$"}}, {"type": "null"}]}
COUNTS = {"anyOf": [{"type": "object", "additionalProperties": False, "properties": {
    key: {"type": "integer", "minimum": 0, "maximum": MAX_COUNT} for key in DEFAULT_COUNTS}}, {"type": "null"}]}
# slot key -> chunk id; a well-formed key the outline lacks, or a chunk of another role, is a 409 (see WHY)
SLOT = f"^({'|'.join(DEFAULT_COUNTS)})-({'|'.join(str(n) for n in range(1, MAX_COUNT + 1))})$"
CHOICES = {"anyOf": [{"type": "object", "propertyNames": {"pattern": SLOT}, "additionalProperties": CHUNK_ID},
                     {"type": "null"}]}
# a draft must hold something besides whitespace and control characters; at most MAX_CHARS characters
# (Python's whitespace and ingest's control characters spelled out: `\s` differs between regex engines)
DRAFT_TEXT = {"type": "string", "maxLength": MAX_CHARS,
              "pattern": f"[^{_WHITESPACE}\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ufffe\\uffff]"}
THRESHOLD = {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.5}
CHECK_BODY = {"required": True, "content": {  # POST /api/check: pasted text as JSON, or a file
    "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
        "text": DRAFT_TEXT, "threshold": THRESHOLD}}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}, "threshold": THRESHOLD}}}}}


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error the API answers: {"error": {"code": "...", "message": "..."}}."""
    error: ErrorDetail


WHY = {400: "a parameter is outside what is allowed (the message names it)", 401: "missing or wrong X-API-Key",
       404: "no such chunk or document", 413: "upload or text over the size limit",
       409: "the choices do not fit the outline the index gives now (no such slot, or a chunk of another role)",
       415: "file type other than .txt, .md, .docx or .pdf", 422: "malformed request, or a file that cannot be read",
       503: "busy: another write holds the index, or too many queries wait for the model; retry after Retry-After seconds", 507: "the index could not be written (disk full?)"}


def errors(*codes: int) -> dict:
    """OpenAPI `responses` for these error statuses, each with the one error shape."""
    return {code: {"model": ErrorBody, "description": WHY[code]} for code in codes}


def has_text(text: str) -> bool:
    return _TEXT.search(text) is not None


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


def checked_focus(focus):
    """Focus words as FOCUS allows them: a list holds one word an entry (a string may hold up to 10)."""
    for word in focus if isinstance(focus, list) else []:
        if re.search(_SEP, word):
            raise InvalidInput(f"each entry of a focus list is one word, got {word!r}: split it into entries, or send "
                               f"the words as one string", field="focus",
                               zh=f"重点词列表的每一项应是一个词，{word!r} 里有空格、逗号或顿号：请拆成几项，或整体作为一个字符串发送")
    return focus


def checked_choices(choices: dict | None) -> dict[str, int]:
    """Slot keys and chunk ids as the schema's CHOICES allows them (whether they fit the outline is later)."""
    checked = {}
    for key, value in (choices or {}).items():
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON's 12.0 is the integer 12
        if not re.fullmatch(SLOT, key) or isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(f"choices must map slot keys such as achievements-1 to chunk ids, got {key!r}: "
                               f"{value!r}", field="choices",
                               zh=f"choices 应是“位置: 段落编号”（如 achievements-1: 12），{key!r}: {value!r} 不对")
        checked[key] = value
    return checked


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
