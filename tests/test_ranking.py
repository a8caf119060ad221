"""Ranking on tiny inputs: fuse, diversify, role preference, validation, and a stub-embedder corpus."""
import zlib

import numpy as np
import pytest

from fanwen.index.errors import InvalidInput
from fanwen.index.library import Library
from fanwen.index.records import Chunk, Document
from fanwen.index.retrieval.params import SearchParams
from fanwen.index.retrieval.roles import prefer_roles, role_strengths
from fanwen.index.retrieval.search import SearchRequest, bigram_coverage, diversify, fuse, query_terms, run_search
from fanwen.index.retrieval.tokenize import default_tokenizer
from fanwen.index.storage.generations import Snapshot, new_manifest
from fanwen.index.storage.keywords import BM25Index
from fanwen.index.storage.vectors import VectorStore


class StubEmbedder:
    """Deterministic vectors: hashed character bigrams, so shared wording means nearby vectors."""

    name, dim, max_tokens = "stub-bigrams", 64, 512

    def _embed(self, texts):
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in zip(rows, texts):
            for i in range(len(text) - 1):
                row[zlib.crc32(text[i:i + 2].encode()) % self.dim] += 1.0
            row /= max(np.linalg.norm(row), 1e-9)
        return rows

    embed_queries = embed_passages = _embed


def test_fuse_rrf_adds_reciprocal_ranks():
    params = SearchParams(fusion="rrf", rrf_k=1, vector_weight=0.5)
    fused = fuse([(1, 0.9), (2, 0.8)], [(2, 5.0, ["a"]), (3, 1.0, ["b"])], "rrf", params)
    assert fused == pytest.approx({1: 0.5 / 2, 2: 0.5 / 3 + 0.5 / 2, 3: 0.5 / 3})
    assert max(fused, key=fused.get) == 2


def test_fuse_weighted_scales_each_retriever_to_unit_range():
    params = SearchParams(fusion="weighted", vector_weight=0.25)
    fused = fuse([(1, 0.9), (2, 0.5)], [(2, 8.0, []), (3, 4.0, []), (4, 0.0, [])], "weighted", params)
    assert fused == pytest.approx({1: 0.25, 2: 0.75, 3: 0.375, 4: 0.0})
    assert fuse([], [], "weighted", params) == {}


def test_weighted_fusion_adds_the_share_of_the_query_s_bigrams_each_keyword_candidate_holds():
    params = SearchParams(fusion="weighted", vector_weight=0.5, bigram_coverage=0.4)
    weights = {"理想信念": 1.0, "~理想": 0.3, "~想信": 0.3, "~信念": 0.3}
    every = ["理想信念", "~理想", "~想信", "~信念"]
    keyword = [(2, 8.0, every), (3, 4.0, ["~信念"]), (4, 2.0, every)]
    coverage = bigram_coverage(keyword, weights)
    assert coverage == pytest.approx({2: 1.0, 3: 1 / 3, 4: 1.0})
    fused = fuse([(1, 0.9)], keyword, "weighted", params, coverage)
    # chunk 4 is the weakest BM25 candidate (min-max gives it 0) but holds every bigram of the query
    assert fused == pytest.approx({1: 0.5, 2: 0.5 + 0.4, 3: 0.5 * 2 / 6 + 0.4 / 3, 4: 0.4})
    assert fuse([(1, 0.9)], keyword, "weighted", SearchParams(bigram_coverage=0.0), coverage)[4] == 0.0
    assert fuse([(1, 0.9)], keyword, "rrf", params, coverage)[4] < 0.01  # reciprocal ranks only
    assert bigram_coverage(keyword, {"理想信念": 1.0}) == {}  # a query without bigrams (ASCII words)


def test_fusion_and_mode_are_validated_with_the_allowed_values():
    with pytest.raises(InvalidInput, match="只能是 rrf、weighted") as info:
        fuse([(1, 1.0)], [], "bogus")
    assert info.value.field == "fusion"
    with pytest.raises(InvalidInput, match="只能是 rrf、weighted"):
        SearchParams(fusion="bogus")


