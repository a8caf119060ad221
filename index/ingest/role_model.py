"""A small role classifier over chunk vectors: softmax regression trained on heading-labelled chunks."""
from __future__ import annotations

import numpy as np

from fanwen.index.ingest.role_text import ORDER, decode, text_probs

MIN_TRAIN = 20  # fewer labelled chunks than this teach nothing reliable
TRUSTED = 1.0  # chunks whose role a heading named


def fit(vectors: np.ndarray, labels: list[str], l2: float = 1e-2, steps: int = 300, rate: float = 0.5) -> np.ndarray:
    """Weights (dim+1, roles) of a softmax regression fitted by full-batch gradient descent."""
    x = np.hstack([vectors, np.ones((len(vectors), 1), dtype=vectors.dtype)])
    y = np.zeros((len(labels), len(ORDER)))
    y[np.arange(len(labels)), [ORDER.index(label) for label in labels]] = 1.0
    weights = np.zeros((x.shape[1], len(ORDER)))
    for _ in range(steps):
        grad = x.T @ (predict(weights, vectors, bias_added=x) - y) / len(x) + l2 * weights
        weights -= rate * grad
    return weights


def predict(weights: np.ndarray, vectors: np.ndarray, bias_added: np.ndarray | None = None) -> np.ndarray:
    x = bias_added if bias_added is not None else np.hstack([vectors, np.ones((len(vectors), 1))])
    logits = x @ weights
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def retag(texts: list[str], title: str, hints: list[str], vectors: np.ndarray,
          weights: np.ndarray) -> tuple[list[str], list[float]]:
    """Roles of one headless document: classifier and cue probabilities multiplied, decoded in report order."""
    probs = predict(weights, vectors) * text_probs(texts, title, hints)
    probs /= probs.sum(axis=1, keepdims=True)
    return decode(probs)
