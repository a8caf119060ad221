"""Roles read from text when headings are silent: cues, title, report order, the vector classifier and its hook."""
import zlib
from pathlib import Path

import numpy as np

from fanwen.index.ingest import perturb, role_model
from fanwen.index.ingest.role_text import ORDER, cue_scores, decode, title_role
from fanwen.index.ingest.roles import section_role

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
# Sentences from corpus/ reports
PROBLEM = "三是支委作用发挥不够明显。党员领导干部由于基本上把精力都花在了分管工作上，对党建工作研究有待加强。"
CAUSE = "究其主要原因，一是思想认识不到位，抓党建的“主责”意识不够强。"
PLAN = "2020年，我将坚持以习近平新时代中国特色社会主义思想为指导，进一步压实党建主体责任。"
DONE = "全年共组织召开党组会X次、与班子成员开展党风廉政谈话X次，开展主题党日活动X次。"


def top(text: str) -> str:
    return ORDER[int(np.argmax(cue_scores(text)))]


def test_cue_phrases_point_to_roles():
    assert [top(t) for t in (PROBLEM, CAUSE, PLAN, DONE)] == ["problems", "causes", "plans", "achievements"]


def test_heading_word_inside_a_shortfall_is_not_a_plan():
    assert section_role("（二）整改措施不够有力") == "problems"
    assert section_role("三、下步工作思路和主要措施") == "plans"


def test_title_names_a_role():
    assert title_role("党支部存在问题清单及整改措施") == "problems"
    assert title_role("2021年工作打算") == "plans"
    assert title_role("抓基层党建工作述职报告") is None


def test_decode_follows_report_order_and_gives_confidence():
    probs = np.array([cue_scores(t) for t in (DONE, PROBLEM, DONE, CAUSE, PLAN)])
    roles, confidence = decode(probs)
    assert roles[0] == "achievements" and roles[-1] == "plans"
    order = [ORDER.index(r) for r in roles]
    assert order == sorted(order)  # a stray achievement cue after a problem does not step back
    assert all(0 < c <= 1 for c in confidence)


