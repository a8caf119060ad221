"""Hybrid retrieval: vector and keyword candidates, fusion, role preference, diversity."""
from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from fanwen.index.storage.dedup import jaccard, shingles
from fanwen.index.errors import InvalidInput
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.records import Chunk, Hit
from fanwen.index.storage import chunk_table
from fanwen.index.storage.filters import ChunkFilter
from fanwen.index.storage.snapshot import Snapshot
from fanwen.index.retrieval.params import FUSIONS, MODES, SearchParams, validate_fusion, validate_mode
from fanwen.index.retrieval.intent import NON_TOPIC, topic_words
from fanwen.index.retrieval.lexicon import formal_terms
from fanwen.index.retrieval.roles import role_order
from fanwen.index.retrieval.tokenize import BIGRAM, find_spans
from fanwen.index.storage.vectors import VectorStore

__all__ = ["FUSIONS", "MODES", "MAX_K", "MAX_OFFSET", "SearchParams", "SearchRequest", "run_search", "ranked_hits",
           "fuse", "diversify", "result_order", "validate_k", "validate_offset", "validate_fusion", "validate_mode"]
MAX_K = 100
MAX_OFFSET = 1000  # paging deeper than this is browsing, not searching


@dataclass
class SearchRequest:
    k: int = 5
    roles: list[str] = field(default_factory=list)  # explicit filter
    intent_roles: list[str] = field(default_factory=list)  # read from the query's role words
    docs: list[str] = field(default_factory=list)
    per_doc: int | None = None  # None: the SearchParams default
    mode: str = "hybrid"
    fusion: str | None = None  # None: the SearchParams default
    exclude: set[int] = field(default_factory=set)
    strengths: dict[str, float] = field(default_factory=dict)  # role -> how firmly the query asks for it
    weights: dict[str, float] = field(default_factory=dict)  # query term -> weight (default 1)
    offset: int = 0  # hits to skip: the page offset … offset + k
    topic: list[str] | None = None  # words to mark in hits (None: the terms' topic words)
    lead: bool = False  # prefer the paragraph that opens its section (intent.Intent.lead)
    typed: list[str] = field(default_factory=list)  # the words typed; other matched words are related_terms


def validate_k(k) -> int:
    """k as an int in 1..100; strings of digits (from a URL or a flag) are accepted."""
    if isinstance(k, str) and k.strip().lstrip("-").isdecimal():
        k = int(k)
    if isinstance(k, bool) or not isinstance(k, int):
        raise InvalidInput(f"k must be a whole number between 1 and {MAX_K}, got {k!r}", field="k",
                           zh=f"条数 k 应是 1 到 {MAX_K} 之间的整数，现在是 {k!r}")
    if not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be between 1 and {MAX_K}, got {k}", field="k",
                           zh=f"条数 k 应在 1 到 {MAX_K} 之间，现在是 {k}")
    return k


def validate_offset(offset) -> int:
    """offset as an int in 0..MAX_OFFSET; strings of digits (from a URL or a flag) are accepted."""
    if isinstance(offset, str) and offset.strip().lstrip("-").isdecimal():
        offset = int(offset)
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(f"offset must be a whole number between 0 and {MAX_OFFSET}, got {offset!r}",
                           field="offset", zh=f"翻页位置 offset 应是 0 到 {MAX_OFFSET} 之间的整数，现在是 {offset!r}")
    return offset


def vector_candidates(stores: list[VectorStore], query_vector: np.ndarray, n: int, allowed) -> list[tuple[int, float]]:
    """Best score per chunk over several vectors of it (whole passage, topic sentence)."""
    best: dict[int, float] = {}
    for store in stores:
        if store is None or not store.count():
            continue
        for cid, score in store.search(query_vector, n, allowed=allowed)[0]:
            best[cid] = max(score, best.get(cid, -1.0))
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:n]


def keyword_candidates(index: BM25Index, terms: list[str], n: int, allowed,
                       weights: dict[str, float] | None = None) -> list[tuple[int, float, list[str]]]:
    return index.search(terms, n, allowed=allowed, weights=weights) if terms and index.count() else []


