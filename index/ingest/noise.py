"""Generic noise rules: page marks (also inside sentences), site chrome and bylines, repeated titles."""
from __future__ import annotations

import re
from collections import defaultdict

from fanwen.index.ingest.clean import Rules
from fanwen.index.ingest.structure import NUMERALS, heading_level, names_type, starts_next_report

CHROME_MAX = 60  # chrome lines are short; a longer line is text even when it names a site word
CLAUSE = re.compile(r"[，。；,;]")
_FIELD = r"\s*[:：]"
_CRUMB = re.compile(r"[>»›]")
_COUNTER = re.compile(r"(?<![\d/.])(\d{1,3})\s*/\s*(\d{1,3})(?![\d/.])")
_CJK = re.compile(r"[\u3400-\u9fff]")


def is_page_mark(line: str, rules: Rules) -> bool:
    return any(p.search(line) for p in rules.pages)


def page_totals(lines: list[str], rules: Rules) -> set[int]:
    """Totals M of `n/M` page counters: seen on a page-mark line, or with several page numbers in the text.

    A lone fraction (1/3 的党员) has neither, so it stays.
    """
    numbers: dict[int, set[int]] = defaultdict(set)
    totals = set()
    for line in lines:
        for n, m in ((int(a), int(b)) for a, b in _COUNTER.findall(line)):
            if 0 < n <= m:
                numbers[m].add(n)
                if is_page_mark(line, rules):
                    totals.add(m)
    return totals | {m for m, seen in numbers.items() if len(seen) >= 2 and m >= 2}


def cut_page_counters(line: str, totals: set[int]) -> tuple[str, list[str]]:
    """Remove `n/M` counters that a copy left inside a sentence; returns the line and what was cut."""
    cut: list[str] = []

    def drop(match: re.Match) -> str:
        if int(match.group(2)) in totals and 0 < int(match.group(1)) <= int(match.group(2)):
            cut.append(match.group())
            return ""
        return match.group()

    return _COUNTER.sub(drop, line), cut


def site_words_in(line: str, rules: Rules) -> list[str]:
    found, rest = [], line
    for word in rules.site_words:
        if word in rest:
            found.append(word)
            rest = rest.replace(word, " ")
    return found


def is_chrome(line: str, rules: Rules) -> bool:
    """A short line of page furniture: a breadcrumb, labelled fields (作者：…), a row of buttons.

    Chrome never has clause punctuation (，。；), which report text always has; a short heading
    that names one site word (经验分享) keeps its content words and stays.
    """
    if len(line) > CHROME_MAX or CLAUSE.search(line):
        return False
    if len(_CRUMB.findall(line)) >= 2:
        return True
    words = site_words_in(line, rules)
    if len(set(words)) >= 2:
        return True
    if any(re.search(re.escape(word) + _FIELD, line) for word in words):
        return True
    return bool(words) and _content_left(line, words) <= 2


def _content_left(line: str, words: list[str]) -> int:
    """CJK characters left once site words and button verbs are taken out."""
    for word in words + ["立即", "点此", "点击", "马上", "免费", "全文", "本文", "到"]:
        line = line.replace(word, "")
    return len(_CJK.findall(line))


# A form copied from Word as text, a row a line: 姓  名 | 王XX | 性  别 | 男, 民主测评结果 | 参加测评38人…
_CELL = re.compile(r"\s*[|｜]\s*")
_FIELD_LABEL = re.compile(r"(姓名|性别|民族|学历|出生年月|政治面貌|职务|职称|时间|日期|单位|基本情况|意见|结果|评价|"
                          r"签字|盖章)(（[^）]{0,8}）)?[:：]?$")
_BODY_LABEL = re.compile(r"(述职|报告|汇报)(内容|正文)")