def bigram_vectors(texts, dim=256):
    """A model-free stand-in for embeddings: hashed character bigrams, L2-normalised."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        for a, b in zip(text, text[1:]):
            out[row, zlib.crc32((a + b).encode()) % dim] += 1
    return out / (np.linalg.norm(out, axis=1, keepdims=True) + 1e-9)


def test_classifier_learns_separable_roles():
    texts = [PROBLEM, CAUSE, PLAN, DONE] * 5
    labels = ["problems", "causes", "plans", "achievements"] * 5
    weights = role_model.fit(bigram_vectors(texts), labels)
    probs = role_model.predict(weights, bigram_vectors([PROBLEM, PLAN]))
    assert [ORDER[i] for i in probs.argmax(axis=1)] == ["problems", "plans"]
    assert np.allclose(probs.sum(axis=1), 1.0)


class BigramEmbedder:
    name, dim, max_tokens = "bigram-test", 256, 512

    def embed_passages(self, texts):
        return bigram_vectors(list(texts), self.dim)

    embed_queries = embed_passages


def test_library_retags_a_headless_report_and_stores_confidence(tmp_path):
    from fanwen.index.library import Library

    source = sorted(CORPUS.glob("*.txt"))[0]
    headless = tmp_path / "headless.txt"
    headless.write_text(perturb.headless(source.read_text(encoding="utf-8")), encoding="utf-8")
    library = Library(tmp_path / "home", BigramEmbedder())
    library.add_paths([p for p in sorted(CORPUS.glob("*.txt")) if p != source] + [headless])
    chunks = [library.chunk(i) for i in library.snapshot.by_doc["headless"]]
    assert all(0 < c.role_confidence < 1 for c in chunks)
    assert {c.role for c in chunks} >= {"achievements", "problems", "plans"}
    reopened = Library(tmp_path / "home", BigramEmbedder())  # confidence survives the SQLite round trip
    assert [reopened.chunk(c.id).role_confidence for c in chunks] == [c.role_confidence for c in chunks]
    assert "role_confidence" in next(iter(reopened.snapshot.chunks.values())).to_dict()


def test_training_sample_is_bounded_deterministic_and_keeps_small_roles():
    ids = list(range(5000))
    labels = ["achievements"] * 4000 + ["problems"] * 990 + ["causes"] * 10
    picked = role_model.training_sample(ids, labels, per_role=300)
    assert picked == sorted(picked) == role_model.training_sample(ids, labels, per_role=300)
    roles = [labels[i] for i in picked]
    assert (roles.count("achievements"), roles.count("problems"), roles.count("causes")) == (300, 300, 10)
    # growing the library by a few chunks leaves most of the sample as it was
    grown = role_model.training_sample(ids + [5000, 5001], labels + ["problems", "problems"], per_role=300)
    assert len(set(picked) & set(grown)) >= len(picked) - 2


def test_fit_cached_reuses_the_model_for_the_same_rows_only():
    texts, labels = [PROBLEM, CAUSE, PLAN, DONE] * 5, ["problems", "causes", "plans", "achievements"] * 5
    vectors = bigram_vectors(texts)
    first = role_model.fit_cached(vectors, labels)
    assert role_model.fit_cached(vectors.copy(), list(labels)) is first
    other = role_model.fit_cached(vectors[::-1].copy(), labels[::-1])
    assert other is not first
    assert np.allclose(role_model.predict(other, vectors), role_model.predict(role_model.fit(vectors, labels), vectors))


def test_plainer_shortcoming_cause_and_plan_wording():
    """How a report without headings turns, in plain words (a notepad draft, a speech)."""
    assert top("回过头看，这一年的工作离县委的要求还有不小距离，党建和业务的融合还停留在口头上。") == "problems"
    assert top("机关党员队伍的活力也还有提升空间，少数老党员满足于“不出事”，考核这根“指挥棒”也没有用好。") == "problems"
    assert top("这些情况的出现，有统计人员少、任务重的客观因素，但主要还在局党组，在我本人。") == "causes"
    assert top("为啥会这样？我琢磨来琢磨去，还是自己抓得不够紧。") == "causes"
    assert top("明年咋干？我想好了三条，一条一条落实。") == "plans"
    assert top("但也要看到，农村学校党支部党员老龄化明显，一些支部几年没有发展党员。") == "problems"
    assert top("2025年是“十四五”规划收官之年，也是经济普查成果开发应用的关键一年。局党组将突出抓好以下几件事。") == "plans"


def test_rectifying_last_years_problems_is_a_result():
    assert section_role("二、上年度反馈问题整改落实情况") == "achievements"
    assert section_role("二、存在问题及整改措施") == "problems"


def test_a_pledge_after_an_address_and_a_maxim_and_a_plan_item_that_is_none():
    from fanwen.index.ingest.roles import is_pledge
    assert is_pledge("图纸已经画好，关键在施工。新的一年，我将带领公司党委一班人以钉钉子精神抓落实，努力把每一个项目建成示范工程。")
    assert is_pledge("各位领导，同志们，医院是守护生命的地方。新的一年，我将和班子成员一道，以更实的作风把党建工作抓好。")
    assert is_pledge("局党组将团结带领全局党员干部真抓实干，以高质量党建引领数据事业高质量发展，为加快建设“数字XX”作出新的更大贡献。")
    assert not is_pledge("四是强化监督执纪，推动全面从严治党向纵深发展，为全县高质量发展提供坚强保证。")


def test_parts_named_in_figures_of_speech():
    assert [section_role(h) for h in ("一、晒晒成绩单", "二、把脉找病灶", "三、深挖病根子", "四、开出新药方")] == \
        ["achievements", "problems", "causes", "plans"]
    assert section_role("（二）织密组织体系") is None
