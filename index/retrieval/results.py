"""What a search answers: the page of hits and what the reader must know about it."""
from __future__ import annotations

from dataclasses import dataclass

from fanwen.index.records import Hit


@dataclass
class SearchResult:
    query: str
    topic: str
    roles: list[str]
    terms: list[str]  # the query's topic words: what hits are marked with and judged by
    hits: list[Hit]
    offset: int = 0
    more: bool = False  # hits exist past this page
    weak: bool = False  # no best hit covers the topic: these are only the nearest paragraphs
    role_source: str = ""  # "filter" (asked for), "query" (read from its wording) or "" (none)

    def to_dict(self) -> dict:
        return {"query": self.query, "topic": self.topic, "roles": self.roles, "role_source": self.role_source,
                "terms": self.terms, "offset": self.offset, "more": self.more, "weak": self.weak,
                "hits": [hit.to_dict() for hit in self.hits]}