def chunk(cid, doc, text, role="achievements", start=None, confidence=1.0):
    start = cid * 100 if start is None else start
    return Chunk(cid, doc, text, [], role, cid, -1, start, start + len(text), role_confidence=confidence)


def test_diversify_caps_per_document_skips_overlaps_and_stops_at_k():
    chunks = {1: chunk(1, "a", "加强党建引领基层治理"), 2: chunk(2, "a", "完善绩效考核机制"),
              3: chunk(3, "a", "推进区域化党建"), 4: chunk(4, "b", "加强党建引领基层治理"),
              5: chunk(5, "b", "开展谈心谈话"), 6: chunk(6, "c", "落实三会一课")}
    assert diversify([1, 2, 3, 4, 5, 6], chunks, k=3, per_doc=2) == [1, 2, 5]
    assert diversify([1, 2, 3, 4, 5, 6], chunks, k=10, per_doc=0) == [1, 2, 3, 5, 6]
    assert diversify([1, 2, 3], chunks, k=2, per_doc=1) == [1]


def snapshot(chunks: list[Chunk], embedder) -> Snapshot:
    ids = [c.id for c in chunks]
    vectors, heads = VectorStore(embedder.dim, "flat"), VectorStore(embedder.dim, "flat")
    vectors.add(ids, embedder.embed_passages([c.text for c in chunks]))
    heads.add(ids, embedder.embed_passages([c.text[:12] for c in chunks]))
    keywords = BM25Index(default_tokenizer())
    keywords.add(ids, [c.text for c in chunks])
    docs = {c.doc: Document(c.doc, c.doc, "", "txt", "", 1) for c in chunks}
    return Snapshot(new_manifest(embedder.name, embedder.dim, "flat", {}), docs, {c.id: c for c in chunks},
                    vectors, keywords, heads)


OFF_TOPIC = ["机关食堂浪费现象时有发生，节约意识不强。", "公务车辆使用登记不规范，管理粗放。",
             "档案整理归档不及时，资料缺失。", "办公用房清理不彻底，存在超标现象。",
             "会议材料印发过多，文山会海仍有反弹。", "值班值守制度执行不严，偶有脱岗。"]


@pytest.mark.parametrize("mode", ["hybrid", "vector", "keyword"])
@pytest.mark.parametrize("boost", [SearchParams().role_boost, 0.5])
def test_role_is_a_preference_not_a_filter(boost, mode):
    embedder = StubEmbedder()
    on_topic = chunk(0, "d0", "推动党建与业务深度融合，党建业务融合实现同部署同考核。")
    others = [chunk(i + 1, f"d{i + 1}", text, role="problems") for i, text in enumerate(OFF_TOPIC)]
    snap = snapshot([on_topic] + others, embedder)
    request = SearchRequest(k=5, intent_roles=["problems"], strengths={"problems": 1.0}, mode=mode)
    query = "党建业务融合"
    hits = run_search(snap, embedder.embed_queries([query])[0], default_tokenizer()(query), request,
                      SearchParams(role_boost=boost))
    assert on_topic.id in [hit.chunk.id for hit in hits[:3]]