def form_row(line: str) -> tuple[str, str]:
    """(what stays, what goes) of a form's row: the report's own text where the row's label names it
    (述职内容（可另附页） | 2024年，…), nothing of another row whose first cell is a field label; a line
    that is no such row stays whole. A Markdown table (| a | b |) is a table, not a form."""
    cells = _CELL.split(line.strip())
    label = bare(cells[0])
    if len(cells) < 2 or line.lstrip().startswith(("|", "｜")) or not (
            _FIELD_LABEL.search(label) or _BODY_LABEL.search(label)):
        return line, ""
    if _BODY_LABEL.search(label):
        return " | ".join(cells[1:]), cells[0]
    return "", line


def running_headers(lines: list[str], levels: list[int | None]) -> list[int]:
    """Copies of a short unnumbered line without clause punctuation that the text repeats: a PDF's running
    header (an OCR'd copy may differ by a character: 2O24, 材 料). Every copy goes but one above the text (the
    title the header repeats), and the copies of a numbered heading after its first; before wrapped lines are
    re-joined, so a paragraph a page break cut is one again."""
    groups: list[list[int]] = []
    seen: dict[str, list[int]] = {}  # each line's key and its one-deletion variants -> its group
    for i, (line, level) in enumerate(zip(lines, levels)):
        key = bare(line).translate(_OCR_DIGITS)
        if level is not None or len(key) < 6 or len(line) > CHROME_MAX or CLAUSE.search(line) \
                or heading_level(line) is not None:
            continue
        variants = _variants(key)
        group = next((seen[v] for v in variants if v in seen), None)
        if group is None:
            group = []
            groups.append(group)
        group.append(i)
        for variant in variants:
            seen.setdefault(variant, group)
    body = next((i for i, line in enumerate(lines) if CLAUSE.search(line) or len(line) > CHROME_MAX), len(lines))
    repeated = [group for group in groups if len(group) > 1]
    once = set(range(body)) - {i for group in repeated for i in group}
    return sorted([i for group in repeated for i in group if i > body or i != group[0] or _title_below(lines, group[0], body, once)]
                  + _repeated_headings(lines, levels))


def _title_below(lines: list[str], header: int, body: int, once: set[int]) -> bool:
    """A line between a repeated header's first copy and the text, said once, names the document
    (…述职报告): that is the title, and the header (XX镇党委·2023年度述职评议材料) only a page header."""
    return any(names_type(lines[i]) for i in range(header + 1, body) if i in once)


_LEADER = re.compile(r"…{2,}|\.{4,}|·{4,}|．{4,}")
_HEADING_MARKER = re.compile(rf"^([{NUMERALS}]{{1,3}}、|第[{NUMERALS}]{{1,3}}部分)")


def _repeated_headings(lines: list[str], levels: list[int | None]) -> list[int]:
    """Copies of a numbered heading after its first: a PDF that heads each page with the part it is in
    (二、存在的问题及原因 again at a page's top, maybe inside a paragraph the page break cut)."""
    first: dict[str, str] = {}  # a heading's marker (二、) -> its first wording
    copies = []
    for i, (line, level) in enumerate(zip(lines, levels)):
        if starts_next_report(line, lines[max(0, i - 3):i]):
            first = {}  # a 汇编: the next report numbers its own parts (一、主要工作 again)
        marker = _HEADING_MARKER.match(line)
        if level is not None or marker is None or len(line) > CHROME_MAX or CLAUSE.search(line) \
                or _LEADER.search(line):  # a table of contents' entry (一、履职尽责情况……3) is no heading
            continue
        words = bare(line[marker.end():])
        seen = first.setdefault(marker.group(), words)
        # the same words, or a page header's short form of them (存在的问题及原因 for 当前存在的问题及原因分析)
        if seen is not words and sum(ch in seen for ch in words) >= 0.9 * len(words):
            copies.append(i)
    return copies


# characters an OCR reads for digits (2O24, 2〇24): a running header's copies differ by them
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1"})


