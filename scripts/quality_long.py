"""Long queries for bench_quality.py: a report's own paragraph pasted as the query, and the short query framed."""
from __future__ import annotations

from quality_scoring import mean, normalize, score_all, score_ranking

# A drafter's own framing around the query, free of role words and of this corpus's wording: the framed
# versions test how far a short query survives being buried in a passage of filler (a stress case).
FRAME = "今年以来，我按照年初确定的工作思路，结合单位实际，重点围绕{q}这项工作谈一谈自己的做法和体会。"
PAD = "回顾一年来的工作，我始终坚持实事求是，力求把情况说清楚、把思路理清楚、把措施定具体，请大家评议。"


def lengthened(query: str, size: int) -> str:
    text = FRAME.format(q=query)
    while len(text) < size:
        text += PAD
    return text[:size]


def pasted_cases(library, queries: list[dict], shortest: int = 40) -> list[dict]:
    """'Find passages like this' with labels: for each dev query whose answers sit in two or more reports,
    one answer paragraph pasted whole as the query, its own report left out, scored on the other
    reports' answers. The typed query is scored on the same reduced library beside it."""
    chunks = library.snapshot.chunks
    docs = sorted(library.snapshot.docs)
    cases = []
    for item in queries:
        holders = {cid: [key for key in item["rel"] if key in normalize(c.text)] for cid, c in chunks.items()}
        holders = {cid: keys for cid, keys in holders.items() if keys}
        for cid in holders:
            source = chunks[cid]
            rel = {key: grade for other, keys in holders.items() if chunks[other].doc != source.doc
                   for key, grade in item["rel"].items() if key in keys}
            if rel and len(source.text) >= shortest:
                cases.append({"q": item["q"], "text": source.text, "rel": rel,
                              "docs": [d for d in docs if d != source.doc]})
    return cases


def filtered(ids_of, chunks, docs: list[str], k: int = 5):
    """A baseline restricted to some reports: its own order over a wide pool, others' paragraphs dropped."""
    allowed = set(docs)
    return lambda q: [chunks[i].text for i in ids_of(q, 400) if chunks[i].doc in allowed][:k]


def fanwen_variants(library) -> dict:
    """The default; a passage ranked with the typed-query bigram weight and vector share; and the passage
    settings of the previous version (bigrams 1.0, even vector share)."""
    import dataclasses

    from quality_systems import variant

    p = library.params
    typed = dataclasses.replace(p, passage_bigram_weight=p.bigram_weight, passage_vector_weight=p.vector_weight)
    before = dataclasses.replace(p, passage_bigram_weight=1.0, passage_vector_weight=p.vector_weight)
    return {"fanwen default": library, "fanwen, passages ranked as typed": variant(library, typed),
            "fanwen, passages: bigrams 1.0, vector 0.5": variant(library, before)}


def _restricted(library):
    """fanwen over the reports of one case, under the default per-report cap (a report filter lifts it)."""
    return lambda case: (lambda q: [hit.chunk.text for hit in library.search(
        q, k=5, docs=case["docs"], per_doc=library.params.per_doc).hits])


def print_pasted(library, plain, queries: list[dict]) -> None:
    cases = pasted_cases(library, queries)
    print(f"\npasted paragraphs: {len(cases)} answer paragraphs of {len({c['q'] for c in cases})} dev queries "
          "as the query, their report left out (nDCG@5 on the other reports' answers)\n"
          f"{'system':44s}{'typed query':>12s}{'paragraph':>12s}{'half 1':>8s}{'half 2':>8s}  (halves: by query)")
    sources = sorted({c["q"] for c in cases})
    first_half = [sources.index(c["q"]) % 2 == 0 for c in cases]
    systems = {name: _restricted(lib) for name, lib in fanwen_variants(library).items()}
    systems.update({
        "plain BM25": lambda c: filtered(plain.bm25_ids, plain.chunks, c["docs"]),
        "plain vector": lambda c: filtered(plain.vector_ids, plain.chunks, c["docs"]),
        "naive RRF": lambda c: filtered(plain.rrf_ids, plain.chunks, c["docs"])})
    for name, make in systems.items():
        typed = [score_ranking(make(c)(c["q"]), c["rel"]) for c in cases]
        pasted = [score_ranking(make(c)(c["text"]), c["rel"]) for c in cases]
        halves = [mean([row for row, first in zip(pasted, first_half) if first == side]) for side in (True, False)]
        print(f"{name:44s}{mean(typed):12.3f}{mean(pasted):12.3f}{halves[0]:8.3f}{halves[1]:8.3f}")
    print(f"mean paragraph length {sum(len(c['text']) for c in cases) / max(len(cases), 1):.0f} characters")


def print_long(library, plain, queries: list[dict], sizes=(100, 1000)) -> None:
    """nDCG@5 of each query as typed and framed into passages of ~100 and 1,000 characters."""
    from quality_systems import fanwen_ranker

    print_pasted(library, plain, queries)
    systems = {name: fanwen_ranker(lib) for name, lib in fanwen_variants(library).items()}
    systems.update(plain.rankers())
    print("\nframed queries (stress case): nDCG@5 as typed and buried in ~100 / 1,000 characters of filler\n"
          f"{'system':44s}{'as typed':>10s}" + "".join(f"{str(n) + ' chars':>12s}" for n in sizes))
    for name, ranker in systems.items():
        cells = [mean(score_all(ranker, queries))]
        for size in sizes:
            cells.append(mean(score_all(ranker, [dict(q, q=lengthened(q["q"], size)) for q in queries])))
        print(f"{name:44s}{cells[0]:10.3f}" + "".join(f"{c:12.3f}" for c in cells[1:]))