def keyword_first(snap, terms: list[str], pool: int, allowed, request: SearchRequest):
    """The keyword candidates, read before the vector ones (a query still being embedded is waited for
    after them); a Future of them when the engine can run them beside the vector search (a database)."""
    if request.mode == "vector":
        return []
    retrieve = lambda: keyword_candidates(snap.keywords, terms, pool, allowed, request.weights)  # noqa: E731
    beside = getattr(snap, "beside", None)
    return beside(retrieve) if beside is not None and request.mode == "hybrid" else retrieve()


def fuse(vector: list[tuple], keyword: list[tuple], method: str, params: SearchParams = SearchParams(),
         coverage: dict[int, float] | None = None) -> dict[int, float]:
    """Reciprocal-rank fusion, or a weighted sum of scores scaled to [0, 1] per retriever plus each keyword
    candidate's `coverage` (bigram_coverage) at params.bigram_coverage."""
    validate_fusion(method)
    fused: dict[int, float] = {}
    shares = ((vector, params.vector_weight), (keyword, 1.0 - params.vector_weight))
    if method == "rrf":
        for items, weight in shares:
            for rank, (cid, *_rest) in enumerate(items):
                fused[cid] = fused.get(cid, 0.0) + weight / (params.rrf_k + rank + 1)
        return fused
    for items, weight in shares:
        for cid, value in _scaled(items).items():
            fused[cid] = fused.get(cid, 0.0) + weight * value
    for cid, share in (coverage or {}).items():
        fused[cid] += params.bigram_coverage * share
    return fused


def bigram_coverage(keyword: list[tuple], weights: dict[str, float]) -> dict[int, float]:
    """The share of the query's character bigrams each keyword candidate holds (from its matched terms)."""
    bigrams = {term for term in weights if term.startswith(BIGRAM)}
    if not bigrams:
        return {}
    return {cid: sum(term in bigrams for term in matched) / len(bigrams) for cid, _score, matched in keyword}


def _scaled(items: list[tuple]) -> dict[int, float]:
    """One retriever's scores scaled to [0, 1] over its candidates (all 1 when they are equal)."""
    if not items:
        return {}
    values = np.array([item[1] for item in items], dtype=np.float64)
    low, high = values.min(), values.max()
    scaled = (values - low) / (high - low) if high > low else np.ones_like(values)
    return {cid: float(value) for (cid, *_rest), value in zip(items, scaled)}


def allowed_ids(snap, request: SearchRequest):
    """What the retrievers may return: None when nothing is filtered; else the engine's own form of the
    ChunkFilter (its ids ascending for the in-memory stores, the filter itself for SQL ones)."""
    chunk_filter = ChunkFilter(tuple(request.roles), tuple(request.docs))
    if not chunk_filter.restricts:
        return None
    native = getattr(snap, "native_filter", None)
    return native(chunk_filter) if native else chunk_filter.ids(snap.by_doc, snap.chunks)


def in_order(snap, allowed, n: int) -> list[int]:
    """The first n chunk ids a filter passes, in the order the library holds them (a query of role words
    alone, 开头, in keyword mode); none without a filter."""
    if allowed is None:
        return []
    first = getattr(snap, "first_passing", None)
    return first(allowed, n) if first else [int(cid) for cid in allowed[:n]]


def run_search(snap: Snapshot, query_vector: np.ndarray | None, terms: list[str], request: SearchRequest,
               params: SearchParams = SearchParams()) -> list[Hit]:
    """Rank chunks for one query and return the page request.offset … offset + k."""
    return ranked_hits(snap, query_vector, terms, request, params)[request.offset:request.offset + request.k]


