"""How bench_quality scores a ranking: the shared dev sets, key matching after normalisation, nDCG@5, MRR."""
from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import yaml

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
DEFAULT_SETS = [EVAL / "dev_queries.yaml", EVAL / "dev_queries_2.yaml"]

QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


def normalize(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(QUOTES))


def load_queries(path: Path) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    queries = []
    for item in items:
        rel = {normalize(key): int(grade) for grade, keys in (item.get("rel") or {}).items() for key in keys or []}
        queries.append({"q": item["q"], "rel": rel, "set": path.stem, "type": item.get("type")})
    return queries


def score_ranking(texts: list[str], rel: dict[str, int], k: int = 5) -> dict:
    """Each key earns its gain once, at the first hit containing it."""
    found, dcg, first = set(), 0.0, None
    for rank, text in enumerate(texts[:k], 1):
        flat = normalize(text)
        gains = [(grade, key) for key, grade in rel.items() if key in flat and key not in found]
        if any(key in flat for key in rel) and first is None:
            first = rank
        if gains:
            grade = max(g for g, _ in gains)
            found.update(key for _, key in gains)
            dcg += (2 ** grade - 1) / math.log2(rank + 1)
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    top = [key for key, grade in rel.items() if grade == 2]
    return {"ndcg": dcg / idcg if idcg else 0.0,
            "recall2": (len([key for key in top if key in found]) / len(top)) if top else None,
            "mrr": 1.0 / first if first else 0.0}


def score_all(ranker, queries: list[dict]) -> list[dict]:
    return [score_ranking(ranker(item["q"]), item["rel"]) for item in queries]


def mean(rows: list[dict], key: str = "ndcg") -> float:
    values = [r[key] for r in rows if r[key] is not None]
    return sum(values) / len(values) if values else float("nan")


