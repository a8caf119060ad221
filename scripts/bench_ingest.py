"""Ingest robustness bench: per-variant chunk and role agreement with the clean corpus, noise removed, parse time."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from fanwen.index.ingest import perturb
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


def run(corpus: Path, show_removed: bool) -> None:
    rows: dict[str, list[tuple[float, float, int, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for source in sorted(corpus.glob("*.txt")):
            clean = parse_file(source)
            for name, path in variants(source.read_text(encoding="utf-8"), clean.title, Path(tmp), source.stem).items():
                parsed = parse_file(path)
                chunks, roles = perturb.agreement(clean.pieces, parsed.pieces, drop_heading=name == "headless")
                rows.setdefault(name, []).append((chunks, roles, len(parsed.pieces), len(parsed.removed_lines)))
                if show_removed:
                    print(f"[{name}] {source.stem}: title={parsed.title!r} removed={parsed.removed_lines}")
    print(f"{'variant':<12} {'chunks identical':>17} {'roles identical':>16} {'chunks':>7} {'removed':>8}")
    for name, stats in rows.items():
        n = len(stats)
        print(f"{name:<12} {100 * sum(s[0] for s in stats) / n:>16.1f}% {100 * sum(s[1] for s in stats) / n:>15.1f}% "
              f"{sum(s[2] for s in stats):>7} {sum(s[3] for s in stats):>8}")


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
    parser.add_argument("--repeat", type=int, default=20, help="parse_file passes over the corpus for timing")
    args = parser.parse_args(argv)
    run(args.corpus, args.show_removed)
    clean = sum(len(parse_file(p).pieces) for p in sorted(args.corpus.glob("*.txt")))
    print(f"clean corpus: {clean} chunks; parse_file over corpus: {1000 * parse_time(args.corpus, args.repeat):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
