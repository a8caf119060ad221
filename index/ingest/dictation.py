"""Text dictated without punctuation (a voice input method with auto-punctuation off): pauses become commas."""
from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u9fff]")
_MARKS = re.compile(r"[，。、；：！？,;:!?]")
# a pause: a space, two, or a full-width one (a phone's input method), between Chinese characters or figures
_PAUSE = re.compile(r"(?<=[\u3400-\u9fffX0-9%])[ \u3000]+(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])[ \u3000]+(?=[0-9])")
_ENDED = re.compile(r"[。！？；：…”」）)]$")
# A line this long is a sentence or more, not a heading (第一部分 主要工作) or a signature (述职人 李XX).
_BODY_LINE = 20


def is_dictated(texts: list[str]) -> bool:
    """Hundreds of Chinese characters with (almost) no punctuation, and pauses marked by spaces between runs of
    several characters (a PDF's letter-spaced text has a space after every character instead)."""
    joined = "\n".join(texts)
    han = len(_HAN.findall(joined))
    pauses = _PAUSE.findall(joined)
    if han < 300 or len(_MARKS.findall(joined)) * 200 > han or len(pauses) * 40 < han:
        return False
    return han / (len(pauses) + 1) >= 4


def punctuate(texts: list[str]) -> list[str]:
    """Each long line's pauses read as commas and its end as a full stop, so it stays one paragraph and its
    sentences can be found; short lines (headings, the salutation, the signature) are left as they are."""
    if not is_dictated(texts):
        return texts
    return [_punctuate_line(text) for text in texts]


def _punctuate_line(text: str) -> str:
    text = text.strip()
    if len(_HAN.findall(text)) < _BODY_LINE or not _PAUSE.search(text):  # a title has no pause to mark
        return text
    text = _PAUSE.sub("，", text)
    return text if _ENDED.search(text) else text + "。"
