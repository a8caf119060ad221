"""Copy check (查重): sentences of a draft that reproduce library text, found by normalised character shingles."""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from fanwen.index.errors import InvalidInput
from fanwen.index.records import Chunk
from fanwen.index.retrieval.params import SearchParams
from fanwen.index.retrieval.search import query_terms
from fanwen.index.storage.chunk_table import fetch

MAX_CHARS = 50_000
SIZE = 5  # 4-grams of these reports are stock phrases (党建工作); 6-grams break too easily around edits
MIN_SENTENCE = 8  # normalised characters; shorter lines (一、主要做法) are headings, not copying
# Evidence is an unbroken shared run of MIN_RUN characters, and a flagged sentence needs MIN_COPIED of them:
# shorter lines shared by reports are set phrases (现将履职情况报告如下). Tuned with scripts/bench_copycheck.py:
# runs of 8 miss 11% of sentences with 2-3 words replaced, no MIN_COPIED flags 2% of unseen sentences.
MIN_RUN = 6
MIN_COPIED = 10
CANDIDATES = 5  # chunks per sentence aligned in full, by number of shared shingles
POOL = 10  # chunks per sentence taken from the keyword index before shingles are compared
WINDOW = 150  # characters of consecutive sentences searched together
_POS_BITS = 16
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*[”’」』）)]*")
_NOISE = re.compile(r"[\s\W_]", re.UNICODE)


@dataclass
class Normalised:
    """Text as copying preserves it (see dedup.canonical), with each character's span in the original."""

    text: str
    starts: list[int]
    ends: list[int]

    def span(self, lo: int, hi: int) -> tuple[int, int]:
        return self.starts[lo], self.ends[hi - 1]


def normalise(text: str) -> Normalised:
    """NFKC, no spaces or punctuation, lower case, one X for any run of digits and X placeholders."""
    chars, starts, ends = [], [], []
    for pos, original in enumerate(text):
        for ch in unicodedata.normalize("NFKC", original):
            if ch.isdigit() or ch == "X":
                ch = "X"
            elif _NOISE.match(ch):
                continue
            else:
                ch = ch.lower()
            if ch == "X" and chars and chars[-1] == "X":  # 2019 = X = XX: filled-in slots match their blanks
                ends[-1] = pos + 1
                continue
            chars.append(ch)
            starts.append(pos)
            ends.append(pos + 1)
    return Normalised("".join(chars), starts, ends)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split at 。！？； and line ends, closing quotes kept."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


class CopyIndex:
    """Inverted index from character shingles to (chunk, position), over one snapshot's chunks."""

    def __init__(self, chunks: Iterable[Chunk], titles: dict[str, str], size: int = SIZE):
        self.size = size
        self.chunks = {chunk.id: chunk for chunk in chunks}
        self.titles = titles
        self.postings: dict[str, list[int]] = defaultdict(list)
        for chunk in self.chunks.values():
            flat = normalise(chunk.text).text
            for pos in range(min(len(flat) - size + 1, 1 << _POS_BITS)):
                self.postings[flat[pos:pos + size]].append(chunk.id << _POS_BITS | pos)

    def pairs(self, flat: str) -> dict[int, list[tuple[int, int]]]:
        """Per chunk, the (sentence position, chunk position) of every shared shingle."""
        found: dict[int, list[tuple[int, int]]] = defaultdict(list)
        mask = (1 << _POS_BITS) - 1
        for pos in range(len(flat) - self.size + 1):
            for code in self.postings.get(flat[pos:pos + self.size], ()):
                found[code >> _POS_BITS].append((pos, code & mask))
        return found


@dataclass
class Source:
    id: int
    doc: str
    title: str
    heading: str
    text: str
    spans: list[tuple[int, int]]  # copied passages, [start, end) in `text`


@dataclass
class Match:
    """One draft sentence that reproduces library text."""

    index: int  # sentence number in the draft
    start: int  # sentence offsets in the draft text
    end: int
    text: str
    ratio: float  # share of the sentence's characters inside copied passages
    spans: list[tuple[int, int]]  # copied passages, [start, end) in `text`
    source: Source
    copied_chars: int = 0


@dataclass
class CheckReport:
    text: str
    threshold: float
    sentences: int
    checked_chars: int  # characters that count: no spaces or punctuation, a number counts once
    copied_chars: int
    matches: list[Match] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.copied_chars / self.checked_chars if self.checked_chars else 0.0

    def to_dict(self) -> dict:
        matches = []
        for match in self.matches:
            data = asdict(match)
            data["ratio"] = round(match.ratio, 4)
            data["spans"] = [list(s) for s in match.spans]
            data["source"]["spans"] = [list(s) for s in match.source.spans]
            matches.append(data)
        return {"chars": len(self.text), "checked_chars": self.checked_chars, "copied_chars": self.copied_chars,
                "share": round(self.share, 4), "threshold": self.threshold, "sentences": self.sentences,
                "flagged": len(self.matches), "matches": matches, "text": self.text}


def copy_index(snapshot, texts: list[str], size: int = SIZE) -> CopyIndex:
    """A shingle index over the chunks the library's keyword index ranks highest for any of `texts`.

    Why not every chunk: the check then reads what the storage already indexes, at any library size and
    on either engine. A copied sentence keeps most of its source's words and character bigrams (what the
    passage query weighs), so the source ranks near the top even with a few words replaced.
    """
    params, ids = SearchParams(), set()
    for group in _windows(texts):
        terms, weights = query_terms(snapshot.keywords, "\n".join(group), params, passage=True)
        ids.update(cid for cid, *_ in snapshot.keywords.search(terms, POOL * len(group), weights=weights))
    titles = {doc.id: doc.title for doc in snapshot.docs.values()}
    return CopyIndex(fetch(snapshot, sorted(ids)).values(), titles, size)


