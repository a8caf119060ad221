"""A report in traditional characters (a 简繁转换 run by mistake, a copy from a Hong Kong or Taiwan site) is read
in simplified ones, so role cues, keywords and queries meet it."""
from __future__ import annotations

import re
from functools import lru_cache

import opencc

_HAN = re.compile(r"[\u3400-\u9fff]")
# A simplified text loses no character to the conversion (the five sample reports: none of 20,000); a few names
# or quoted old forms in a simplified text stay under this share.
TRADITIONAL_SHARE = 0.05


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(texts: list[str], share: float = TRADITIONAL_SHARE) -> list[str]:
    """The texts in simplified characters when at least `share` of their characters are traditional; else as
    they are."""
    joined = "\n".join(texts)
    han = len(_HAN.findall(joined))
    if not han:
        return texts
    converted = _converter().convert(joined)
    changed = sum(a != b for a, b in zip(joined, converted))  # t2s maps character for character
    if changed < share * han or not changed:
        return texts
    return [_converter().convert(text) for text in texts]
