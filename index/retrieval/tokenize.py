"""Chinese analyzer for keyword search: jieba with a 党建 dictionary, stop words, sub-words and bigrams."""
from __future__ import annotations

import functools
import logging
import re
import unicodedata
from pathlib import Path
from typing import Iterable

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


# Quotes mark a coined term (“两学一做”学习教育) that drafters type without them; removing the marks
# makes the quoted and the bare text segment identically.
_QUOTES = dict.fromkeys(map(ord, "“”‘’\"'「」『』《》〈〉"), None)
BIGRAM = "~"  # prefix of character-bigram terms: a second field in the same BM25 vocabulary


def normalize(text: str) -> str:
    """NFKC (full- and half-width forms become one) without quote marks."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


class Analyzer:
    """Calling it gives the content words; `index_terms` adds search-mode sub-words and bigrams."""

    def __init__(self, segmenter: jieba.Tokenizer, stop: frozenset[str]):
        self._segmenter, self._stop = segmenter, stop

    def _runs(self, text: str) -> list[list[str]]:
        """Content tokens (single characters included) grouped into runs broken by stop words and noise."""
        runs, current = [], []
        for token in self._segmenter.cut(normalize(text), HMM=True):
            token = ascii_lower(token.strip())
            if token and token not in self._stop and not _is_noise(token):
                current.append(token)
            elif current:
                runs.append(current)
                current = []
        return runs + [current] if current else runs

    def __call__(self, text: str) -> list[str]:
        # A lone character (抓, 不, 党) is too ambiguous to be a search term on its own.
        return [token for run in self._runs(text) for token in run if len(token) > 1]

    def subwords(self, words: list[str]) -> list[str]:
        """Dictionary words of 2-3 characters inside longer words, as jieba's search mode finds them."""
        freq, out = self._segmenter.FREQ, []
        for word in words:
            for n in (2, 3):
                out += [word[i:i + n] for i in range(len(word) - n + 1)
                        if len(word) > n and freq.get(word[i:i + n]) and word[i:i + n] not in self._stop]
        return out

    def bigrams(self, text: str) -> list[str]:
        """Character bigrams of each run, so 一岗 双责 meets 一岗双责 and the reverse."""
        out = []
        for run in self._runs(text):
            joined = "".join(run)
            out += [BIGRAM + joined[i:i + 2] for i in range(len(joined) - 1) if _is_cjk(joined[i:i + 2])]
        return out

    def index_terms(self, text: str) -> list[str]:
        words = self(text)
        return words + self.subwords(words) + self.bigrams(text)


def _is_cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def make_tokenizer(user_dict: Path | None = DEFAULT_DICT, stopwords: Path | None = DEFAULT_STOPWORDS) -> Analyzer:
    """Build an analyzer on a private jieba instance, so other users of jieba are unaffected."""
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    keep: set[str] = set()
    if user_dict is not None:
        segmenter.load_userdict(str(user_dict))
        keep = _read_user_words(user_dict)
    stop = load_stopwords(stopwords) if stopwords is not None else frozenset()
    _split_filler_phrases(segmenter, stop, keep)
    return Analyzer(segmenter, stop)


@functools.lru_cache(maxsize=1)
def default_tokenizer() -> Analyzer:
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
