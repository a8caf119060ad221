"""Reports laid out unlike the samples (scripts/eval/layouts): is every labelled point in a chunk with
its role, and is the labelled noise gone? Prints a line per file and the points that miss."""
from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from fanwen.index.ingest.hanzi import to_simplified  # noqa: E402
from fanwen.index.ingest.mojibake import repair  # noqa: E402
from fanwen.index.ingest.pipeline import parse_file  # noqa: E402

LAYOUTS = ROOT / "scripts" / "eval" / "layouts"


def bare(text: str, simplified: bool = False, repaired: bool = False) -> str:
    """Whitespace out, NFKC; `repaired`: a wrong encoding read back (a point's key copied from a garbled line:
    the library holds the line repaired); in simplified characters for a report the library holds in them."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", repair(text) if repaired else text))
    return to_simplified([text], share=0)[0] if simplified else text


def held_simplified(path: Path) -> bool:
    """Whether the library converts the report to simplified characters (it does for a text file mostly in
    traditional ones)."""
    if path.suffix != ".txt":
        return False
    raw = path.read_text(encoding="utf-8", errors="replace")
    return to_simplified([raw]) != [raw]


def labels(readme: Path) -> dict[str, tuple[list[list[str]], list]]:
    """File -> ([role, kind, substring] per point, noise substrings and ("DUP", key) for a paragraph pasted
    twice), from README.txt's tab-separated lines."""
    found: dict[str, tuple[list[list[str]], list[str]]] = {}
    current = None
    for line in readme.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"== (\S+) ==", line)
        if heading:
            current = found.setdefault(heading.group(1), ([], []))
            continue
        parts = line.split("\t")
        if current is not None and line.startswith("DUP"):  # a paragraph pasted twice: the library shows it once
            current[1].append(("DUP", parts[-1].strip()))
        elif current is not None and line.startswith("NOISE"):
            current[1].append(parts[-1].strip())
        elif current is not None and len(parts) == 4 and parts[0].strip().isdigit():
            current[0].append(parts[1:])
    return found


def located(key: str, text: str, simplified: bool = False, repaired: bool = True) -> bool:
    """The key is in the (bare) text; a space in a key from dictated text (a pause) may read as a comma there.
    A noise key is looked for as written (`repaired` off): read back, a garbled header names the unit, as the
    report does."""
    parts = [bare(part, simplified, repaired) for part in key.split()]
    return re.search("[，,]?".join(map(re.escape, parts)), text) is not None


def _salutation(key: str, removed: list[str]) -> bool:
    """The key sat in a salutation (各位领导、同志们：), which ingest drops by design: not report text."""
    return any(bare(key) in bare(line) and bare(line).endswith(":") for line in removed)


def check(name: str, points: list[list[str]], noise: list) -> tuple[int, int]:
    parsed, simplified = parse_file(LAYOUTS / name), held_simplified(LAYOUTS / name)
    texts, right = [bare(piece.text) for piece in parsed.pieces], 0
    for role, kind, key in points:
        if kind == "T":  # a table block is held as its cells' text, whatever separated them (| or a tab)
            key = re.sub(r"[|｜]", "", key)
        at = [i for i, text in enumerate(texts) if located(key, text, simplified)]
        if not at:
            # headings live in heading paths; a signature (S) may go as furniture
            if kind not in ("H", "S") and role != "opening":
                print(f"   missing {kind} {role}: {key}")
            right += kind in ("H", "S") or role == "opening" and _salutation(key, parsed.removed_lines)
            continue
        got = parsed.pieces[at[0]].role
        right += got == role
        if got != role:
            print(f"   {kind} {key}: {got}, labelled {role}")
    doubled = [key for _, key in (k for k in noise if isinstance(k, tuple))]
    noise = [key for key in noise if not isinstance(key, tuple)]
    for key in doubled:
        print(f"   pasted twice, {sum(bare(key) in text for text in texts)} chunks (the library marks the second dup_of)")
    kept = [key for key in noise if any(located(key, text, simplified, repaired=False) for text in texts)]
    print(f"{name}: {right}/{len(points)} points right, {len(parsed.pieces)} chunks, noise kept {kept or 'none'}")
    return right, len(points)


def main() -> None:
    totals = [check(name, points, noise) for name, (points, noise) in labels(LAYOUTS / "README.txt").items()]
    print(f"all: {sum(r for r, _ in totals)}/{sum(n for _, n in totals)}")


if __name__ == "__main__":
    main()
