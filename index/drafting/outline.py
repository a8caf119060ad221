"""Report outlines assembled from exemplar chunks: a best exemplar and alternates per slot, nothing said twice."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np

from fanwen.index.drafting.coverage import Coverage, coverage_warning, measure_coverage
from fanwen.index.drafting.topics import topic_vectors
from fanwen.index.drafting.request import make_title, split_focus, validate_counts
from fanwen.index.drafting.points import LEAD_CLAUSE, MARKER as _MARKER, is_lead_in, precedes_points
from fanwen.index.ingest.chunking import placeholders
from fanwen.index.storage.dedup import canonical, shingles
from fanwen.index.errors import FanwenError, InvalidInput
from fanwen.index.retrieval.intent import validate_query
from fanwen.index.records import ROLE_LABELS, Chunk

# Candidates per role: unlike a result list (SearchParams: k=5, per_doc=2) MMR and the alternates need a
# deep pool, and one report may rightly supply several distinct points, so no per-report cap here.
POOL_PER_SLOT = 10
POOL_MIN = 30
POOL_MAX = 100  # the search's own pool per retriever (SearchParams.pool)
POOL_PER_DOC = 0
SECTIONS = (("opening", "", ("opening",)), ("achievements", "一、主要做法和成效", ("achievements",)),
            ("problems", "二、存在的问题及原因", ("problems", "causes")), ("plans", "三、下一步打算", ("plans",)),
            ("closing", "", ("closing",)))  # key, heading, roles in the order they are written
SUBHEADINGS = {"problems": "（一）存在的问题", "causes": "（二）原因分析"}
ALTERNATES = 2
# e5-small packs these reports tightly: topic sentences of different points sit at cosine 0.88-0.95, the
# one cross-report paraphrase in the corpus (党建与业务融合不好 / 结合不够紧密) at 0.978.
DUP_COSINE = 0.975
DUP_JACCARD = 0.3  # shingle overlap of a reworded copy of the same paragraph
REDUNDANCY_FLOOR = 0.9  # cosine below which two points count as unrelated in the MMR penalty
MMR_LAMBDA = 0.7
LEAD_PENALTY = 0.5  # a section preamble with content of its own (下一步，我将…) is a weak point; bare lead-ins are dropped
FOCUS_BONUS = 0.35  # for naming any focus word; quotes and spacing ignored, unlike keyword search (“两新”组织)
_CAUSE_LEAD = re.compile(r"^(?:主要原因是|原因是|究其原因[，,]?)")


@dataclass
class Exemplar:
    """A library chunk offered for a slot, with its citation."""

    id: int
    doc: str
    title: str
    heading: str
    role: str
    text: str  # the chunk as indexed
    body: str  # the point as the outline writes it: old ordinal dropped, point title restored
    placeholders: list[tuple[int, int]]  # X spans in `body`
    relevance: float

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(role_label=ROLE_LABELS.get(self.role, self.role), relevance=round(self.relevance, 4),
                    placeholders=[list(span) for span in self.placeholders])
        return data


@dataclass
class Slot:
    key: str  # achievements-1, problems-2, opening-1 …
    role: str
    exemplar: Exemplar
    alternates: list[Exemplar]
    text: str = ""  # what the draft says: the exemplar body, or its rewrite
    rewritten: bool = False

    def __post_init__(self) -> None:
        self.text = self.text or self.exemplar.body

    def to_dict(self) -> dict:
        return {"key": self.key, "role": self.role, "role_label": ROLE_LABELS.get(self.role, self.role),
                "text": self.text, "placeholders": [list(s) for s in placeholders(self.text)],
                "rewritten": self.rewritten, "chosen": self.exemplar.to_dict(),
                "alternates": [alt.to_dict() for alt in self.alternates]}


@dataclass
class Section:
    key: str
    heading: str
    slots: list[Slot]

    def to_dict(self) -> dict:
        return {"key": self.key, "heading": self.heading, "slots": [slot.to_dict() for slot in self.slots],
                "subheadings": {r: SUBHEADINGS[r] for r in dict.fromkeys(s.role for s in self.slots)
                                if r in SUBHEADINGS}}


@dataclass
class Outline:
    title: str
    topic: str
    focus: list[str]
    counts: dict[str, int]
    sections: list[Section]
    warnings: list[str] = field(default_factory=list)
    coverage: Coverage | None = None

    def slots(self) -> list[Slot]:
        return [slot for section in self.sections for slot in section.slots]

    def to_dict(self) -> dict:
        return {"title": self.title, "topic": self.topic, "focus": self.focus, "counts": self.counts,
                "sections": [s.to_dict() for s in self.sections], "warnings": self.warnings,
                "coverage": self.coverage.to_dict() if self.coverage else None}


@dataclass(eq=False)
class _Candidate:
    chunk: Chunk
    title: str
    relevance: float
    vector: np.ndarray
    grams: set[str]

    def cited(self) -> tuple[Chunk, str, float]:
        return self.chunk, self.title, self.relevance


def build_outline(library, topic: str, focus=None, counts: dict | None = None,
                  choices: dict | None = None) -> Outline:
    """Fill every slot of the shared report structure with its most relevant, non-repeating exemplar."""
    topic, focus, counts = validate_query(topic), split_focus(focus), validate_counts(counts)
    snap = library.snapshot
    if not snap.chunks:
        raise FanwenError("the library is empty: index some reports first ('fanwen index')",
                         zh="范文库是空的：请先在页面上传报告，或运行 fanwen index 文件夹")
    outline = Outline(make_title(topic), topic, focus, counts, [], coverage=measure_coverage(snap, topic))
    warning = coverage_warning(topic, outline.coverage)
    if warning:
        outline.warnings.append(warning)
    taken: list[_Candidate] = []
    for key, heading, roles in SECTIONS:
        slots = []
        for role in roles:
            slots += _fill_role(library, snap, outline, role, taken)
        if slots:
            outline.sections.append(Section(key, heading, slots))
    apply_choices(outline, snap, choices or {}, getattr(library, "display_name", None))
    return outline


def _fill_role(library, snap, outline: Outline, role: str, taken: list) -> list[Slot]:
    count = outline.counts[role]
    if count == 0:
        return []
    pool = _candidates(library, snap, outline.topic, outline.focus, role, count)
    chosen = []
    while len(chosen) < count:
        best = max((c for c in pool if not any(_duplicates(c, t) for t in taken)),
                   key=lambda c: _mmr(c, taken), default=None)
        if best is None:
            break
        chosen.append(best)
        taken.append(best)
    if len(chosen) < count and role != "closing":
        outline.warnings.append(f"范文库中只有 {len(chosen)} 条互不重复的“{ROLE_LABELS[role]}”范文，"
                                f"少于所需的 {count} 条，提纲中这一部分相应减少。")
    spare = [c for c in pool if c not in taken and not any(_duplicates(c, t) for t in taken)]
    slots = []
    for number, candidate in enumerate(chosen, 1):
        alternates = _alternates(candidate, spare)
        spare = [c for c in spare if c not in alternates]
        slots.append(Slot(f"{role}-{number}", role, _exemplar(snap, *candidate.cited()),
                          [_exemplar(snap, *alt.cited()) for alt in alternates]))
    return slots


def _candidates(library, snap, topic: str, focus: list[str], role: str, count: int) -> list[_Candidate]:
    """Role-filtered hits of the library's hybrid search that are points, scored 0..1, focus words rewarded."""
    query = " ".join([topic] + focus)
    k = min(POOL_MAX, max(POOL_MIN, count * POOL_PER_SLOT))
    hits = library.search(query, k=k, roles=[role], per_doc=POOL_PER_DOC).hits
    hits = [hit for hit in hits if hit.chunk.id in snap.chunks and not _is_lead_in(snap, hit.chunk)]
    if not hits:
        return []
    vectors = topic_vectors(library, snap, [hit.chunk.id for hit in hits])
    top = max(hit.score for hit in hits) or 1.0
    words = [canonical(word) for word in focus]
    found = []
    for hit, vector in zip(hits, vectors):
        named = sum(word in canonical(hit.chunk.text) for word in words) / (len(words) or 1)
        relevance = (hit.score / top + FOCUS_BONUS * (0.8 * (named > 0) + 0.2 * named)
                     - (LEAD_PENALTY if _is_preamble(snap, hit.chunk) else 0.0))
        found.append(_Candidate(hit.chunk, hit.title, relevance, vector, shingles(hit.chunk.text)))
    return found


