"""Role words in a query (问题、原因、下一步…) select report roles and are not topic words."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from fanwen.index.errors import InvalidInput
from fanwen.index.records import ROLES

MAX_QUERY = 1000
# Longest phrases first so 存在的问题 is consumed whole rather than leaving 存在的.
ROLE_WORDS = {
    "problems": ["存在的主要问题", "存在的问题", "存在问题", "主要问题", "突出问题", "问题", "不足", "差距", "短板",
                 "薄弱环节"],
    "causes": ["原因分析", "根本原因", "主要原因", "究其原因", "原因", "根源", "剖析"],
    "plans": ["下一步打算", "下一步工作", "下一步", "下步", "打算", "整改措施", "整改方向", "措施", "思路", "今后",
              "努力方向"],
    "achievements": ["主要做法", "工作成效", "主要成效", "成效", "做法", "成绩", "亮点", "特色", "经验"],
    "opening": ["开头", "开篇", "引言", "导语"],
    "closing": ["结尾", "结束语", "结语"],
}
# Wording that describes a shortcoming asks for problems (and, as their sibling, causes) even
# without a role word; the words stay in the topic because they are also what the passage says.
_SHORTCOMING = re.compile(r"不够|不足|不强|不高|不深|不严|不力|不到位|不规范|不健全|不明显|薄弱|滞后|弱化|淡化|"
                          r"缺乏|缺少|欠缺|没有|不愿|有待|松懈|流于形式")
# An action verb with a future marker (加强…, 下一步/今后) asks for plans.
_ACTION = re.compile(r"^(加强|推进|完善|深化|强化|健全|提升|提高|推动|落实|抓好|持续|着力|坚持|进一步)")
_FUTURE = re.compile(r"下一步|下步|今后|明年|将来|计划|力争")
_PHRASES = sorted(((w, role) for role, words in ROLE_WORDS.items() for w in words), key=lambda p: -len(p[0]))
_PATTERN = re.compile("|".join(re.escape(w) for w, _ in _PHRASES))
_ROLE_OF = dict(_PHRASES)


@dataclass
class Intent:
    """A query split into what it is about (topic) and which report roles it asks for."""

    query: str
    topic: str
    roles: list[str] = field(default_factory=list)
    role_words: list[str] = field(default_factory=list)
    strengths: dict[str, float] = field(default_factory=dict)  # role -> 1 for a role word, less when inferred
    long: bool = False  # a pasted passage: find text like it, read no roles from it


def validate_query(query: str) -> str:
    if not isinstance(query, str) or not query.strip():
        raise InvalidInput("query is empty: give 1 to 1000 characters of text", field="query")
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"query is {len(query)} characters long: at most {MAX_QUERY} are allowed", field="query")
    return query.strip()


def validate_roles(roles) -> list[str]:
    if roles is None or roles == "" or roles == []:
        return []
    items = [roles] if isinstance(roles, str) else list(roles)
    flat = [r.strip() for item in items for r in str(item).split(",") if r.strip()]
    for role in flat:
        if role not in ROLES:
            raise InvalidInput(f"unknown role {role!r}: allowed {', '.join(ROLES)}", field="role")
    return list(dict.fromkeys(flat))


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
        words.append(match.group())
        role = _ROLE_OF[match.group()]
        if role not in roles:
            roles.append(role)
    strengths = dict.fromkeys(roles, 1.0)
    if inferred > 0:
        for role in _inferred_roles(query):
            strengths.setdefault(role, inferred)
    topic = re.sub(r"\s+", " ", _PATTERN.sub(" ", query)).strip()
    # A query that is nothing but role words is still about something: keep it as the topic.
    return Intent(query, topic or query, list(strengths), words, strengths)


def _inferred_roles(query: str) -> list[str]:
    if _SHORTCOMING.search(query):
        return ["problems"]
    if _ACTION.match(query) and _FUTURE.search(query):
        return ["plans"]
    return []
