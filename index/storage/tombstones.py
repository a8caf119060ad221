"""Removal by tombstone over frozen parts shared between snapshots (vector and keyword stores alike)."""
from __future__ import annotations

from typing import Protocol, TypeVar


class Tombstoned(Protocol):
    """A frozen part with the ids removed from it since (`bury` returns a new pair, never changes this one)."""

    dead: frozenset

    def bury(self, ids: list[int]) -> "Tombstoned": ...


T = TypeVar("T", bound=Tombstoned)


def bury_all(parts: list[T], ids: list[int]) -> tuple[list[T], int]:
    """Every part with those of ids it holds alive marked removed, and how many were newly removed."""
    before = sum(len(part.dead) for part in parts)
    parts = [part.bury(ids) for part in parts]
    return parts, sum(len(part.dead) for part in parts) - before