def _alternates(slot: _Candidate, spare: list[_Candidate]) -> list[_Candidate]:
    """Next best candidates close to the slot's point, each from a report not yet used for the slot."""
    def score(c: _Candidate) -> float:
        return 0.5 * c.relevance + 0.5 * _scaled(float(c.vector @ slot.vector))

    picked: list[_Candidate] = []
    ranked = sorted(spare, key=lambda c: (-score(c), c.chunk.id))
    while len(picked) < ALTERNATES:
        usable = [c for c in ranked if c not in picked and not any(_duplicates(c, p) for p in picked)]
        docs = {slot.chunk.doc} | {p.chunk.doc for p in picked}
        fresh = [c for c in usable if c.chunk.doc not in docs]
        if not (fresh or usable):
            break
        picked.append((fresh or usable)[0])
    return picked


def _duplicates(left: _Candidate, right: _Candidate) -> bool:
    """Same text (overlapping spans, shared shingles) or the same point in other words."""
    a, b = left.chunk, right.chunk
    if a.id == b.id or (a.doc == b.doc and a.start < b.end and b.start < a.end):
        return True
    shared = len(left.grams & right.grams)
    if left.grams and right.grams and shared / len(left.grams | right.grams) >= DUP_JACCARD:
        return True
    return float(left.vector @ right.vector) >= DUP_COSINE


