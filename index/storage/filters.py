"""Which chunks a search may return, as an object each engine translates (sets of ids, or SQL)."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np

from fanwen.index.storage.chunk_table import has_role


@dataclass(frozen=True)
class ChunkFilter:
    """Chunks in any of `roles` (empty: every role) of any of `docs` (empty: every document)."""

    roles: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()

    @property
    def restricts(self) -> bool:
        return bool(self.roles or self.docs)

    def ids(self, by_doc, chunks) -> np.ndarray:
        """The ids passing, ascending (int64), from an in-memory index (document -> ordered ids, id -> Chunk).
        An array, not a set: at a million chunks a role passes 200,000, which the stores take as arrays."""
        if self.docs or not hasattr(chunks, "ids"):
            lists = [by_doc.get(doc, ()) for doc in self.docs or by_doc]
            ids = np.unique(np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=sum(map(len, lists))))
        else:
            ids = chunks.ids()  # a ChunkTable: every id it holds, ascending
        return ids[has_role(chunks, ids, set(self.roles))] if self.roles else ids

    def sql(self, alias: str = "c") -> tuple[str, list]:
        """A WHERE condition on the chunks table (alias `alias`) and its parameters; 'true' when open."""
        conditions = self._conditions()
        return " AND ".join(f"{alias}.{column} = ANY(%s)" for column, _ in conditions) or "true", [
            values for _, values in conditions]

    def named_sql(self, alias: str = "c", prefix: str = "filter") -> tuple[str, dict]:
        """As sql(), with named parameters (prefix0, prefix1…), for a statement whose others are named."""
        conditions = self._conditions()
        return " AND ".join(f"{alias}.{column} = ANY(%({prefix}{i})s)" for i, (column, _) in enumerate(conditions)
                            ) or "true", {f"{prefix}{i}": values for i, (_, values) in enumerate(conditions)}

    def _conditions(self) -> list[tuple[str, list[str]]]:
        return [(column, list(values)) for column, values in (("role", self.roles), ("doc", self.docs)) if values]