def _variants(key: str) -> list[str]:
    """The key and, from 10 characters, each copy of it less one character: two keys one substitution,
    insertion or deletion apart share one of these (the near-duplicate lookup of SymSpell)."""
    return [key] + ([key[:i] + key[i + 1:] for i in range(len(key))] if len(key) >= 10 else [])


def repeated_title(lines: list[str], title: str) -> list[int]:
    """Positions of later lines that only repeat the title (page headers, a host's heading)."""
    key = bare(title)
    return [i for i, line in enumerate(lines) if key and bare(line) == key][1:]


def bare(text: str) -> str:
    return re.sub(r"[\s　]", "", text)



# Page marks a copy left inside a sentence (a PDF page break mid-sentence): - 3 -, 第 3 页 (共 9 页).
_INLINE_PAGE = (
    re.compile(r"\s*(?<![0-9A-Za-z])[-—–－]\s*(?P<n>\d{1,3})\s*[-—–－](?![0-9A-Za-z])\s*"),
    re.compile(r"\s*第\s*(?P<n>\d{1,3})\s*页(?:\s*[，,/]?\s*共\s*(?P<m>\d{1,3})\s*页)?\s*"),
    re.compile(r"\s*共\s*(?P<m>\d{1,3})\s*页\s*第\s*(?P<n>\d{1,3})\s*页\s*"),
)
PAGE_CHARS = 150  # a page holds at least this much text, so real page marks are never closer


def page_marks(lines: list[str]) -> dict[int, list[tuple[int, int]]]:
    """Spans (per line index) of in-text page marks that are clearly page marks.

    Clear: the mark states its total (第 3 页 共 9 页), or the document's marks of that form,
    whole-line ones included, count pages in order (steps of 1-2) at least a page of text apart.
    A reference like 见第3页和第5页 is neither, so it stays.
    """
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pattern in _INLINE_PAGE:
        found, offset = [], 0
        for i, line in enumerate(lines):
            found.extend((i, offset + m.start(), m) for m in pattern.finditer(line))
            offset += len(line)
        sequence = len(found) >= 2 and all(
            1 <= int(b[2]["n"]) - int(a[2]["n"]) <= 2 and b[1] - a[1] >= PAGE_CHARS for a, b in zip(found, found[1:]))
        for i, _, match in found:
            total = match.groupdict().get("m")
            if sequence or (total and 0 < int(match["n"]) <= int(total)):
                spans[i].append(match.span())
    return spans