def _mmr(candidate: _Candidate, taken: list[_Candidate]) -> float:
    """Relevance minus redundancy with what is already in the outline (maximal marginal relevance)."""
    redundancy = max((_scaled(float(candidate.vector @ t.vector)) for t in taken), default=0.0)
    return MMR_LAMBDA * candidate.relevance - (1 - MMR_LAMBDA) * redundancy


def _scaled(cosine: float) -> float:
    return min(1.0, max(0.0, (cosine - REDUNDANCY_FLOOR) / (1 - REDUNDANCY_FLOOR)))


def _is_lead_in(snap, chunk: Chunk) -> bool:
    """An introduction to a list (…主要表现在以下三个方面：) is never a point; opening and closing are not numbered."""
    if chunk.role in ("opening", "closing"):
        return False
    return is_lead_in(chunk.text, precedes_points(snap, chunk))


def _is_preamble(snap, chunk: Chunk) -> bool:
    return chunk.role not in ("opening", "closing") and precedes_points(snap, chunk)


def _exemplar(snap, chunk: Chunk, title: str, relevance: float = 0.0) -> Exemplar:
    body = point_body(snap, chunk)
    return Exemplar(chunk.id, chunk.doc, title, chunk.heading, chunk.role, chunk.text, body, placeholders(body),
                    relevance)


def point_body(snap, chunk: Chunk) -> str:
    """The chunk without its old ordinal; a point whose title is a heading of its own gets it back."""
    if chunk.role in ("opening", "closing"):
        return chunk.text
    body = _MARKER.sub("", LEAD_CLAUSE.sub("", chunk.text, count=1), count=1)
    if chunk.role == "causes":
        body = _CAUSE_LEAD.sub("", body, count=1)
    if chunk.role != "causes" and len(chunk.heading_path) > 1 and body == chunk.text:  # a cause's heading is its problem
        first = snap.by_doc.get(chunk.doc, [chunk.id])
        siblings = [cid for cid in first if snap.chunks[cid].heading_path == chunk.heading_path]
        if siblings and siblings[0] == chunk.id:
            title = _MARKER.sub("", chunk.heading_path[-1], count=1).rstrip("。；;，, ")
            body = f"{title}。{body}" if title and not body.startswith(title) else body
    return body


def apply_choices(outline: Outline, snap, choices: dict, display_name=None) -> None:
    """Put the chosen chunk in a slot; the exemplar it replaces becomes the first alternate.

    `display_name(doc)` names a report as search hits do (same-title reports told apart)."""
    slots = {slot.key: slot for slot in outline.slots()}
    for key, raw in choices.items():
        slot = slots.get(key)
        if slot is None:
            raise InvalidInput(f"unknown slot {key!r} in choices: allowed {', '.join(slots)}", field="choices",
                               zh=f"提纲里没有位置 {key!r}：可选 {'、'.join(slots)}，请重新生成提纲")
        chunk = snap.chunks.get(raw) if isinstance(raw, int) and not isinstance(raw, bool) else None
        if chunk is None or chunk.role != slot.role:
            raise InvalidInput(f"choice for {key} must be the id of a {slot.role} chunk, got {raw!r}", field="choices",
                               zh=f"{key} 处只能换成“{ROLE_LABELS.get(slot.role, slot.role)}”类段落，{raw!r} 不是")
        if chunk.id != slot.exemplar.id:
            title = (display_name(chunk.doc) if display_name else
                     snap.docs[chunk.doc].title if chunk.doc in snap.docs else chunk.doc)
            new = next((alt for alt in slot.alternates if alt.id == chunk.id), None) or _exemplar(snap, chunk, title)
            slot.alternates = [slot.exemplar] + [alt for alt in slot.alternates if alt.id != chunk.id]
            slot.exemplar, slot.text, slot.rewritten = new, new.body, False
