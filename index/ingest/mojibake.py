"""Text garbled by a wrong encoding on its way here: UTF-8 read as GBK is read back (鍏氬缓宸ヤ綔 → 党建工作), and
GBK read as Latin-1 (ÎÒÊ¼ÖÕ → 我始终); a line of nothing but replacement characters and 锟斤拷 is left out."""
from __future__ import annotations

import re
from bisect import bisect_right

_CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
_LOST = re.compile(r"\ufffd|锟斤拷|[\u0370-\u06ff\u0100-\u024f]")  # replacement marks, their GBK echo, stray scripts
GARBLED_SHARE = 0.3  # a garbled line: this share of its characters is lost


def _utf8_starts() -> re.Pattern:
    """The characters whose GBK bytes are a UTF-8 lead byte of a Chinese character and a continuation byte: where
    a misread run begins. Few simplified characters are among them (GB2312's trail bytes are above 0xA0)."""
    chars = {bytes((lead, trail)).decode("gbk", errors="ignore") for lead in range(0xE3, 0xEA) for trail in range(0x80, 0xC0)}
    return re.compile("[" + re.escape("".join(sorted(char for char in chars if len(char) == 1))) + "]")


_UTF8_START = _utf8_starts()


def _gbk_bytes(line: str) -> tuple[bytes, list[int]]:
    """The line's GBK bytes and where each character's bytes begin (one pass); a character GBK cannot hold
    becomes a byte UTF-8 never uses, so no run reads back across it."""
    parts, offsets = [], [0]
    for char in line:
        try:
            part = char.encode("gbk")
        except UnicodeEncodeError:
            part = b"\xff"
        parts.append(part)
        offsets.append(offsets[-1] + len(part))
    return b"".join(parts), offsets


def _read_back(raw: bytes, offsets: list[int], start: int) -> tuple[str, int] | None:
    """The longest run from character `start` whose GBK bytes read as UTF-8, when that is Chinese text, and where
    it ends; None when there is none (GBK bytes of real words are almost never valid UTF-8). The decoder says
    where the valid part stops, so each start costs one decode of at most MAX_RUN characters' bytes."""
    begin = offsets[start]
    window = raw[begin:begin + 2 * MAX_RUN]
    try:
        window.decode("utf-8")
        valid = len(window)
    except UnicodeDecodeError as error:
        valid = error.start
    end = bisect_right(offsets, begin + valid) - 1  # the last whole character inside the valid bytes
    for stop in range(end, max(end - 3, start + 2), -1):  # a character may end inside a UTF-8 sequence
        try:
            read = raw[begin:offsets[stop]].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return (read, stop) if len(_CHINESE.findall(read)) >= 2 and len(read) < stop - start else None
    return None


MAX_RUN = 64  # characters read back at a time (a longer misread run is read back in pieces, each ending on a whole character)


_LATIN = re.compile(r"[\u00a0-\u00ff]")
LATIN_SHARE = 0.5  # a line garbled this way is mostly accented Latin letters and no Chinese


def _from_latin(line: str) -> str:
    """A line of GBK bytes read as Latin-1 or cp1252, read back; as it is when it does not read back as Chinese."""
    if len(_LATIN.findall(line)) < LATIN_SHARE * len(line.strip()) or _CHINESE.search(line):
        return line
    for codec in ("cp1252", "latin-1"):
        try:
            read = line.encode(codec).decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(_CHINESE.findall(read)) >= 0.5 * len(read.strip()):
            return read
    return line


def repair(line: str) -> str:
    """A line of GBK read as Latin-1 read back; runs of UTF-8 read as GBK read back (the longest that reads back
    from each place one can begin); everything else as it is."""
    line = _from_latin(line)
    if not _UTF8_START.search(line):
        return line
    raw, offsets = _gbk_bytes(line)
    out, i = [], 0
    while i < len(line):
        if _UTF8_START.match(line[i]) and (found := _read_back(raw, offsets, i)) is not None:
            out.append(found[0])
            i = found[1]
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def is_garbled(line: str) -> bool:
    """Whether too much of the line is lost to replacement characters, 锟斤拷 or stray scripts to be text."""
    compact = re.sub(r"\s", "", line)
    lost = sum(len(match.group(0)) for match in _LOST.finditer(compact))
    return bool(compact) and lost >= GARBLED_SHARE * len(compact)
