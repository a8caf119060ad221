"""Plain words a drafter types → the 公文 wording reports use (index/data/plain_words.txt), for query expansion."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable

DATA = Path(__file__).resolve().parent.parent / "data" / "plain_words.txt"

Lexicon = dict[str, tuple[str, ...]]


@functools.lru_cache(maxsize=4)
def load(path: Path = DATA) -> Lexicon:
    """Plain phrase -> its formal counterparts, read once (the file ships with the package)."""
    table: Lexicon = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        plain, _tab, formal = line.partition("\t")
        if plain.strip() and formal.split():
            table[plain.strip()] = tuple(formal.split())
    return table


def formal_wording(text: str, table: Lexicon) -> list[str]:
    """The formal counterparts of the plain phrases in `text`, in order, each once: at each position the
    longest phrase the table holds, and no phrase read inside one already taken (一言堂, not 言堂 too)."""
    longest = max(map(len, table), default=0)
    found: list[str] = []
    position = 0
    while position < len(text):
        for size in range(min(longest, len(text) - position), 1, -1):
            phrase = text[position:position + size]
            if phrase in table:
                found.extend(table[phrase])
                position += size
                break
        else:
            position += 1
    return list(dict.fromkeys(found))


def formal_terms(text: str, analyzer: Callable[[str], list[str]], table: Lexicon | None = None) -> list[str]:
    """The index words of the formal wording of the plain phrases in `text` (文山会海; 集体决策 → 集体, 决策)."""
    phrases = formal_wording(text, load() if table is None else table)
    return list(dict.fromkeys(term for phrase in phrases for term in analyzer(phrase)))