def _windows(texts: list[str], size: int = WINDOW):
    """Consecutive sentences up to `size` characters together: one keyword search per window, not per sentence."""
    group, length = [], 0
    for text in texts:
        if group and length + len(text) > size:
            yield group
            group, length = [], 0
        group.append(text)
        length += len(text)
    if group:
        yield group


def check_text(library_or_snapshot, text: str, threshold: float = 0.5) -> CheckReport:
    """Flag each sentence whose share of characters in passages copied from one chunk reaches `threshold`."""
    text, threshold = validate_text(text), validate_threshold(threshold)
    snapshot = getattr(library_or_snapshot, "snapshot", library_or_snapshot)
    spans = sentences(text)
    flats = [normalise(text[start:end]) for start, end in spans]
    index = copy_index(snapshot, [text[start:end] for (start, end), flat in zip(spans, flats)
                                  if len(flat.text) >= MIN_SENTENCE])
    report = CheckReport(text, threshold, 0, 0, 0)
    for number, ((start, end), flat) in enumerate(zip(spans, flats)):
        report.sentences += 1
        report.checked_chars += len(flat.text)
        match = match_sentence(index, flat, text[start:end])
        if match is not None and match.ratio >= threshold and match.copied_chars >= MIN_COPIED:
            match.index, match.start, match.end = number, start, end
            report.matches.append(match)
            report.copied_chars += match.copied_chars
    return report


def check_file(library_or_snapshot, path: Path, threshold: float = 0.5) -> CheckReport:
    """Check a .txt, .md, .docx or .pdf draft; its paragraphs are joined by line breaks."""
    from fanwen.index.ingest.readers import read_document

    document = read_document(Path(path))
    return check_text(library_or_snapshot, "\n".join(block.text for block in document.blocks), threshold)


def validate_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("draft text is empty: give the text to check", field="text", zh="稿子是空的：请粘贴要查重的文字")
    if len(text) > MAX_CHARS:
        raise InvalidInput(f"draft is {len(text):,} characters long: at most {MAX_CHARS:,} can be checked "
                           f"at once; split it into parts", field="text",
                           zh=f"稿子有 {len(text):,} 个字，一次最多查 {MAX_CHARS:,} 个字，请分段查重")
    return text


def validate_threshold(value) -> float:
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"threshold must be a number between 0 and 1, got {value!r}", field="threshold",
                           zh=f"阈值应是 0 到 1 之间的数，现在是 {value!r}") from None
    if isinstance(value, bool) or not 0 < threshold <= 1:
        raise InvalidInput(f"threshold must be above 0 and at most 1, got {value!r}", field="threshold",
                           zh=f"阈值应大于 0、不超过 1，现在是 {value!r}")
    return threshold


def match_sentence(index: CopyIndex, flat: Normalised, sentence: str) -> Match | None:
    """The chunk covering most of the sentence with unbroken shared runs, aligned in order."""
    if len(flat.text) < max(MIN_SENTENCE, index.size):
        return None
    found = index.pairs(flat.text)
    ranked = sorted(found, key=lambda cid: (-len({i for i, _ in found[cid]}), cid))[:CANDIDATES]
    best = None
    for cid in ranked:
        mine, theirs = _aligned_runs(found[cid], index.size)
        covered = sum(hi - lo for lo, hi in mine)
        if covered and (best is None or covered > best[1] or (covered == best[1] and cid < best[0])):
            best = (cid, covered, mine, theirs)
    if best is None:
        return None
    cid, covered, mine, theirs = best
    chunk = index.chunks[cid]
    source_flat = normalise(chunk.text)
    source = Source(cid, chunk.doc, index.titles.get(chunk.doc, chunk.doc), chunk.heading, chunk.text,
                    [source_flat.span(lo, hi) for lo, hi in theirs])
    return Match(0, 0, 0, sentence, covered / len(flat.text), [flat.span(lo, hi) for lo, hi in mine], source,
                 covered)


def _aligned_runs(pairs: list[tuple[int, int]], size: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Merged covered intervals in sentence and chunk, from the longest in-order chain of shared shingles."""
    chain = _longest_chain(sorted(pairs, key=lambda p: (p[0], -p[1])))
    mine, theirs, run = [], [], []
    for pair in chain + [None]:
        if run and (pair is None or pair != (run[-1][0] + 1, run[-1][1] + 1)):
            if run[-1][0] + size - run[0][0] >= MIN_RUN:
                mine.append((run[0][0], run[-1][0] + size))
                theirs.append((run[0][1], run[-1][1] + size))
            run = []
        if pair is not None:
            run.append(pair)
    return _merge(mine), _merge(sorted(theirs))


def _longest_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence increasing in both positions (pairs sorted by sentence position, then chunk desc)."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        slot = bisect_left(tails, j)
        if slot == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[slot], tail_at[slot] = j, k
        previous[k] = tail_at[slot - 1] if slot else -1
    chain, k = [], tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.append(pairs[k])
        k = previous[k]
    return chain[::-1]


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in intervals:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged
