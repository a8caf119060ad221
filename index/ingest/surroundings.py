"""What a report arrives wrapped in: a host page's related list, a forwarded e-mail's headers, a 公文 notice
carrying it, a table of contents, notes and annexes, and whatever follows its closing formula."""
from __future__ import annotations

import re

from fanwen.index.ingest.bullets import BULLETS
from fanwen.index.ingest.noise import CHROME_MAX, CLAUSE, bare
from fanwen.index.ingest.roles import CLOSING_CUE, OPENING_CUE
from fanwen.index.ingest.structure import NUMERALS, heading_level, is_report_title, starts_next_report

_RELATED_HEADER = re.compile(r"^(相关|推荐|延伸|热门|最新|更多)(文章|阅读|推荐|文档|资料|范文|链接)[:：]?$|^猜你喜欢[:：]?$")
RELATED_MAX = 15  # a host's list of related articles is a handful of titles


def related_lists(lines: list[str]) -> list[int]:
    """Positions of a host page's 相关文章 block: the header and the short titles listed under it."""
    found: list[int] = []
    for i, line in enumerate(lines):
        if not _RELATED_HEADER.match(bare(line)):
            continue
        found.append(i)
        for j in range(i + 1, min(i + 1 + RELATED_MAX, len(lines))):
            # a box in the middle of the page ends at the report's next part (二、存在的问题)
            if len(lines[j]) > CHROME_MAX or CLAUSE.search(lines[j]) or (heading_level(lines[j]) or 9) <= 2:
                break
            found.append(j)
    return found


# Fields of an e-mail header; a block holding a sender and a recipient or a sending time is a forwarded message
_MAIL_FIELD = re.compile(r"^(发件人|收件人|抄送|密送|发送时间|发件时间|主题|From|To|Cc|Sent|Date|Subject)\s*[:：]")
_MAIL_CORE = {"发件人", "收件人", "发送时间", "发件时间", "From", "To", "Sent"}
MAIL_TOP = 60  # a forwarded report's header blocks sit above its title


def email_preamble(lines: list[str]) -> list[int]:
    """Positions of a forwarded e-mail's header blocks and of everything above the last one (the colleague's
    forwarding note): the report starts below the original message's header."""
    fields = [(i, match.group(1)) for i, line in enumerate(lines[:MAIL_TOP])
              if (match := _MAIL_FIELD.match(line.strip()))]
    if len({name for _, name in fields} & _MAIL_CORE) < 2:
        return []
    return list(range(fields[-1][0] + 1))


# A 公文 notice carrying the report as its attachment: its header (发文字号 X直工发〔2025〕3号, …文件), then 附件
_DOC_NUMBER = re.compile(r"〔\d{4}〕\d{1,4}号(签发人[:：]\S{1,8})?$|文件$")  # a report upward names its signer
_ANNEX_LINE = re.compile(r"^附件\s*\d*\s*[:：]?$")
NOTICE_TOP = 80  # a notice's body is a few short paragraphs
MASTHEAD_LINES = 10  # its masthead and number stand at the very top
MASTHEAD_WIDTH = 30  # a masthead line or a document number, not a sentence that mentions a 文件