def test_the_role_bonus_grows_with_the_paragraph_s_own_match():
    # An on-topic achievement (1.0), a plan half as good (0.5), an off-topic plan (0.1), a query asking for
    # plans: the bonus is 0.4 × the chunk's scaled score, so the off-topic plan stays below the achievement.
    chunks = {1: chunk(1, "a", "x"), 2: chunk(2, "b", "y", role="plans"), 3: chunk(3, "c", "z", role="plans")}
    fused = {1: 2.0, 2: 1.0, 3: 0.2}  # scaled to the best: 1.0, 0.5, 0.1
    scaled = prefer_roles(fused, chunks, {"plans": 1.0}, SearchParams(role_boost=0.4, role_match_power=1.0))
    assert scaled == pytest.approx({1: 1.0, 2: 0.5 + 0.4 * 0.5, 3: 0.1 + 0.4 * 0.1})
    whole = prefer_roles(fused, chunks, {"plans": 1.0}, SearchParams(role_boost=0.4, role_match_power=0.0))
    assert whole == pytest.approx({1: 1.0, 2: 0.9, 3: 0.5})  # power 0: every plan gets the whole bonus
    # a section opener asked for keeps its whole share: a place in the report, not a match of words
    opener = prefer_roles(fused, chunks, {"plans": 1.0}, SearchParams(role_boost=0.4, lead_boost=1.0), leads={3})
    assert opener[3] == pytest.approx(0.1 + 0.4 * (0.1 + 1.0))


class AngleEmbedder:
    """Two-dimensional unit vectors: the query at angle 0, each passage at the angle its text names."""

    name, dim, max_tokens = "stub-angles", 2, 512

    def embed_queries(self, texts):
        return np.array([[1.0, 0.0]] * len(texts), dtype=np.float32)

    def embed_passages(self, texts):
        angles = [float(text.split("|")[0]) for text in texts]
        return np.array([[np.cos(a), np.sin(a)] for a in angles], dtype=np.float32)


def test_vector_mode_role_bonus_weighs_as_in_hybrid():
    # A real model's cosines differ by a few hundredths (0.90 on topic, 0.86 off): a bonus added to raw
    # cosines acted as a role filter (vector mode on the dev and blind sets: nDCG@5 0.537, 0.587 once scaled).
    embedder = AngleEmbedder()
    on_topic = chunk(0, "d0", f"{np.arccos(0.90)}|党建业务融合")
    others = [chunk(i + 1, f"d{i + 1}", f"{np.arccos(0.86 - i / 1000)}|{text}", role="problems")
              for i, text in enumerate(OFF_TOPIC)]
    snap = snapshot([on_topic] + others, embedder)
    request = SearchRequest(k=5, intent_roles=["problems"], strengths={"problems": 1.0}, mode="vector")
    hits = run_search(snap, embedder.embed_queries(["q"])[0], [], request)
    assert hits[0].chunk.id == on_topic.id


def test_sibling_roles_are_half_favoured_one_way_for_closing():
    params = SearchParams()
    assert role_strengths({"problems": 1.0}, params) == {"problems": 1.0, "causes": 0.5}
    # 结尾 also favours the plans its pledge follows; asking for plans does not favour closings
    assert role_strengths({"closing": 1.0}, params) == {"closing": 1.0, "plans": 0.5}
    assert role_strengths({"plans": 1.0}, params) == {"plans": 1.0}
    assert role_strengths({"plans": 1.0, "closing": 1.0}, params) == {"plans": 1.0, "closing": 1.0}


def test_role_preference_grows_with_tagger_confidence():
    embedder = StubEmbedder()
    sure = chunk(1, "a", "党建工作创新力度不够，方法单一。", role="problems", confidence=1.0)
    unsure = chunk(2, "b", "党建工作创新力度不够，方法单一。", role="problems", confidence=0.2)
    snap = snapshot([sure, unsure, chunk(3, "c", "开展谈心谈话")], embedder)
    query = "党建工作创新"
    request = SearchRequest(k=3, strengths={"problems": 1.0})
    hits = run_search(snap, embedder.embed_queries([query])[0], default_tokenizer()(query), request)
    assert hits[0].chunk.id == sure.id and hits[0].score > hits[1].score


REPORT = """社区党委书记述职报告
一、主要做法和成效
一是抓好网格化管理。全面推行网格员包片联户，组建党员志愿服务队。
二是推进老旧小区改造。协调资金改造管网和楼道照明，居民满意度明显提升。
二、存在的问题
一是垃圾分类宣传不到位。部分居民分类意识不强，投放点管理粗放。
三、下一步打算
一是深化智慧社区建设，推广线上议事平台，让居民少跑腿。
"""


