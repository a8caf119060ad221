"""Role words in a query (问题、原因、下一步…) select report roles and are not topic words."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from fanwen.index.errors import InvalidInput
from fanwen.index.ingest.hanzi import to_simplified
from fanwen.index.ingest.limits import strip_controls
from fanwen.index.records import ROLE_LABELS, ROLES
from fanwen.index.retrieval.tokenize import BIGRAM

MAX_QUERY = 1000
# Longest phrases first so 存在的问题 is consumed whole rather than leaving 存在的.
ROLE_WORDS = {
    "problems": ["存在的主要问题", "存在的问题", "存在问题", "存在的不足", "存在不足", "主要问题", "突出问题", "问题",
                 "不足", "差距", "短板", "薄弱环节"],
    "causes": ["原因分析", "根本原因", "主要原因", "究其原因", "原因", "根源", "剖析"],
    "plans": ["下一步打算", "下一步工作", "下一步", "下步", "打算", "整改措施", "整改方向", "措施", "思路", "今后",
              "努力方向"],
    "achievements": ["主要做法", "工作成效", "主要成效", "成效", "做法", "成绩", "亮点", "特色", "经验"],
    "opening": ["开场白", "开头", "开篇", "开场", "引言", "导语", "引子", "起笔", "起头", "开端", "首段", "总述"],
    "closing": ["结尾", "结束语", "结语"],
}
# Wording that describes a shortcoming asks for problems (and, as their sibling, causes) even
# without a role word; the words stay in the topic because they are also what the passage says.
_SHORTCOMING = re.compile(r"不够|不足|不强|不高|不深|不严|不力|不到位|不规范|不健全|不明显|薄弱|滞后|弱化|淡化|"
                          r"缺乏|缺少|欠缺|没有|不愿|有待|松懈|流于形式")
# An action verb with a future marker (加强…, 下一步/今后) asks for plans.
_ACTION = re.compile(r"^(加强|推进|完善|深化|强化|健全|提升|提高|推动|落实|抓好|持续|着力|坚持|进一步)")
_FUTURE = re.compile(r"下一步|下步|今后|明年|将来|计划|力争")
# Words a report uses whatever it is about: they rank (a query's wording still counts) but are no topic,
# so they are never highlighted and a hit containing only them does not match the query.
NON_TOPIC = frozenset({"存在", "存在着", "方面", "有所", "有待", "一定", "问题", "情况", "部分", "段落", "一节", "章节",
                       "板块", "如何"})
_PHRASES = sorted(((w, role) for role, words in ROLE_WORDS.items() for w in words), key=lambda p: -len(p[0]))
# 问题部分 / 措施段落 / 原因一节: the part of a report the role word names, so 部分 is consumed with it (else, as a
# word of the topic, it pulls up 大部分/部分党员).
_PATTERN = re.compile("(" + "|".join(re.escape(w) for w, _ in _PHRASES) + ")(?:部分|段落|一节|章节|板块)?")
_ROLE_OF = dict(_PHRASES)
# What a role filter may be called: its id, the label the page shows (问题), and 做法/打算 for the sections.
ROLE_NAMES = {**{role: role for role in ROLES}, **{label: role for role, label in ROLE_LABELS.items()},
              "做法": "achievements", "打算": "plans"}


@dataclass
class Intent:
    """A query split into what it is about (topic) and which report roles it asks for."""

    query: str
    topic: str
    roles: list[str] = field(default_factory=list)
    role_words: list[str] = field(default_factory=list)
    strengths: dict[str, float] = field(default_factory=dict)  # role -> 1 for a role word, less when inferred
    long: bool = False  # a pasted passage: find text like it, read no roles from it
    lead: bool = False  # 问题部分的开头: the paragraph that opens the section of the asked role


def validate_query(query: str) -> str:
    """The query stripped, control characters as spaces; refused when empty, too long or without any text."""
    if not isinstance(query, str) or not query.strip():
        raise InvalidInput("query is empty: give 1 to 1000 characters of text", field="query",
                           zh=f"查询是空的：请输入 1 到 {MAX_QUERY} 个字")
    query = strip_controls(query)  # Word selections carry \x07 and \x0b; JSON may carry lone surrogates
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"query is {len(query)} characters long: at most {MAX_QUERY} are allowed", field="query",
                           zh=f"查询有 {len(query)} 个字，最多 {MAX_QUERY} 个字，请删减后再试")
    # NFKC first, so full-width Ｌ and circled ① count as what they are
    if not any(unicodedata.category(ch)[0] in "LN" for ch in unicodedata.normalize("NFKC", query)):
        raise InvalidInput("query has no letter, digit or Chinese character: say what to look for", field="query",
                           zh="查询里没有汉字、字母或数字：请输入要找的内容")
    return to_simplified([query.strip()])[0]  # the index holds simplified characters (黨建 finds 党建)


def validate_roles(roles) -> list[str]:
    if roles is None or roles == "" or roles == []:
        return []
    items = [roles] if isinstance(roles, str) else list(roles)
    flat = [r.strip() for item in items for r in re.split(r"[,，、]", str(item)) if r.strip()]
    return list(dict.fromkeys(map(_role_id, flat)))


def _role_id(name: str) -> str:
    """The role id of an English id (any case) or a Chinese label such as 问题."""
    role = ROLE_NAMES.get(name.lower())
    if role is None:
        labels = "、".join(ROLE_LABELS.values())
        raise InvalidInput(f"unknown role {name!r}: allowed {', '.join(ROLES)} or {labels}", field="role",
                           zh=f"未知的段落类型“{name}”：只能是 {labels}（或 {', '.join(ROLES)}）")
    return role


def parse_intent(query: str, inferred: float = 0.5, long_query: int = 40) -> Intent:
    """Strip role words from the query; `问题原因` asks for problems or causes.

    `inferred` is the strength given to roles read from wording rather than role words (0 turns it off);
    a query of `long_query` characters or more is a passage to match and asks for no role.
    """
    query = validate_query(query)
    if len(query) >= long_query:
        return Intent(query, query, long=True)
    roles, words = [], []
    for match in _PATTERN.finditer(query):
        words.append(match.group(1))
        role = _ROLE_OF[match.group(1)]
        if role not in roles:
            roles.append(role)
    # An opening word beside another role word (问题部分的开头, 打算 开篇) asks for the paragraph that opens
    # that part of a report, not for the report's opening.
    lead = "opening" in roles and len(roles) > 1
    if lead:
        roles.remove("opening")
    strengths = dict.fromkeys(roles, 1.0)
    if inferred > 0:
        for role in _inferred_roles(query):
            strengths.setdefault(role, inferred)
    topic = re.sub(r"\s+", " ", _PATTERN.sub(" ", query)).strip()
    # A query that is nothing but role words is still about something: keep it as the topic.
    return Intent(query, topic or query, list(strengths), words, strengths, lead=lead)


def topic_words(terms) -> list[str]:
    """The query words that say what it is about: no role word, shortcoming wording or NON_TOPIC word."""
    return [t for t in terms if len(t) > 1 and not t.startswith(BIGRAM) and t not in NON_TOPIC
            and t not in _ROLE_OF and not _SHORTCOMING.fullmatch(t)]


def _inferred_roles(query: str) -> list[str]:
    if _SHORTCOMING.search(query):
        return ["problems"]
    if _ACTION.match(query) and _FUTURE.search(query):
        return ["plans"]
    return []
