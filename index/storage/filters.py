"""Which chunks a search may return, as an object each engine translates (sets of ids, or SQL)."""
from __future__ import annotations

from dataclasses import dataclass

from fanwen.index.storage.chunk_table import roles_of


@dataclass(frozen=True)
class ChunkFilter:
    """Chunks in any of `roles` (empty: every role) of any of `docs` (empty: every document)."""

    roles: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()

    @property
    def restricts(self) -> bool:
        return bool(self.roles or self.docs)

    def ids(self, by_doc, chunks) -> set[int]:
        """The ids passing, from an in-memory index (document -> ordered ids, id -> Chunk)."""
        ids = [cid for doc in self.docs or by_doc for cid in by_doc.get(doc, ())]
        if not self.roles:
            return set(ids)
        return {cid for cid, role in zip(ids, roles_of(chunks, ids)) if role in self.roles}

    def sql(self, alias: str = "c") -> tuple[str, list]:
        """A WHERE condition on the chunks table (alias `alias`) and its parameters; 'true' when open."""
        parts, params = [], []
        if self.roles:
            parts.append(f"{alias}.role = ANY(%s)")
            params.append(list(self.roles))
        if self.docs:
            parts.append(f"{alias}.doc = ANY(%s)")
            params.append(list(self.docs))
        return (" AND ".join(parts) or "true"), params