def notice_wrapper(lines: list[str]) -> list[int]:
    """Positions of a 公文 notice above the report it carries: from the top to the line that reads only 附件
    (the report is the attachment, so that line sits in the first half), when a document number or a …文件
    masthead stands in the first lines."""
    annex = next((i for i, line in enumerate(lines[:min(NOTICE_TOP, len(lines) // 2)])
                  if _ANNEX_LINE.match(bare(line))), None)
    if annex is None or not any(_DOC_NUMBER.search(bare(line)) for line in lines[:min(annex, MASTHEAD_LINES)]):
        return []
    return list(range(annex + 1))


def masthead(lines: list[str]) -> list[int]:
    """Positions of a 公文's masthead above the report itself: the issuing body's name (…委员会, …文件) and the
    document number (X局党〔2025〕3号), when the report's title follows the number."""
    number = next((i for i, line in enumerate(lines[:MASTHEAD_LINES])
                   if _DOC_NUMBER.search(bare(line)) and len(line) <= MASTHEAD_WIDTH and "。" not in line), None)
    if number is None or not any(is_report_title(line) for line in lines[number + 1:number + 3]):
        return []
    return list(range(number + 1))


# A notes or annex block below the closing formula: 注释：…, 附件：…清单
# A table of contents: 目录 (a slide's 目录 CONTENTS), then its entries, each a number or bullet and a short heading
_CONTENTS = re.compile(r"^(目\s*录|CONTENTS)(\s*CONTENTS)?$", re.IGNORECASE)
_ENTRY = re.compile(rf"^([{BULLETS}]?\s*(0?\d{{1,2}}|[{NUMERALS}]{{1,3}}、|第[{NUMERALS}]{{1,3}}部分)|.*\d{{1,3}}$)")
ENTRY_MAX = 40


def _heads_later(entry: str, later: list[str]) -> bool:
    """An unnumbered contents entry (存在的问题和不足) that a heading below repeats (二、存在的问题和不足)."""
    return len(entry) >= 4 and any(line.endswith(entry) and len(line) <= len(entry) + 5 for line in later)


# A booklet's cover above its contents: short lines, among them fields (单位：…, 姓名：…, 日期：…)
_COVER_FIELD = re.compile(r"^\S{2,6}[:：]")
COVER_MAX = 15


def contents(lines: list[str]) -> list[int]:
    """Positions of a table of contents: the 目录 line and the entries after it (a numbered or bulleted short
    line without a sentence in it); the first other line ends it. A cover page above it goes too."""
    drop: list[int] = []
    for i, line in enumerate(lines):
        if not _CONTENTS.match(line.strip()):
            continue
        cover = lines[:i]
        if i <= COVER_MAX and any(_COVER_FIELD.match(c) for c in cover) and not any(
                len(c) > ENTRY_MAX or CLAUSE.search(c) for c in cover):
            drop.extend(range(i))
        drop.append(i)
        for j in range(i + 1, len(lines)):
            entry = lines[j].strip()
            if len(entry) > ENTRY_MAX or any(mark in entry for mark in "。，,；;") or not (
                    _ENTRY.match(entry) or entry.endswith(("…", "...")) or _heads_later(entry, lines[j + 1:])):
                break
            drop.append(j)
    return drop


_APPENDIX = re.compile(r"^[【\[]?(注释|注|附件|附表|附录)\s*(\d*|[（(]\d{1,2}[）)])\s*([:：].*|下载[】\]]?|[】\]])?$"
                       r"|^附\s*[:：]"  # 附：学习贯彻…的体会, an essay appended below the signature
                       r"|^\**(温馨提示|提示)\**\s*[:：]"  # an assistant's or a template's notes on the text
                       r"|^(主持人|提问|问)\s*[:：]"  # below the closing, a meeting going on: its questions
                       r"|^(全部评论|网友评论|精选评论|评论区)")  # or the readers' comments under a post


ANNEX_GAP = 6  # lines between a closing formula and an annex line right below it (signature, date, a rule)


def appendix(lines: list[str], closing: re.Pattern) -> list[int]:
    """Positions from the first notes or annex line below the report's closing formula to the end: footnotes
    and attachments are not report text, nor the moderator's words and the questions that follow a speech.
    The formula must sit in the second half, as a closing does, unless an annex line follows it within a few
    lines (a long annex, an assessment, can outweigh the report)."""
    ends = [i for i in range(len(lines) // 4, len(lines)) if closing.search(lines[i])]
    starts = [j for j in range(ends[0] + 1, len(lines))
              if _APPENDIX.match(bare(lines[j])) or _SPEAKER.match(lines[j])] if ends else []
    # from the first closing on: an annex may quote a closing phrase again (请予评议 in an assessment)
    start = next((j for j in starts if j >= len(lines) // 2 or any(0 < j - end <= ANNEX_GAP for end in ends)),
                 None)
    return [] if start is None else list(range(start, len(lines)))


# a member's remark in a 述职评议 record: 张XX（党员，教导主任）：… (not a signature: 述职人：…)
_SPEAKER = re.compile(r"^(?!述职人|报告人|汇报人|记录人|主持人签字)[\u4e00-\u9fff]{1,2}(XX|某某|[\u4e00-\u9fff])"
                      r"(（[^）]{1,20}）)[:：]")
TAIL_LINES = 15  # the closing formula sits this close to the end, or it is not the end of the report


def after_closing(lines: list[str], closing: re.Pattern) -> list[int]:
    """Positions of the short, clause-free lines after the report's closing formula (以上述职，请…批评
    指正): a signature block (单位, 党委书记：XXX, the date) or what a host page put below the text."""
    ends = [i for i in range(max(0, len(lines) - TAIL_LINES), len(lines)) if closing.search(lines[i])]
    if not ends:
        return []
    tail = []
    for j in range(ends[-1] + 1, len(lines)):
        if begins_report(lines, j):
            break  # a 汇编's next report: its title and headings are no signature
        # a page's footer may run long (责任编辑…【打印本页】上一篇：…下一篇：…) but holds no sentence
        if len(lines[j]) <= CHROME_MAX and not CLAUSE.search(lines[j]) or not _SENTENCE.search(lines[j]):
            tail.append(j)
    return tail


_SENTENCE = re.compile(r"[，。；！？,;!?]")


# An advertisement a host page put between paragraphs, between two marks: —— 广告 ——
_AD_MARK = re.compile(r"^[—\-–=\s]*(广告|推广|赞助内容|AD|Advertisement)[—\-–=\s]*$")
AD_LINES = 8


def ad_blocks(lines: list[str]) -> list[int]:
    """Positions of each advertisement: its marks and the few lines between a pair of them."""
    marks = [i for i, line in enumerate(lines) if _AD_MARK.match(line)]
    drop, k = set(marks), 0
    while k + 1 < len(marks):
        if marks[k + 1] - marks[k] <= AD_LINES:
            drop.update(range(marks[k], marks[k + 1]))
            k += 2
        else:
            k += 1
    return sorted(drop)


def preface(lines: list[str]) -> list[int]:
    """Positions of what sits above a report's title when a host wrote something there: a post's or an
    editor's words (今天分享一篇…, 自己写的…) and the page around them. The title is a line naming the
    document (…述职报告) in the first third; the text above it must hold a sentence and nothing of the report
    (no 现将…报告如下, no closing formula, no part heading) unless a site's page head sits there (a breadcrumb,
    a search engine's result count: its snippets may quote the report)."""
    for title in range(1, min(len(lines), max(len(lines) // 3, PREFACE_LINES))):
        if heading_level(lines[title - 1]) in (1, 2):
            return []  # the report has begun (一、…): a title-like line below it is a page header or an annex
        # a running header repeats: the title is said once
        if not is_report_title(lines[title]) or lines.count(lines[title]) > 1:
            continue
        above = lines[:title]
        if any(_PAGE_HEAD.search(line) for line in above):
            return list(range(title))
        if journal := [i for i, line in enumerate(above) if _JOURNAL_HEAD.search(line)]:
            return list(range(journal[-1] + 1))  # a title wrapped in a narrow column keeps its first lines
        if any(OPENING_CUE.search(line) or CLOSING_CUE.search(line) for line in above):
            return []
        # a host's words: a sentence, or a clause of a note (汇总稿：请各科室核对…，1月8日前反馈)
        if any("。" in line or ("，" in line and len(line) >= NOTE_MIN) for line in above):
            return list(range(title))
    return []


# a breadcrumb, also glued to the menu above it (…公示公告您现在的位置：首页>基层党建)
_PAGE_HEAD = re.compile(r"^(当前位置|您的位置|您现在的位置|所在位置)\s*[:：]|(当前位置|您的位置|您现在的位置|所在位置)\s*[:：]\s*(网站)?首页"
                        r"|为您找到相关结果|百度一下")
_JOURNAL_HEAD = re.compile(r"总第\s*\d{1,4}\s*期|本期导读|往期回顾|投稿邮箱")  # a journal's masthead, down to its last line
PREFACE_LINES = 30  # a host's words above the title: a page's head, not a report's first third
NOTE_MIN = 16  # a line with a comma this long is words, not a unit's name or a date


def previous_tail(lines: list[str]) -> list[int]:
    """Positions of another report's last pages above this one's title, as a page range copied from a 汇编
    leaves them: the file opens inside that report (no title, no opening above), whose closing formula and
    signature sit a few lines above the title."""
    for title in range(1, len(lines)):
        if is_report_title(lines[title]):
            before, above = lines[max(0, title - TAIL_GAP):title], lines[:title]
            # a whole report above has its title, or announces itself (现将…报告如下)
            whole = any(OPENING_CUE.search(line) or is_report_title(line) for line in above)
            if begins_report(lines, title) and starts_next_report(lines[title], before) and not whole:
                return list(range(title))
            return []
    return []


def begins_report(lines: list[str], at: int) -> bool:
    """Whether a report begins at this line: its title, then its opening or its first part within a few lines
    (a related article's title on a host page has neither below it)."""
    below = lines[at + 1:at + TAIL_GAP + 2]
    return is_report_title(lines[at]) and any(OPENING_CUE.search(line) or heading_level(line) == 1 for line in below)


TAIL_GAP = 4  # the closing formula, the signature (name, unit) and the date between a report's end and the next title
