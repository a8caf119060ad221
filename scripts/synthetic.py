"""Generated libraries for the scale benches: chunks of four corpus sentences, with vectors built from theirs.

A chunk's vector is the normalised sum of its sentences' real passage vectors plus a little noise, so the
generated library is clustered as real embeddings are (random unit vectors are not: every cosine is ~0 and
an HNSW graph finds few true neighbours among them), and a real query's nearest chunks share its topic.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from itertools import chain
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["问题原因 党建业务融合", "下一步 加强党风廉政建设", "开展谈心谈话", "落实中央八项规定精神", "党员积分制管理",
           "层层签订党建目标责任书", "原因 党建工作缺乏创新", "两新组织党建", "三会一课 组织生活会", "主题教育 成效"]
PER_CHUNK = 4  # sentences per generated chunk
NOISE = 0.02  # per-dimension noise added to a chunk's summed sentence vectors, so no two chunks tie exactly


def corpus_sentences() -> list[str]:
    """The sample reports' sentences, from which generated chunks and the added report are made."""
    corpus = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt")))
    return re.findall(r"[^。！？\n]{8,}[。！？]", corpus)


def report_text(sentences: list[str], paragraphs: int) -> str:
    """A report in the usual shape: a title, numbered headings, paragraphs of two corpus sentences."""
    pick = random.Random(11).sample(sentences, 2 * paragraphs)
    heads = ["一、主要工作", "二、存在的问题", "三、下一步打算"]
    lines = ["测速用述职报告"]
    for i in range(paragraphs):
        if i % (paragraphs // 3 + 1) == 0:
            lines.append(heads[min(2, i // (paragraphs // 3 + 1))])
        lines.append(pick[2 * i] + pick[2 * i + 1])
    return "\n".join(lines) + "\n"


class Generator:
    """Chunks as tuples of sentence numbers; their texts, vectors and keyword terms."""

    def __init__(self, sentences: list[str], embedder, seed: int = 7):
        self.sentences, self.seed = sentences, seed
        self.sentence_vectors = np.asarray(embedder.embed_passages(sentences), dtype=np.float32)
        self.dim = self.sentence_vectors.shape[1]
        self.restart()

    def restart(self) -> None:
        """Generate the same chunks again from the first."""
        self.rng, self.pyrng = np.random.default_rng(self.seed), random.Random(self.seed)

    def picks(self, n: int) -> list[tuple[int, ...]]:
        return [tuple(self.pyrng.sample(range(len(self.sentences)), PER_CHUNK)) for _ in range(n)]

    def texts(self, picks) -> list[str]:
        return ["".join(self.sentences[j] for j in pick) for pick in picks]

    def vectors(self, picks) -> np.ndarray:
        """One unit vector per chunk."""
        rows = self.sentence_vectors[np.array(picks)].sum(axis=1)
        rows += self.rng.standard_normal(rows.shape).astype(np.float32) * NOISE
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def sentence_terms(sentences: list[str]) -> list[list[str]]:
    """The analyzer's indexed terms of each sentence: a generated text's terms are its sentences' terms,
    because the analyzer cuts at the full stop ending each sentence (checked here on 50 samples)."""
    from fanwen.index.retrieval.tokenize import default_tokenizer

    tokenize = default_tokenizer()
    analyzer = getattr(tokenize, "index_terms", tokenize)
    terms = [list(analyzer(sentence)) for sentence in sentences]
    assert not any(set(t) & set("\t\n\\") for ts in terms for t in ts)  # written as COPY text unescaped
    check = random.Random(1)
    for _ in range(50):
        pick = check.sample(range(len(sentences)), PER_CHUNK)
        assert Counter(analyzer("".join(sentences[j] for j in pick))) == Counter(chain.from_iterable(terms[j] for j in pick))
    return terms


class SentenceMemo:
    """The real tokenizer, whose indexed terms of a generated text are joined from its sentences' (computed
    once each, see sentence_terms): building a million-chunk keyword index then costs no jieba time."""

    def __init__(self, tokenize, sentences: list[str]):
        self._tokenize = tokenize
        self._terms = dict(zip(sentences, sentence_terms(sentences)))

    def __call__(self, text: str) -> list[str]:
        return self._tokenize(text)

    def __getattr__(self, name):  # bigrams, subwords…: the real analyzer's
        return getattr(self._tokenize, name)

    def index_terms(self, text: str) -> list[str]:
        parts = re.findall(r"[^。！？]*[。！？]", text)
        if "".join(parts) != text or any(p not in self._terms for p in parts):
            return list(getattr(self._tokenize, "index_terms", self._tokenize)(text))
        return list(chain.from_iterable(self._terms[p] for p in parts))
