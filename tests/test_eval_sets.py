"""The labelled query sets: every relevance key names text that is in corpus/, exactly once."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from quality_scoring import DEFAULT_SETS, load_queries, normalize  # noqa: E402

SETS = [*DEFAULT_SETS, *sorted((ROOT / "scripts" / "eval").glob("*.yaml"))]


@pytest.fixture(scope="module")
def corpus_text() -> str:
    return "\n".join(normalize(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "corpus").glob("*")))


@pytest.mark.parametrize("path", [p for p in SETS if p.exists()], ids=lambda p: p.name)
def test_every_key_is_found_once_in_the_corpus(path, corpus_text):
    queries = load_queries(path)
    assert len(queries) >= 10
    for item in queries:
        assert 2 in item["rel"].values(), item["q"]
        for key in item["rel"]:
            assert corpus_text.count(key) == 1, f"{path.name}: {item['q']}: key {key!r}"