@pytest.fixture(scope="module")
def stub_library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stub-docs")
    (folder / "社区.txt").write_text(REPORT, encoding="utf-8")
    library = Library(tmp_path_factory.mktemp("stub-home"), StubEmbedder())
    library.add_paths([folder])
    return library


@pytest.mark.parametrize("query, start", [("垃圾分类", "一是垃圾分类"), ("老旧小区改造 管网", "二是推进老旧小区改造"),
                                          ("下一步 智慧社区", "一是深化智慧社区建设"),
                                          ("“网格化”管理", "一是抓好网格化管理")])
def test_stub_corpus_obvious_answers(stub_library, query, start):
    assert stub_library.search(query, k=1).hits[0].chunk.text.startswith(start)


def test_library_rejects_unknown_fusion_and_mode(stub_library):
    for kwargs, field in (({"fusion": "bogus"}, "fusion"), ({"mode": "bogus"}, "mode")):
        with pytest.raises(InvalidInput, match="只能是") as info:
            stub_library.search("垃圾分类", **kwargs)
        assert info.value.field == field


def test_long_pasted_passage_finds_its_source(stub_library):
    pasted = "我们全面推行网格员包片联户，组建党员志愿服务队，把网格化管理抓实抓细，" * 3
    result = stub_library.search(pasted, k=3)
    assert result.roles == [] and result.hits[0].chunk.text.startswith("一是抓好网格化管理")


def test_generic_words_weigh_less_than_topic_words():
    keywords = BM25Index(default_tokenizer())
    keywords.add([1], ["部分党员谈心谈话情况"])
    terms, weights = query_terms(keywords, "部分 谈心谈话", SearchParams(generic_weight=0.3))
    assert weights["谈心谈话"] == 1.0 and weights["部分"] == 0.3
    assert weights["~部分"] == pytest.approx(SearchParams().bigram_weight * 0.3)
    _, flat = query_terms(keywords, "部分 谈心谈话", SearchParams(generic_weight=1.0))
    assert flat["部分"] == 1.0


def test_a_typed_word_the_index_lacks_stands_in_by_its_held_sub_words():
    keywords = BM25Index(default_tokenizer())
    keywords.add([1, 2], ["吃苦耐劳精神有所淡化", "基层党建工作"])
    _, weights = query_terms(keywords, "肯吃苦 基层党建", SearchParams(subword_stand_in=0.5))
    assert weights["吃苦"] == 0.5  # 肯吃苦 is in no text: 吃苦 is its only whole-word match
    assert "党建" not in weights and weights["基层党建"] == 1.0  # a held word's sub-words stay out
    _, off = query_terms(keywords, "肯吃苦 基层党建", SearchParams(subword_stand_in=0.0))
    assert "吃苦" not in off
    _, pasted = query_terms(keywords, "肯吃苦 基层党建", SearchParams(subword_stand_in=0.5), passage=True)
    assert "吃苦" not in pasted  # a pasted passage is matched by its own words


def test_a_pasted_passage_counts_its_bigrams_at_the_passage_weight():
    keywords = BM25Index(default_tokenizer())
    keywords.add([1], ["部分党员谈心谈话情况"])
    params = SearchParams(bigram_weight=0.3, passage_bigram_weight=1.0)
    _, typed = query_terms(keywords, "谈心谈话", params)
    _, pasted = query_terms(keywords, "谈心谈话", params, passage=True)
    assert typed["~谈心"] == 0.3 and pasted["~谈心"] == 1.0
    assert typed["谈心谈话"] == pasted["谈心谈话"] == 1.0  # words weigh the same either way


