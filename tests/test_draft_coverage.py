"""Topic coverage (index/drafting/coverage.py): calibration topics on the sample corpus, the outline's warning,
the JSON that carries it."""
from __future__ import annotations

import pytest

from fanwen.index.drafting.coverage import GENERIC_WORDS, MIN_SHARE, Coverage, content_words, measure_coverage

# The sample corpus holds five 党建 述职 reports (街道党工委, 机关党委, 机关党总支, 政府办党组, 集团党委).
IN_TOPIC = ["街道党工委书记 抓基层党建工作述职", "机关党委书记抓基层党建工作述职报告", "集团党委书记抓基层党建工作述职报告",
            "政府办党组书记述职", "机关党总支书记党建述职报告", "社区党支部书记述职报告", "国企党委书记党建述职",
            "2020年 抓基层党建工作", "乡镇党委书记抓党建述职", "局机关党支部书记述职述廉报告", "两新组织党建工作述职"]
OFF_TOPIC = ["县医院院长年度述职述廉报告", "税务局稽查局局长述职报告", "税务稽查", "中学教师教学工作述职报告", "中学教学",
             "银行风控部经理述职报告", "银行风控", "公安局刑侦大队长述职", "医院护士长年终述职", "环保局环境监测站站长述职",
             "财务科长述职报告", "小学校长述职报告", "法院院长述职"]


@pytest.mark.parametrize("topic", IN_TOPIC)
def test_in_topic_titles_are_covered(corpus_library, topic):
    coverage = measure_coverage(corpus_library.snapshot, topic)
    assert coverage.words and coverage.covered, coverage.to_dict()


@pytest.mark.parametrize("topic", OFF_TOPIC)
def test_off_topic_titles_are_not(corpus_library, topic):
    coverage = measure_coverage(corpus_library.snapshot, topic)
    assert coverage.words and not coverage.covered, coverage.to_dict()


def test_threshold_sits_between_the_two_sets(corpus_library):
    """The margin the threshold was chosen from: lowest in-topic share vs highest off-topic share."""
    snap = corpus_library.snapshot
    lowest_in = min(measure_coverage(snap, t).share for t in IN_TOPIC)
    highest_off = max(measure_coverage(snap, t).share for t in OFF_TOPIC)
    assert highest_off < MIN_SHARE <= lowest_in, (highest_off, lowest_in)


def test_report_kind_words_do_not_count(corpus_library):
    analyzer = corpus_library.snapshot.keywords.analyzer
    assert content_words(analyzer, "2020年度述职述廉报告") == []
    assert Coverage([], []).covered  # nothing to judge: no warning
    words = content_words(analyzer, "县医院院长年度述职述廉报告")
    assert words and not set(words) & GENERIC_WORDS


def test_off_topic_outline_says_so(corpus_library):
    from fanwen.index.drafting.outline import build_outline

    outline = build_outline(corpus_library, "县医院院长年度述职述廉报告")
    assert outline.slots(), "the structure is still offered"
    warning = outline.warnings[0]
    assert warning.startswith("范文库中没有与“县医院院长年度述职述廉报告”直接相关的范文") and "仅供参考结构" in warning
    assert "医院院长" in warning  # names what the library lacks
    data = outline.to_dict()
    assert data["warnings"][0] == warning and data["coverage"]["covered"] is False


def test_in_topic_outline_has_no_coverage_warning(corpus_library):
    from fanwen.index.drafting.outline import build_outline

    outline = build_outline(corpus_library, "机关党委书记抓基层党建工作述职报告")
    assert outline.warnings == [] and outline.coverage.covered


def test_api_carries_the_warning(corpus_library, tmp_path):
    from fastapi.testclient import TestClient

    from fanwen.service.http.app import create_app
    from fanwen.service.settings import Settings

    client = TestClient(create_app(Settings(home=tmp_path), corpus_library))
    off = client.post("/api/draft", json={"topic": "税务局稽查局局长述职报告"}).json()
    assert any(w.startswith("范文库中没有与“税务局稽查局局长述职报告”直接相关") for w in off["warnings"])
    assert off["coverage"]["missing"] == ["税务局", "稽查局", "局长"]
    on = client.post("/api/draft", json={"topic": "街道党工委书记 抓基层党建工作述职"}).json()
    assert on["warnings"] == [] and on["coverage"]["covered"] is True