def ranked_hits(snap: Snapshot, query_vector: np.ndarray | None, terms: list[str], request: SearchRequest,
                params: SearchParams = SearchParams()) -> list[Hit]:
    """The first offset + k + 1 hits in result order: one past the page tells whether more exist.

    `query_vector` is None in keyword-only mode, and may be a Future of the vector (the model embedding the
    query while the keyword index is read).
    """
    validate_mode(request.mode)
    fusion = validate_fusion(request.fusion or params.fusion)
    allowed = allowed_ids(snap, request)
    if isinstance(allowed, np.ndarray) and not len(allowed):
        return []
    want = request.offset + request.k + 1
    pool = max(params.pool, want)
    keyword = keyword_first(snap, terms, pool, allowed, request)
    query_vector = query_vector.result() if isinstance(query_vector, Future) else query_vector
    stores = [snap.vectors, snap.heads] if params.topic_vectors else [snap.vectors]
    vector = vector_candidates(stores, query_vector, pool, allowed) if request.mode != "keyword" else []
    keyword = keyword.result() if isinstance(keyword, Future) else keyword
    coverage = bigram_coverage(keyword, request.weights)
    if request.mode == "hybrid":
        fused = fuse(vector, keyword, fusion, params, coverage)
    elif request.mode == "keyword" and not terms:  # no word to rank by: what the filter passes, in order
        fused = dict.fromkeys(in_order(snap, allowed, pool), 0.0)
    else:  # one retriever: its own order, scaled like a fused score so the role bonus weighs the same
        fused = _scaled(vector or keyword)
    chunks = chunk_table.fetch(snap, fused)
    fused = {cid: score for cid, score in fused.items() if cid in chunks}
    strengths = request.strengths or dict.fromkeys(request.intent_roles, 1.0)
    fused, ranked = role_order(snap, fused, chunks, request.roles, strengths, request.lead, params)
    ranked = [cid for cid in ranked if cid not in request.exclude and chunks[cid].dup_of is None]
    chosen = result_order(ranked, chunks, want, _per_doc(request, params), params.overlap)
    vec = {cid: (rank + 1, score) for rank, (cid, score) in enumerate(vector)}
    kw = {cid: (rank + 1, score, matched) for rank, (cid, score, matched) in enumerate(keyword)}
    shown = topic_words(terms) if request.topic is None else request.topic
    sims = similarities(snap, query_vector, chosen)
    typed = set(request.typed)
    return [_hit(snap, chunks[cid], fused[cid], vec, kw, shown, typed, sims.get(cid), coverage.get(cid))
            for cid in chosen]


def _per_doc(request: SearchRequest, params: SearchParams) -> int:
    """The per-report cap; a document filter asks for that report's paragraphs, so it lifts the cap."""
    if request.per_doc is not None:
        return request.per_doc
    return 0 if request.docs else params.per_doc


def similarities(snap: Snapshot, query_vector: np.ndarray | None, ids: list[int]) -> dict[int, float]:
    """Cosine of each chunk's own passage vector with the query: one scale whatever the view or fusion."""
    if query_vector is None or not ids or not snap.vectors.count():
        return {}
    return dict(zip(ids, (snap.vectors.get(ids) @ np.asarray(query_vector, dtype=np.float32)).tolist()))


def result_order(ranked: list[int], chunks: dict[int, Chunk], n: int, per_doc: int, overlap: float = 0.5
                 ) -> list[int]:
    """The capped, diverse list first, then every other chunk best first, up to n.

    The cap shapes the first results without hiding any paragraph from later pages; the order does
    not depend on n, so page after page never repeats or skips a hit.
    """
    first = diversify(ranked, chunks, n, per_doc, overlap)
    if not per_doc or len(first) >= n:
        return first
    taken = set(first)
    return diversify([cid for cid in ranked if cid not in taken], chunks, n, 0, overlap, start=first)


def diversify(ranked: list[int], chunks: dict[int, Chunk], k: int, per_doc: int, overlap: float = 0.5,
              start: list[int] = ()) -> list[int]:
    """Best first after `start`, at most `per_doc` per document (0: no cap), never two whose text overlaps."""
    chosen = list(start)
    grams = {cid: shingles(chunks[cid].text) for cid in chosen}
    per_document: dict[str, int] = {}
    for cid in chosen:
        per_document[chunks[cid].doc] = per_document.get(chunks[cid].doc, 0) + 1
    for cid in ranked:
        if len(chosen) >= k:
            break
        chunk = chunks[cid]
        if per_doc and per_document.get(chunk.doc, 0) >= per_doc:
            continue
        grams[cid] = shingles(chunk.text)
        if any(overlaps(chunk, chunks[other], grams[cid], grams[other], overlap) for other in chosen):
            continue
        chosen.append(cid)
        per_document[chunk.doc] = per_document.get(chunk.doc, 0) + 1
    return chosen


