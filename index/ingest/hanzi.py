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
    han = sum(len(_HAN.findall(text)) for text in texts)
    if not han:
        return texts
    converted = [_converter().convert(text) for text in texts]
    # t2s maps character for character
    changed = sum(a != b for text, read in zip(texts, converted) for a, b in zip(text, read))
    if changed < share * han or not changed:
        return texts
    return converted
