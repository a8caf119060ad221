"""A report pasted as messages (a chat export, an e-mail reply quoting it) or transcribed from a recording: the
main author's words only."""
from __future__ import annotations

import re
from collections import Counter, defaultdict

# A chat app's export: each message under a line with its time and sender (2025-01-07 16:42:03 办公室-周晓(2731…))
_CHAT_HEAD = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}\s*\d{1,2}:\d{2}(:\d{2})?\s*(?P<sender>\S.{0,40})$"
                        # or the sender first, as a WeChat chat's export writes it (张XX 2025/1/7 20:13:05; with
                        # dashes it is a reviewer's margin comment, margin_comments)
                        r"|^(?P<first>[^\s\d]{1,16})\s+\d{4}/\d{1,2}/\d{1,2}\s+\d{1,2}:\d{2}(:\d{2})?$")
# A speech-to-text export: each turn under its speaker and time (发言人1 00:01:20, 00:01:20 说话人2, Speaker 1 01:20)
_SPEAKER = r"(?:发言人|说话人|讲话人|Speaker|speaker)\s*\d{1,2}|[^\s\d:：]{1,8}"
_TURN_HEAD = re.compile(rf"^(?P<sender>{_SPEAKER})\s*(\d{{1,2}}:)?\d{{1,2}}:\d{{2}}$|"
                        rf"^(\d{{1,2}}:)?\d{{1,2}}:\d{{2}}\s*(?P<later>{_SPEAKER})$")
MIN_MESSAGES = 4
AUTHOR_MESSAGES = 3


# WeChat's merged forward of a chat: the sender, the day and the time over each message (张XX  1月8日 下午3:12)
_DATED_HEAD = re.compile(r"^(?P<sender>[^\s\d]{1,12})\s*\d{1,2}月\d{1,2}日\s*(上午|下午|晚上|凌晨|中午)?\s*\d{1,2}:\d{2}$")


def message_heads(lines: list[str]) -> list[tuple[int, str]]:
    """(position, sender) of each message header, for the kind of header the text uses most."""
    chat, turns, dated = [], [], []
    for i, line in enumerate(lines):
        if match := _CHAT_HEAD.match(line.strip()):
            chat.append((i, (match["sender"] or match["first"]).strip()))
        elif match := _TURN_HEAD.match(line.strip()):
            turns.append((i, (match["sender"] or match["later"]).replace(" ", "")))
        elif match := _DATED_HEAD.match(line.strip()):
            dated.append((i, match["sender"]))
    return max(chat, turns, dated, key=len)


def chat_messages(lines: list[str]) -> list[int]:
    """Positions of a chat export's or a transcript's furniture: the lines above its first message, every
    message header, and the messages of everyone but the one who wrote or spoke most (the report, pasted in
    several messages or read out between a chair's words)."""
    heads = message_heads(lines)
    # the author sends several messages: a schedule's lines (8:30 签到, 9:00 开幕…) name a new item each time
    if len(heads) < MIN_MESSAGES or max(Counter(sender for _, sender in heads).values()) < AUTHOR_MESSAGES:
        return []
    written: dict[str, int] = defaultdict(int)
    bounds = [*(i for i, _ in heads[1:]), len(lines)]
    for (start, sender), end in zip(heads, bounds):
        written[sender] += sum(len(line) for line in lines[start + 1:end])
    author = max(written, key=written.get)
    drop = list(range(heads[0][0]))
    for (start, sender), end in zip(heads, bounds):
        drop.extend(range(start, start + 1 if sender == author else end))
    return drop


# An e-mail reply quoting the report: 在 2025年1月8日 周三 09:12，张XX <…> 写道： / On …, … wrote:, then "> " lines
_ATTRIBUTION = re.compile(r"^(在.{4,60}写道|On .{4,80}wrote)\s*[:：]$")
_QUOTE = re.compile(r"^>\s?")
QUOTED_SHARE = 0.6


def quoted_report(lines: list[str]) -> tuple[list[str], list[str]] | None:
    """The lines a reply quotes below its first attribution line, unquoted one level, and the rest, dropped
    (the reply's own words above, its signature below, an older message quoted in turn), when most lines
    below the attribution are quoted; None for any other text."""
    start = next((i for i, line in enumerate(lines) if _ATTRIBUTION.match(line.strip())), None)
    if start is None:
        return None
    below = [line for line in lines[start + 1:] if line.strip()]
    quoted = [line for line in below if _QUOTE.match(line.lstrip())]
    if len(quoted) < QUOTED_SHARE * len(below):
        return None
    inner = [_QUOTE.sub("", line.lstrip(), count=1) for line in quoted]
    kept = [line for line in inner if not _QUOTE.match(line.lstrip()) and not _ATTRIBUTION.match(line.strip())]
    dropped = [line.strip() for line in lines[:start + 1] + [line for line in below if not _QUOTE.match(line.lstrip())]
               + [line for line in inner if line not in kept] if line.strip()]
    return kept, dropped


# Word/WPS comments copied with the text: the reviewer and the time on a line (李XX 2025-01-06 10:21), the comment
# on the next, after the paragraph they annotate
_COMMENT_HEAD = re.compile(r"^\S{1,12}\s*\d{4}-\d{1,2}-\d{1,2}\s*\d{1,2}:\d{2}(:\d{2})?$")
MIN_COMMENTS = 2


def margin_comments(lines: list[str]) -> list[int]:
    """Positions of comment heads and the comment line under each, when the text has a few of them (a chat
    export's heads carry the time before the sender, and their messages are kept: chat_messages)."""
    heads = [i for i, line in enumerate(lines) if _COMMENT_HEAD.match(line.strip())]
    if len(heads) < MIN_COMMENTS:
        return []
    return [j for i in heads for j in (i, i + 1) if j < len(lines)]