def overlaps(left: Chunk, right: Chunk, left_grams: set[str], right_grams: set[str], limit: float = 0.5) -> bool:
    if left.doc == right.doc and left.start < right.end and right.start < left.end:
        return True
    return jaccard(left_grams, right_grams) >= limit


def _hit(snap: Snapshot, chunk: Chunk, score: float, vec: dict, kw: dict, shown: list[str], typed: set[str],
         similarity: float | None, coverage: float | None) -> Hit:
    """`vec` and `kw` map chunk id to (rank, score[, matched terms]) from each retriever; `shown` are the
    query's topic words, the only ones a reader sees marked (no bigram, role or function word); a matched
    word outside `typed` is a related term (none when `typed` is empty)."""
    cid = chunk.id
    related = [t for t in kw[cid][2] if not t.startswith(BIGRAM) and t not in typed] if cid in kw and typed else []
    wanted = set(shown)
    matched = [t for t in (kw[cid][2] if cid in kw else shown) if t in wanted]
    if cid not in kw:
        matched = [t for t in matched if t in chunk.text]
    title = snap.docs[chunk.doc].title if chunk.doc in snap.docs else chunk.doc
    return Hit(chunk, title, score,
               vector_score=vec[cid][1] if cid in vec else None, keyword_score=kw[cid][1] if cid in kw else None,
               vector_rank=vec[cid][0] if cid in vec else None, keyword_rank=kw[cid][0] if cid in kw else None,
               matched_terms=list(matched), highlights=find_spans(chunk.text, matched), similarity=similarity,
               bigram_coverage=coverage, related_terms=related)


def query_terms(keywords: BM25Index, text: str, params: SearchParams, passage: bool = False,
                words: list[str] | None = None) -> tuple[list[str], dict[str, float]]:
    """Typed words at weight 1 (generic ones lower), then sub-words, bigrams and stand-ins at their weights;
    `passage`: the text is a pasted passage to match, whose bigrams count at passage_bigram_weight;
    `words`: the text already tokenized by the index's analyzer (the caller needs the typed words too)."""
    analyzer = keywords.analyzer
    words = analyzer(text) if words is None else words
    weights = {word: params.generic_weight if word in NON_TOPIC else 1.0 for word in words}
    extra: list[tuple[str, float]] = []  # (term, weight): a term met twice keeps its larger weight
    if params.subword_weight > 0 and hasattr(analyzer, "subwords"):
        extra += [(term, params.subword_weight) for term in analyzer.subwords(words)]
    bigram_weight = params.passage_bigram_weight if passage else params.bigram_weight
    if bigram_weight > 0 and hasattr(analyzer, "bigrams"):
        extra += [(term, bigram_weight) for term in analyzer.bigrams(text)]
    with_parts = params.subword_stand_in > 0 and hasattr(analyzer, "subwords")
    if (params.synonym_weight > 0 or with_parts) and not passage:  # a pasted passage has words enough
        from fanwen.index.retrieval.thesaurus import synonym_weights

        on = params.synonym_weight > 0  # synonyms off: no stand-in or class back-off either
        parts = {word: analyzer.subwords([word]) for word in words} if with_parts else None
        extra += synonym_weights(words, keywords.holding, params.synonym_weight, params.synonym_stand_in * on,
                                 class_weight=params.class_weight * on, parts=parts,
                                 part_weight=params.subword_stand_in).items()
    if params.plain_word_weight > 0 and not passage:
        extra += [(term, params.plain_word_weight) for term in formal_terms(text, analyzer)]
    for term, weight in extra:
        scale = params.generic_weight if term.removeprefix(BIGRAM) in NON_TOPIC else 1.0
        weights[term] = max(weight * scale, weights.get(term, 0.0))
    return list(weights), weights
