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


def parse_intent(query: str) -> Intent:
    """Strip role words from the query; `问题原因` asks for problems or causes."""
    query = validate_query(query)
    roles, words = [], []
    for match in _PATTERN.finditer(query):
        words.append(match.group())
        role = _ROLE_OF[match.group()]
        if role not in roles:
            roles.append(role)
    topic = re.sub(r"\s+", " ", _PATTERN.sub(" ", query)).strip()
    # A query that is nothing but role words is still about something: keep it as the topic.
    return Intent(query, topic or query, roles, words)
