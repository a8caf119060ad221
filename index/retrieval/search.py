"""Hybrid retrieval: vector and keyword candidates, fusion, role intent, diversity."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fanwen.index.storage.dedup import jaccard, shingles
from fanwen.index.errors import InvalidInput
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.records import Chunk, Hit
from fanwen.index.storage.generations import Snapshot
from fanwen.index.retrieval.tokenize import find_spans
from fanwen.index.storage.vectors import VectorStore

MODES = ("hybrid", "vector", "keyword")
MAX_K = 100
FUSIONS = ("rrf", "weighted")
RRF_K = 60
ROLE_BOOST = 2.0  # a chunk in a role the query asks for scores 3×: nearly a filter, but a strong
# off-role match (a 措施 paragraph on exactly the topic) can still fill a slot
SIBLING_BOOST = 1.0  # problems and causes are analysed together, so asking for one half-favours the other
SIBLINGS = {"problems": "causes", "causes": "problems"}
OVERLAP = 0.5  # shingle Jaccard above which two hits say the same thing


@dataclass
class SearchRequest:
    k: int = 5
    roles: list[str] = field(default_factory=list)  # explicit filter
    intent_roles: list[str] = field(default_factory=list)  # read from the query's role words
    docs: list[str] = field(default_factory=list)
    per_doc: int = 2
    mode: str = "hybrid"
    fusion: str = "weighted"
    exclude: set[int] = field(default_factory=set)


def validate_k(k) -> int:
    """k as an int in 1..100; strings of digits (from a URL or a flag) are accepted."""
    if isinstance(k, str) and k.strip().lstrip("-").isdigit():
        k = int(k)
    if isinstance(k, bool) or not isinstance(k, int):
        raise InvalidInput(f"k must be a whole number between 1 and {MAX_K}, got {k!r}", field="k")
    if not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be between 1 and {MAX_K}, got {k}", field="k")
    return k


def vector_candidates(stores: list[VectorStore], query_vector: np.ndarray, n: int, allowed) -> list[tuple[int, float]]:
    """Best score per chunk over several vectors of it (whole passage, topic sentence)."""
    best: dict[int, float] = {}
    for store in stores:
        if store is None or not store.count():
            continue
        for cid, score in store.search(query_vector, n, allowed=allowed)[0]:
            best[cid] = max(score, best.get(cid, -1.0))
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:n]


def keyword_candidates(index: BM25Index, terms: list[str], n: int, allowed) -> list[tuple[int, float, list[str]]]:
    return index.search(terms, n, allowed=allowed) if terms and index.count() else []


def fuse(vector: list[tuple[int, float]], keyword: list[tuple[int, float, list[str]]], method: str) -> dict[int, float]:
    """Reciprocal-rank fusion, or a weighted sum of scores scaled to [0, 1] per retriever."""
    fused: dict[int, float] = {}
    if method == "rrf":
        for rank, (cid, *_rest) in enumerate(vector):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, (cid, *_rest) in enumerate(keyword):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        return fused
    for items, weight in ((vector, 0.5), (keyword, 0.5)):
        if not items:
            continue
        values = np.array([item[1] for item in items], dtype=np.float64)
        low, high = values.min(), values.max()
        scaled = (values - low) / (high - low) if high > low else np.ones_like(values)
        for (cid, *_rest), value in zip(items, scaled):
            fused[cid] = fused.get(cid, 0.0) + weight * float(value)
    return fused


def role_boosts(roles: list[str]) -> dict[str, float]:
    boosts = {SIBLINGS[r]: SIBLING_BOOST for r in roles if r in SIBLINGS}
    boosts.update({r: ROLE_BOOST for r in roles})
    return boosts


def allowed_ids(snap: Snapshot, request: SearchRequest) -> set[int] | None:
    """Ids passing the role and document filters (None when nothing is filtered)."""
    if not request.roles and not request.docs:
        return None
    ids = set()
    for doc in request.docs or snap.by_doc:
        for cid in snap.by_doc.get(doc, ()):
            if not request.roles or snap.chunks[cid].role in request.roles:
                ids.add(cid)
    return ids


def run_search(snap: Snapshot, query_vector: np.ndarray | None, terms: list[str], request: SearchRequest) -> list[Hit]:
    """Rank chunks for one query; `query_vector` is None in keyword-only mode."""
    allowed = allowed_ids(snap, request)
    if allowed is not None and not allowed:
        return []
    pool = max(100, request.k * 20)
    vector = vector_candidates([snap.vectors, snap.heads], query_vector, pool, allowed) if request.mode != "keyword" else []
    keyword = keyword_candidates(snap.keywords, terms, pool, allowed) if request.mode != "vector" else []
    fused = fuse(vector, keyword, request.fusion)
    if request.intent_roles and not request.roles:
        boosts = role_boosts(request.intent_roles)
        for cid in fused:
            fused[cid] *= 1.0 + boosts.get(snap.chunks[cid].role, 0.0)
    ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
    ranked = [cid for cid in ranked if cid not in request.exclude and snap.chunks[cid].dup_of is None]
    chosen = diversify(ranked, snap.chunks, request.k, request.per_doc)
    vec = {cid: (rank + 1, score) for rank, (cid, score) in enumerate(vector)}
    kw = {cid: (rank + 1, score, matched) for rank, (cid, score, matched) in enumerate(keyword)}
    return [_hit(snap, cid, fused[cid], vec, kw, terms) for cid in chosen]


def diversify(ranked: list[int], chunks: dict[int, Chunk], k: int, per_doc: int) -> list[int]:
    """Best first, at most `per_doc` per document, never two whose text overlaps."""
    chosen, per_document, grams = [], {}, {}
    for cid in ranked:
        chunk = chunks[cid]
        if per_doc and per_document.get(chunk.doc, 0) >= per_doc:
            continue
        grams[cid] = shingles(chunk.text)
        if any(overlaps(chunk, chunks[other], grams[cid], grams[other]) for other in chosen):
            continue
        chosen.append(cid)
        per_document[chunk.doc] = per_document.get(chunk.doc, 0) + 1
        if len(chosen) == k:
            break
    return chosen


def overlaps(left: Chunk, right: Chunk, left_grams: set[str], right_grams: set[str]) -> bool:
    if left.doc == right.doc and left.start < right.end and right.start < left.end:
        return True
    return jaccard(left_grams, right_grams) >= OVERLAP


def _hit(snap: Snapshot, cid: int, score: float, vec: dict, kw: dict, terms: list[str]) -> Hit:
    """`vec` and `kw` map chunk id to (rank, score[, matched terms]) from each retriever."""
    chunk = snap.chunks[cid]
    matched = kw[cid][2] if cid in kw else [t for t in dict.fromkeys(terms) if t in chunk.text]
    title = snap.docs[chunk.doc].title if chunk.doc in snap.docs else chunk.doc
    return Hit(chunk, title, score,
               vector_score=vec[cid][1] if cid in vec else None, keyword_score=kw[cid][1] if cid in kw else None,
               vector_rank=vec[cid][0] if cid in vec else None, keyword_rank=kw[cid][0] if cid in kw else None,
               matched_terms=list(matched), highlights=find_spans(chunk.text, matched))
