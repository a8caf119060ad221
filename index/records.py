"""Plain records shared by ingest, stores, search and the service layers."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

# What the model sees of a chunk, named in the manifest ("embedded_text") so one library's vectors stay alike.
# "text", the paragraph alone, since session 29: the heading path had made the vector retriever worse than plain
# e5 over the same text (the dev and blind sets A-T, 915 queries: vector mode 0.589 against plain 0.612, bare
# 0.622; hybrid 0.791 -> 0.793; set U, written before and scored once: 0.828 -> 0.832, vector mode 0.624 -> 0.689).
# "heading+text" (the heading path, then the paragraph): libraries built before, kept until rebuilt.
EMBEDDED_TEXT, LEGACY_EMBEDDED_TEXT = "text", "heading+text"

ROLES = ("opening", "achievements", "problems", "causes", "plans", "closing")
ROLE_LABELS = {
    "opening": "开头", "achievements": "成效", "problems": "问题",
    "causes": "原因", "plans": "措施", "closing": "结尾",
}


@dataclass
class Chunk:
    """One retrievable unit: a paragraph or one point (一是…) of a paragraph."""

    id: int
    doc: str
    text: str
    heading_path: list[str]
    role: str
    para_index: int
    point_index: int  # -1 when the chunk is a whole paragraph
    start: int  # character offsets in the cleaned document text
    end: int
    placeholders: list[tuple[int, int]] = field(default_factory=list)
    dup_of: int | None = None  # set when an earlier chunk has the same or nearly the same text
    role_confidence: float = 1.0  # 1 when a heading names the role; the text-reading model's share otherwise

    @property
    def heading(self) -> str:
        return " › ".join(self.heading_path)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["placeholders"] = [list(span) for span in self.placeholders]
        data["heading"] = self.heading
        return data


@dataclass
class Document:
    """A source report as indexed."""

    id: str
    title: str
    path: str
    format: str
    sha256: str
    chunks: int = 0
    chars: int = 0
    added: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Hit:
    """A search result with every score that produced it, so ranking is explainable."""

    chunk: Chunk
    title: str
    score: float
    vector_score: float | None = None
    keyword_score: float | None = None
    vector_rank: int | None = None
    keyword_rank: int | None = None
    matched_terms: list[str] = field(default_factory=list)
    # words it matched that the query did not type: 词林 synonyms, 公文 wording of plain phrases, sub-words
    related_terms: list[str] = field(default_factory=list)
    highlights: list[tuple[int, int]] = field(default_factory=list)
    similarity: float | None = None  # query-passage cosine, whether or not the hit came from the vector side
    bigram_coverage: float | None = None  # share of the query's character bigrams it holds (keyword candidates)
    relevance: str | None = None  # high | medium | low, see retrieval/relevance.py

    def to_dict(self) -> dict:
        chunk = self.chunk
        return {
            "id": chunk.id, "text": chunk.text, "score": round(self.score, 6),
            "vector_score": _round(self.vector_score), "keyword_score": _round(self.keyword_score),
            "vector_rank": self.vector_rank, "keyword_rank": self.keyword_rank,
            "similarity": _round(self.similarity), "bigram_coverage": _round(self.bigram_coverage),
            "relevance": self.relevance, "related_terms": list(self.related_terms),
            "doc": chunk.doc, "title": self.title, "heading": chunk.heading,
            "heading_path": chunk.heading_path, "role": chunk.role,
            "role_label": ROLE_LABELS.get(chunk.role, chunk.role), "role_confidence": chunk.role_confidence,
            "para_index": chunk.para_index, "point_index": chunk.point_index,
            "start": chunk.start, "end": chunk.end,
            "matched_terms": self.matched_terms,
            "highlights": [list(span) for span in self.highlights],
            "placeholders": [list(span) for span in chunk.placeholders],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def embedded_text_of(manifest: dict) -> str:
    """How a library's chunks were embedded, from its manifest (or database meta); older ones did not say."""
    return manifest.get("embedded_text", LEGACY_EMBEDDED_TEXT)


def embedding_text(chunk: Chunk, how: str = EMBEDDED_TEXT) -> str:
    """What the model sees: the paragraph, or (libraries built before session 29) its heading path, then it."""
    if how == LEGACY_EMBEDDED_TEXT and chunk.heading_path:
        return " ".join(chunk.heading_path + [chunk.text])
    return chunk.text