@pytest.mark.parametrize("generic, first", [(0.3, True), (1.0, False)])
def test_a_down_weighted_generic_word_does_not_outrank_the_topic(generic, first):
    """部分 is in every kind of paragraph: weighted down, repeated, it no longer beats the one on the topic."""
    embedder = StubEmbedder()
    on_topic = chunk(0, "d0", "坚持开展谈心谈话，及时掌握党员思想动态。")
    fillers = [chunk(i + 1, f"d{i + 1}", text) for i, text in enumerate(
        ["部分党员部分干部参加部分活动的积极性不高。", "部分支部的部分制度还停留在部分纸面上。"] + OFF_TOPIC)]
    snap = snapshot([on_topic] + fillers, embedder)
    query = "部分 谈心"
    params = SearchParams(generic_weight=generic)
    terms, weights = query_terms(snap.keywords, query, params)
    hits = run_search(snap, embedder.embed_queries([query])[0], terms, SearchRequest(k=3, weights=weights), params)
    assert (hits[0].chunk.id == on_topic.id) is first


@pytest.mark.parametrize("cap", [2, 3])
def test_first_page_takes_up_to_the_cap_from_one_report(cap):
    embedder = StubEmbedder()
    same = [chunk(i + 1, "a", text) for i, text in enumerate(
        ["推行党员积分制管理，每月公示得分。", "党员积分制管理与评先评优挂钩。",
         "党员积分制管理纳入支部考核。", "修订党员积分制管理细则十二条。"])]
    weaker = [chunk(10 + i, f"b{i}", text) for i, text in enumerate(
        ["积分制在机关支部试行。", "社区推行积分兑换服务。", "年度考核采用量化计分。"])]
    snap = snapshot(same + weaker, embedder)
    query = "党员积分制管理"
    hits = run_search(snap, embedder.embed_queries([query])[0], default_tokenizer()(query),
                      SearchRequest(k=5), SearchParams(per_doc=cap))
    docs = [hit.chunk.doc for hit in hits]
    assert docs.count("a") == cap and len(hits) == 5


DRAFT = ("今年以来，我们在社区全面推行网格员包片联户，把党员志愿服务队编进网格，网格化管理做到了抓实抓细。"
         "下一步，我们还要继续完善网格化管理，让每一名网格员都熟悉自己联系的住户。")


def test_long_passage_with_role_words_asks_for_no_role_and_finds_its_source(stub_library):
    result = stub_library.search(DRAFT, k=3)
    assert result.roles == [] and result.hits[0].chunk.text.startswith("一是抓好网格化管理")


def test_longest_allowed_query_ranks_like_its_first_sentence(stub_library):
    """A pasted 1,000-character draft that keeps to one subject finds what its first sentence finds."""
    pasted = (DRAFT * 20)[:1000]
    short = stub_library.search(DRAFT[:50], k=1).hits[0].chunk.id
    result = stub_library.search(pasted, k=3)
    assert len(pasted) == 1000 and result.hits[0].chunk.id == short
    assert result.hits[0].chunk.text.startswith("一是抓好网格化管理")


def test_a_passage_query_fuses_with_the_passage_vector_share(stub_library):
    """Typed queries fuse with vector_weight, a pasted passage (40+ characters) with passage_vector_weight: with
    that share at 0 a passage ranks by its words alone, while a typed query still hears the model."""
    import copy
    import dataclasses

    words_only = copy.copy(stub_library)
    words_only.params = dataclasses.replace(stub_library.params, passage_vector_weight=0.0)
    pasted = "我们全面推行网格员包片联户，组建党员志愿服务队，把网格化管理抓实抓细，推进智慧社区建设。"
    hits = [h.chunk.id for h in words_only.search(pasted, k=5).hits]
    assert hits == [h.chunk.id for h in words_only.search(pasted, k=5, mode="keyword").hits]
    fused = [h.score for h in words_only.search("网格化管理 智慧社区", k=5).hits]
    assert fused != [h.score for h in words_only.search("网格化管理 智慧社区", k=5, mode="keyword").hits]
    assert SearchParams().for_passages().vector_weight == SearchParams().passage_vector_weight
