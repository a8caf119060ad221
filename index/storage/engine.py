"""The storage interface the library talks to, and the factory that picks an engine."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from fanwen.index.records import Document


class Engine(Protocol):
    """Documents, chunks, vectors and keyword postings behind one object.

    `view()` is what a search reads: it has docs, chunks, by_doc (mappings), vectors, heads, keywords
    (add/remove/search/get/count), manifest and generation. Writes go through `apply` only, one at a time.
    """

    kind: str

    def view(self): ...

    def held_documents(self) -> dict[str, Document]: ...

    def start_rebuild(self) -> None: ...

    def apply(self, parsed, removals: list[str], report, progress, replace=None,
              must_exist: bool = False) -> list[Document]: ...


def open_engine(home: Path, embedder, vector_kind: str, chunking: dict, tokenize, rebuild: bool,
                topic_vectors: bool, database_url: str | None = None) -> Engine:
    """PostgreSQL + pgvector when a database URL is given, else the embedded engine in `home`."""
    if database_url:
        from fanwen.index.storage.postgres import PostgresEngine

        return PostgresEngine(database_url, embedder, chunking, tokenize, rebuild, topic_vectors)
    from fanwen.index.storage.embedded import EmbeddedEngine

    return EmbeddedEngine(home, embedder, vector_kind, chunking, tokenize, rebuild, topic_vectors)

