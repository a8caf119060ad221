"""A small role classifier over chunk vectors: softmax regression trained on heading-labelled chunks."""
from __future__ import annotations

import hashlib
import heapq
from dataclasses import dataclass

import numpy as np

from fanwen.index.ingest.role_text import ORDER, decode, text_probs

MIN_TRAIN = 20  # fewer labelled chunks than this teach nothing reliable
TRUSTED = 1.0  # chunks whose role a heading named
# Cue probabilities are counts of phrases, far more peaked than the classifier's; tempered so that
# neither drowns the other (leave-one-report-out over corpus/: 0.25-0.5 all gave 85-87%).
CUE_WEIGHT = 0.4
L2 = 0.05
# Training rows per role. Full-batch descent costs rows x steps: on every chunk of a 100,000-chunk library
# one fit took tens of seconds per write; 400 a role (corpus/ has at most 44) fits in about a second.
PER_ROLE = 400


@dataclass
class RoleModel:
    """Weights over standardised vectors: embedding dimensions differ little between chunks
    (they share one topic), so raw vectors leave a plain regression predicting the largest role."""

    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray


def fit(vectors: np.ndarray, labels: list[str], l2: float = L2, steps: int = 300, rate: float = 0.5) -> RoleModel:
    """Softmax regression fitted by full-batch gradient descent on standardised vectors."""
    mean, scale = vectors.mean(axis=0), vectors.std(axis=0) + 1e-6
    x = _design(vectors, mean, scale)
    y = np.zeros((len(labels), len(ORDER)))
    y[np.arange(len(labels)), [ORDER.index(label) for label in labels]] = 1.0
    weights = np.zeros((x.shape[1], len(ORDER)))
    for _ in range(steps):
        weights -= rate * (x.T @ (_softmax(x @ weights) - y) / len(x) + l2 * weights)
    return RoleModel(weights, mean, scale)


def predict(model: RoleModel, vectors: np.ndarray) -> np.ndarray:
    """Role probabilities per row, columns in ORDER."""
    return _softmax(_design(vectors, model.mean, model.scale) @ model.weights)


def _design(vectors: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    standard = (np.asarray(vectors, dtype=np.float64) - mean) / scale
    return np.hstack([standard, np.ones((len(standard), 1))])


def _softmax(logits: np.ndarray) -> np.ndarray:
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def retag(texts: list[str], title: str, after_cue: list[bool], vectors: np.ndarray,
          model: RoleModel) -> tuple[list[str], list[float]]:
    """Roles of one headless document: classifier probabilities times tempered cue probabilities as
    emission scores, decoded in report order; `after_cue` marks parts after a cause cue (究其原因…)."""
    probs = predict(model, vectors) * text_probs(texts, title, after_cue) ** CUE_WEIGHT
    probs /= probs.sum(axis=1, keepdims=True)
    return decode(probs)


def fit_except(labelled: dict[str, tuple[np.ndarray, list[str]]], held_out: str) -> RoleModel:
    """A model trained on every document's heading-labelled chunks but one's: leave-one-out evaluation."""
    rows = [vectors for doc, (vectors, _) in labelled.items() if doc != held_out]
    labels = [label for doc, (_, doc_labels) in labelled.items() if doc != held_out for label in doc_labels]
    return fit(np.vstack(rows), labels)


def training_sample(ids: list[int], labels: list[str], per_role: int = PER_ROLE) -> list[int]:
    """Positions (ascending) of a bounded, deterministic sample: for each role, the `per_role` ids that
    come first in a fixed hash order, so one library always trains one model and growing it seldom
    changes the sample; a role with fewer chunks keeps them all."""
    by_role: dict[str, list[tuple[int, int]]] = {}
    for pos, (chunk_id, label) in enumerate(zip(ids, labels)):
        by_role.setdefault(label, []).append(((chunk_id * 2654435761) % 2**32, pos))
    return sorted(pos for rows in by_role.values() for _, pos in heapq.nsmallest(per_role, rows))


_fitted: dict[bytes, RoleModel] = {}  # the last model, by a digest of what it was trained on


def fit_cached(vectors: np.ndarray, labels: list[str]) -> RoleModel:
    """fit(), reusing the previous model when the training rows are the same (the same library sample)."""
    digest = hashlib.blake2b(np.ascontiguousarray(vectors).tobytes(), digest_size=16)
    digest.update("\n".join(labels).encode("utf-8"))
    key = digest.digest()
    if key not in _fitted:
        _fitted.clear()  # one entry: a process serves one library
        _fitted[key] = fit(vectors, labels)
    return _fitted[key]
