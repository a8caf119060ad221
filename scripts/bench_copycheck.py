"""Measure the copy check (查重): detection of lightly edited library sentences, false positives, speed.

Usage: python scripts/bench_copycheck.py [--home DIR] [--corpus corpus] [--threshold 0.5] [--seed 7]

Detection: every library sentence (at least 15 characters once normalised) is edited five ways — numbers
changed, X placeholders filled with digits, punctuation swapped, 2-3 words replaced by other corpus words,
and all of these at once — and checked as a one-sentence draft; it counts when flagged with a source chunk
that holds the original sentence. False positives: for each report, the sentences of that report checked
against a copy of the library with the report removed (Library.remove); any flag counts, and the flagged
pairs are printed so a reader can see whether the reports really share the sentence. Speed: a 5,000-character
draft of edited library sentences and held-out sentences, checked warm (median of 20) and cold (index build).
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fanwen.index.drafting.copycheck import check_text, copy_index, normalise, sentences  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
_NUMBER = re.compile(r"\d+(?:\.\d+)?|X+")
_PUNCT = {"，": ["、", "；", ",", " "], "、": ["，", "/"], "。": ["；", "！", "."], "；": ["。", "，"],
          "“": ["「", "\""], "”": ["」", "\""], "：": [":", "，"]}


def change_numbers(text: str, rng: random.Random) -> str:
    return _NUMBER.sub(lambda m: str(rng.randint(2, 999)) if m.group() != "1" else "3", text)


def fill_placeholders(text: str, rng: random.Random) -> str:
    return re.sub(r"X+", lambda m: str(rng.randint(1, 99) * 10 ** (len(m.group()) - 1)), text)


def swap_punctuation(text: str, rng: random.Random) -> str:
    return "".join(rng.choice(_PUNCT[ch]) if ch in _PUNCT and rng.random() < 0.7 else ch for ch in text)


def replace_words(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    """Replace 2 words (3 in sentences over 40 characters) of two or more Chinese characters."""
    import jieba

    words = list(jieba.cut(text))
    spots = [i for i, w in enumerate(words) if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w)]
    for i in rng.sample(spots, min(len(spots), 3 if len(text) > 40 else 2)):
        words[i] = rng.choice([w for w in vocabulary if w != words[i]])
    return "".join(words)


EDITS = {
    "numbers changed": lambda t, rng, voc: change_numbers(t, rng),
    "X filled in": lambda t, rng, voc: fill_placeholders(t, rng),
    "punctuation swapped": lambda t, rng, voc: swap_punctuation(t, rng),
    "2-3 words replaced": lambda t, rng, voc: replace_words(t, rng, voc),
    "all of these": lambda t, rng, voc: replace_words(swap_punctuation(change_numbers(t, rng), rng), rng, voc),
}


def library_sentences(snapshot, doc: str | None = None) -> list[tuple[int, str]]:
    found = []
    for chunk in sorted(snapshot.chunks.values(), key=lambda c: c.id):
        if (doc is None and chunk.dup_of is None) or chunk.doc == doc:
            found += [(chunk.id, chunk.text[a:b]) for a, b in sentences(chunk.text)]
    return found


def detection(library, threshold: float, rng: random.Random) -> None:
    import jieba

    snapshot = library.snapshot
    items = [(cid, s) for cid, s in library_sentences(snapshot) if len(normalise(s).text) >= 15]
    vocabulary = sorted({w for _, s in items for w in jieba.cut(s) if len(w) == 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w)})
    print(f"\nDetection of edited library sentences ({len(items)} sentences, threshold {threshold:g})")
    print(f"  {'edit':<22}{'edited':>8}{'flagged':>9}{'right source':>14}{'mean ratio':>12}")
    for name, edit in EDITS.items():
        edited_count = flagged = right = 0
        ratios, misses = [], []
        for cid, sentence in items:
            edited = edit(sentence, rng, vocabulary)
            if edited == sentence:  # e.g. no number to change: not a test of this edit
                continue
            edited_count += 1
            report = check_text(snapshot, edited, threshold)
            best = max(report.matches, key=lambda m: m.ratio, default=None)
            ratios.append(best.ratio if best else 0.0)
            if best:
                flagged += 1
                right += best.source.id == cid or normalise(sentence).text in normalise(best.source.text).text
            else:
                misses.append(edited)
        n = edited_count or 1
        print(f"  {name:<22}{edited_count:>8}{flagged / n:>9.1%}{right / n:>14.1%}{statistics.mean(ratios or [0]):>12.2f}")
        if misses and name == "all of these":
            print(f"    e.g. missed: {misses[0]}")


def false_positives(library, embedder, threshold: float) -> list[str]:
    """Each report's sentences against the library without it; returns the held-out sentences."""
    from fanwen.index.library import Library

    total, ratios, flagged, held_out = 0, [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for doc in sorted(library.snapshot.docs):
            home = Path(tmp) / "without"
            shutil.rmtree(home, ignore_errors=True)
            shutil.copytree(library.home, home, ignore=shutil.ignore_patterns(".lock"))
            others = Library(home, embedder)
            others.remove(doc)
            for _, sentence in library_sentences(library.snapshot, doc):
                if len(normalise(sentence).text) < 8:
                    continue
                total += 1
                held_out.append(sentence)
                report = check_text(others.snapshot, sentence, min(THRESHOLDS))
                ratio = max((m.ratio for m in report.matches), default=0.0)
                ratios.append(ratio)
                if ratio >= threshold:
                    flagged.append((doc, sentence, report.matches[0]))
    print(f"\nFalse positives: {total} sentences, each report checked against the library without it")
    print("  " + "  ".join(f"≥{t:g}: {sum(r >= t for r in ratios) / total:.1%}" for t in THRESHOLDS))
    print(f"  at threshold {threshold:g}: {len(flagged)} of {total} = {len(flagged) / total:.2%}")
    for doc, sentence, match in flagged[:8]:
        print(f"    [{match.ratio:.0%}] {doc[:12]}…: {sentence[:60]}\n          ~ {match.source.doc[:12]}…: "
              f"{match.source.text[slice(*match.source.spans[0])][:60]}")
    return held_out


def speed(library, held_out: list[str], rng: random.Random) -> None:
    """Half edited library sentences, half new ones: held-out sentences with their words shuffled."""
    import jieba

    snapshot = library.snapshot
    pool = [fill_placeholders(swap_punctuation(s, rng), rng) for _, s in library_sentences(snapshot)]
    rng.shuffle(pool)
    originals = ["".join(rng.sample(words, len(words))) for words in (list(jieba.cut(s)) for s in held_out)]
    rng.shuffle(originals)
    parts, size = [], 0
    while size < 5000:
        part = (pool if len(parts) % 2 else originals or pool).pop()
        parts.append(part)
        size += len(part) + 1
    draft = "\n".join(parts)[:5000]
    spans = sentences(draft)
    started = time.perf_counter()
    index = copy_index(snapshot, [draft[start:end] for start, end in spans])
    build = time.perf_counter() - started
    times = []
    for _ in range(20):
        started = time.perf_counter()
        report = check_text(snapshot, draft)
        times.append(time.perf_counter() - started)
    print(f"\nSpeed: {len(draft):,}-character draft, {report.sentences} sentences, {len(report.matches)} flagged, "
          f"share {report.share:.1%}")
    print(f"  of which candidates from the keyword index: {build * 1000:.0f} ms, {len(index.chunks)} of "
          f"{len(snapshot.chunks)} chunks; whole check median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="existing index folder (default: build one from --corpus)")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    import jieba

    jieba.setLogLevel(60)
    from fanwen.index.retrieval.embed import load_embedder
    from fanwen.index.library import Library

    embedder = load_embedder()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "index"
        library = Library(home, embedder)
        if not library.documents():
            print(f"building an index of {args.corpus} in {home} …", file=sys.stderr)
            library.add_paths([args.corpus])
        rng = random.Random(args.seed)
        detection(library, args.threshold, rng)
        held_out = false_positives(library, embedder, args.threshold)
        speed(library, held_out, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
