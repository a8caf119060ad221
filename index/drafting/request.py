"""What a drafting request asks for: points per section, focus words, the report's title."""
from __future__ import annotations

import re

from fanwen.index.errors import InvalidInput

DEFAULT_COUNTS = {"opening": 1, "achievements": 4, "problems": 3, "causes": 3, "plans": 4, "closing": 1}
MAX_COUNT = 10


def validate_counts(counts: dict | None) -> dict[str, int]:
    merged = dict(DEFAULT_COUNTS)
    for key, value in (counts or {}).items():
        if key not in DEFAULT_COUNTS:
            raise InvalidInput(f"unknown section {key!r} in counts: allowed {', '.join(DEFAULT_COUNTS)}",
                               field="counts", zh=f"未知的部分 {key!r}：只能是 {'、'.join(DEFAULT_COUNTS)}")
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON's 10.0 is the integer 10
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            raise InvalidInput(f"count for {key} must be a whole number from 0 to {MAX_COUNT}, got {value!r}",
                               field="counts", zh=f"{key} 的条数应是 0 到 {MAX_COUNT} 之间的整数，现在是 {value!r}")
        merged[key] = value
    return merged


def split_focus(focus) -> list[str]:
    """Focus words from a string (spaces, commas, 、) or a list; at most 10."""
    items = [focus] if isinstance(focus, str) else list(focus or [])
    words = [w for item in items for w in re.split(r"[\s,，、;；]+", str(item)) if w]
    if max(len(words), len(items)) > 10:  # a list of more than 10 entries is too many, empty ones included
        count = max(len(words), len(items))
        raise InvalidInput(f"at most 10 focus words, got {count}", field="focus",
                           zh=f"重点词最多 10 个，现在有 {count} 个，请删减")
    return list(dict.fromkeys(words))


def make_title(topic: str) -> str:
    """街道党工委书记 抓基层党建工作述职 -> 街道党工委书记抓基层党建工作述职报告."""
    title = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", topic.strip())
    if title.endswith("报告"):
        return title
    return title + ("报告" if title.endswith("述职") else "述职报告")