# Bracketed asides dropped into a sentence: a document site's watermark (【本文档由XX文库用户上传】), a reviewer's
# note (【王科长：此处数据再核实】, 【此段是否再展开？】), a drafter's placeholder (【待补充数据】) or note to self
# (（此处加数据）), a speech's stage direction (（全场掌声）), struck-through text (~~…~~)
_WATERMARK = re.compile(r"[【〖\[][^【】〖〗\[\]]{0,30}(上传|下载|文库|转载)[^【】〖〗\[\]]{0,20}[】〗\]]"
                        r"|【[^【】：:]{0,6}(科长|主任|局长|书记|处长|部长|领导|批注|意见|备注|起草人注|编者注)[：:][^【】]{2,60}】"
                        r"|【[^【】]{0,40}[？?][^【】]{0,40}】"
                        # an office's note in a merged draft: 【组织人事科：年龄结构数据已按12月底党员信息系统核对】
                        r"|【[^【】：:]{1,8}[科股室办][：:][^【】]{0,40}(核对|核实|核准|确认|补充|修改|更新|已按|待定)[^【】]{0,40}】"
                        # a drafter's placeholder left in the text: 【待补充数据】, 【待核实：…】, 【此处引用县委文件名称】
                        r"|【(待|此处|这里)[^【】]{1,40}】"
                        # a speech's slide cue (【PPT 2　开场，约40秒】), a proofreader's flag (【〔1〕错别字：…建议改为…】)
                        r"|【\s*(PPT|ppt|幻灯片|翻页)[^【】]{0,40}】|【〔\d{1,3}〕[^【】]{1,60}】"
                        # …or on the draft itself: 【看一下时间，超时的话下面这段压缩成一句】
                        r"|【[^【】]{0,30}(这段|这句|这一段|这部分|本段)[^【】]{0,30}】"
                        # a stage direction inside a paragraph of a speech: …的最大动力。（全场掌声）
                        r"|[（(][^（）()]{0,8}(掌声|鼓掌|笑声|停顿)[^（）()]{0,6}[）)]"
                        # …and the speaker's own cues: （语速放慢，看向台下）, （脱稿可举例：…）
                        r"|[（(](语速|看向|稍停|翻页|脱稿)[^（）()]{0,60}[）)]"
                        # a drafter's note to self in round brackets: （此处加数据）, （待领导审定）, （可删，篇幅超了）,
                        # （第三稿，12月26日改）, a question （这条要不要点学校名字？）
                        r"|[（(](此处|这里|待|可删|核实|问[^（）()]{0,6}要|举个例子|再加|结尾再|最后统一|第[一二三四五六七八九十\d]{1,2}稿)"
                        r"[^（）()]{0,40}[）)]|[（(][^（）()]{2,40}[？?][^（）()]{0,20}[）)]"
                        # struck-through draft text (~~…~~ from Markdown): deleted words
                        r"|~~[^~]{1,200}~~"
                        # a template's or an assistant's placeholder: [单位名称], [具体数据], [姓名]
                        r"|\[[^\[\]]{0,6}(名称|数据|数字|姓名|日期|时间|人数|金额)\]"
                        # a Word comment's mark copied inline after the words it is on: 召开党组会议[批注1]22次
                        r"|\[(批注|注释|修订|Comment|comment)\s*[A-Za-z]{0,4}\d{1,3}\]"
                        # an e-mail's link and inline image left by its HTML (<https://…>, [cid:image001.png@…]), a
                        # collaborator's @mention in brackets (（@王XX 这个数请再核对）), a phone's 【已自动更正】
                        r"|<https?://[^<>\s]{1,300}>|\[cid:[^\[\]\s]{1,120}\]"
                        r"|[（(【]\s*[@＠][^\s（）()【】]{1,10}(\s*[^（）()【】]{0,60})?[）)】]|【已自动更正】"
                        # a converter's continuation marks at a page's edge: （上接第2页）, （下转第4页）
                        r"|[（(](上接|下转|接上|转下|续上|接下)第?\s*\d{1,3}\s*页[）)]"
                        # a text message's unsubscribe tail glued to the last words: …请予审议。回复TD退订
                        r"|回复\s*TD\s*退订")


def cut_watermarks(line: str) -> tuple[str, list[str]]:
    """The line without a site's watermark or a reviewer's note in brackets inside it, and what was cut."""
    return _WATERMARK.sub("", line), [m.group() for m in _WATERMARK.finditer(line)]


def cut_spans(line: str, spans: list[tuple[int, int]]) -> tuple[str, list[str]]:
    """The line without the given spans (a space kept only between two Latin words); returns what was cut."""
    cut, out, last = [], [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        cut.append(line[start:end].strip())
        joint = line[start - 1:start] + line[end:end + 1]
        out.append(line[last:start] + (" " if re.fullmatch(r"[0-9A-Za-z]{2}", joint) else ""))
        last = end
    return "".join(out) + line[last:], cut


# a host page's contact line ends with its number: text right after it (a lost line break, or a wrapped
# line re-joined to the next) is another line
_CONTACT_END = re.compile(r"(?:QQ|qq|ＱＱ|微信|电话|手机)[:：]?\s*\d{6,}(?=[\u4e00-\u9fff])")


def split_after_contacts(line: str) -> list[str]:
    """`…咨询QQ206157060根据区委…` -> the contact line and the text glued to it."""
    cuts = [0, *(m.end() for m in _CONTACT_END.finditer(line)), len(line)]
    return [line[a:b] for a, b in zip(cuts, cuts[1:]) if line[a:b]]
