"""Chinese tokenizer for keyword search: jieba precise mode plus a 党建 dictionary and stop words."""
from __future__ import annotations

import functools
import logging
import re
import unicodedata
from pathlib import Path
from typing import Callable, Iterable

import jieba

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DICT = DATA_DIR / "dangjian_dict.txt"
DEFAULT_STOPWORDS = DATA_DIR / "stopwords.txt"

# Lowercase only ASCII: str.lower() can change the length of some non-ASCII strings,
# and highlight offsets must stay valid in the original text.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Punctuation, symbols, separators, numbers and control characters never make a search term.
_NOISE_CATEGORIES = frozenset("PSZNC")
# jieba's dictionary lists many stock phrases (认真落实, 切实加强, 积极开展) at frequency 3;
# real words such as 积极分子 or 深入人心 are far more frequent.
_PHRASE_FREQ = 5

jieba.setLogLevel(logging.WARNING)


def ascii_lower(text: str) -> str:
    """Lowercase A-Z only, keeping every other character (and so every offset) unchanged."""
    return text.translate(_ASCII_LOWER)


def load_stopwords(path: Path) -> frozenset[str]:
    """Read one stop word per line; blank lines and lines starting with # are ignored."""
    words = set()
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        word = line.strip()
        if word and not word.startswith("#"):
            words.add(ascii_lower(word))
    return frozenset(words)


def _read_user_words(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return {line.split()[0] for line in lines if line.strip()}


def _split_filler_phrases(segmenter: jieba.Tokenizer, stop: frozenset[str], keep: set[str]) -> None:
    """Forget jieba's "filler + word" phrases so that 认真落实 is cut as 认真 / 落实.

    Otherwise the filler stop word would hide the content word from keyword search.
    """
    freq = segmenter.FREQ
    phrases = [
        word for word, count in freq.items()
        if 0 < count <= _PHRASE_FREQ and len(word) >= 4 and word not in keep
        and any(word[:n] in stop and freq.get(word[n:]) for n in (2, 3) if len(word) - n >= 2)
    ]
    for word in phrases:
        segmenter.del_word(word)


def _is_noise(token: str) -> bool:
    # "X"/"XX" mark blanked-out figures in the exemplar reports, so "X%" or "XX" carry no meaning.
    return all(ch in "xX" or unicodedata.category(ch)[0] in _NOISE_CATEGORIES for ch in token)


def make_tokenizer(
    user_dict: Path | None = DEFAULT_DICT, stopwords: Path | None = DEFAULT_STOPWORDS
) -> Callable[[str], list[str]]:
    """Build a tokenizer on a private jieba instance, so other users of jieba are unaffected."""
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    keep: set[str] = set()
    if user_dict is not None:
        segmenter.load_userdict(str(user_dict))
        keep = _read_user_words(user_dict)
    stop = load_stopwords(stopwords) if stopwords is not None else frozenset()
    _split_filler_phrases(segmenter, stop, keep)

    def tokenize(text: str) -> list[str]:
        terms = []
        for token in segmenter.cut(text, HMM=True):
            token = ascii_lower(token.strip())
            if token and token not in stop and not _is_noise(token):
                terms.append(token)
        return terms

    return tokenize


@functools.lru_cache(maxsize=1)
def default_tokenizer() -> Callable[[str], list[str]]:
    """The tokenizer built from the shipped dictionary and stop words, loaded once per process."""
    return make_tokenizer(DEFAULT_DICT, DEFAULT_STOPWORDS)


def find_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Sorted, merged [start, end) spans of every occurrence of any term, for highlighting."""
    unique = {term for term in terms if term and term.strip()}
    if not text or not unique:
        return []
    # Longest alternative first, so a term is not shadowed by one of its own prefixes.
    ordered = sorted(unique, key=lambda term: (-len(term), term))
    pattern = re.compile("|".join(re.escape(term) for term in ordered), re.IGNORECASE | re.ASCII)
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans
