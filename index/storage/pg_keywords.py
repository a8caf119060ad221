"""BM25 over PostgreSQL: the best postings of each term read in SQL, the candidates scored from their term rows."""
from __future__ import annotations

import math

import numpy as np

from fanwen.index.storage.filters import ChunkFilter
from fanwen.index.storage.pg_schema import IMPACT, impact, term_key

TOP_POSTINGS = 1000  # postings an unfiltered keyword search reads per term, best impact first (at least k)
COMPLETED = 5  # times k: chunks given their exact score before the final ranking, when a term is read in part


class PgKeywords:
    """Okapi BM25 (the same formula as keywords.BM25Index) computed from the term statistics tables."""

    def __init__(self, view, tokenize, k1: float = 1.2, b: float = 0.75):
        self.view, self._tokenize, self.k1, self.b = view, tokenize, k1, b
        self._df: dict[str, int] = {}  # term -> document frequency (0: not in the library), this generation

    @property
    def analyzer(self):
        return self._tokenize

    def terms(self, text: str) -> list[str]:
        return self._tokenize(text)

    def count(self) -> int:
        return self.view.total()[0]

    def __contains__(self, term: str) -> bool:
        return bool(self.holding([term]))

    def holding(self, terms) -> set[str]:
        """Those of `terms` that some chunk holds (their document frequencies are read on the way, so the
        synonyms a query then searches need no second statement)."""
        terms = list(dict.fromkeys(terms))
        self._read_df(terms)
        return {t for t in terms if self._df[t] > 0}

    def search(self, terms: list[str], k: int, allowed: ChunkFilter | None = None,
               weights: dict[str, float] | None = None) -> list[tuple[int, float, list[str]]]:
        """Best-first (id, score, matched query terms), as BM25Index.search ranks them."""
        query = list(dict.fromkeys(terms))
        statement = self.statement(query, k, allowed, weights) if k > 0 and query else None
        if statement is None:
            return []
        sql, params = statement
        if isinstance(params, dict):  # best first: the term rows of the candidates, scored here
            rows = self.view.sql(sql, params, binary=True)
            return scored_rows(rows, params["terms"], params["factors"], params["a"], params["c"], int(k))
        place = {t: i for i, t in enumerate(query)}  # matched terms in query order
        return [(int(cid), float(score), sorted(terms, key=place.get)) for cid, score, terms in self.view.sql(*statement)]

    def statement(self, query: list[str], k: int, allowed: ChunkFilter | None = None,
                  weights: dict[str, float] | None = None) -> tuple[str, tuple | dict] | None:
        """The scoring SQL and its parameters (None when the library holds no query term). Each term's best
        postings by impact, TOP_POSTINGS × its weight (at most 1), and the best chunks by those parts with
        their term rows (BEST_FIRST), which scored_rows turns into exact scores; with a filter, the best
        postings of chunks passing it. A filter few chunks pass (not view.broad): every posting of the terms
        among them (BM25_SQL), exact."""
        chunks, tokens = self.view.total()
        factors = self._factors(query, weights or {}, chunks)
        if not factors:
            return None
        avglen = tokens / chunks if tokens > 0 else 1.0
        a, c = self.k1 * (1 - self.b), self.k1 * self.b / avglen
        restricts = allowed is not None and allowed.restricts
        if restricts and not self.view.broad(allowed):  # the filter reads the chunks table
            where, params = allowed.sql("c")
            return BM25_SQL.format(postings=FILTERED.format(where=where)), (
                a, c, list(factors), list(factors.values()), *params, int(k))
        cuts = [max(int(k), self._depth((weights or {}).get(t, 1.0))) for t in factors]
        partial = any(self._df[t] > cut for t, cut in zip(factors, cuts)) or restricts  # read in part
        params = {"a": a, "c": c, "terms": list(factors), "factors": list(factors.values()), "cuts": cuts,
                  "complete": COMPLETED * int(k) if partial else int(k)}
        if not restricts:
            return BEST_FIRST, params
        where, values = allowed.named_sql("c")
        return best_first(PASSING.format(where=where)), params | values

    @staticmethod
    def _depth(weight: float) -> int:
        """Postings read best first for a term of this query weight: a term weighted w adds w × its part, so
        its unread postings are bounded alike when it is read to w × TOP_POSTINGS (synonyms and bigrams, 0.3).
        At 100,000 generated chunks, with synonyms: hybrid p50 1.7–4.5 ms below reading every term to the full
        depth (three runs, side by side); keyword top 10 (of 100) agreeing with exact BM25 0.907 vs 0.919."""
        return math.ceil(TOP_POSTINGS * min(1.0, weight))

    def _factors(self, query: list[str], weights: dict[str, float], n: int) -> dict[str, float]:
        """term -> weight · idf · (k1 + 1), for the query terms the library holds (document frequencies are
        read once per generation: a view never changes)."""
        self._read_df(query)
        df = self._df
        return {t: weights.get(t, 1.0) * math.log1p((n - df[t] + 0.5) / (df[t] + 0.5)) * (self.k1 + 1)
                for t in query if df[t] > 0}

    def _read_df(self, terms: list[str]) -> None:
        """The document frequencies of the terms not yet known, in one statement (0: not in the library)."""
        missing = [t for t in terms if t not in self._df]
        if missing:
            found = dict(self.view.sql("SELECT term, df FROM fanwen_terms WHERE term = ANY(%s) AND df > 0", (missing,)))
            self._df.update((t, found.get(t, 0)) for t in missing)


def scored_rows(rows, terms: list[str], factors: list[float], a: float, c: float, k: int
                ) -> list[tuple[int, float, list[str]]]:
    """The k best of BEST_FIRST's candidates by exact BM25, from each one's term row (chunk id, term keys
    ascending, term counts, length): a query term's key found in the row adds factor × tf / (tf + a + c·len).
    Best first, ties by id; matched terms in query order."""
    if not rows:
        return []
    keys = np.asarray([term_key(t) for t in terms], dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    wanted, weight = keys[order], np.asarray(factors, dtype=np.float64)[order]
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    lengths = np.fromiter((r[3] for r in rows), dtype=np.float64, count=len(rows))
    held = np.frombuffer(b"".join(r[1] for r in rows), dtype=">i8").astype(np.int64)
    counts = np.frombuffer(b"".join(r[2] for r in rows), dtype=">i4").astype(np.float64)
    owner = np.repeat(np.arange(len(rows)), [len(r[1]) // 8 for r in rows])
    place = np.minimum(np.searchsorted(wanted, held), len(wanted) - 1)
    hit = wanted[place] == held
    owner, place, tf = owner[hit], place[hit], counts[hit]
    scores = np.bincount(owner, weights=weight[place] * (tf / (tf + a + c * lengths[owner])), minlength=len(rows))
    best = [int(i) for i in np.lexsort((ids, -scores))[:k] if scores[i] > 0]
    matched: dict[int, list[int]] = {}
    shown = np.isin(owner, best)  # the matched terms of the k shown only
    for row, term in zip(owner[shown].tolist(), order[place[shown]].tolist()):
        matched.setdefault(row, []).append(term)
    return [(int(ids[i]), float(scores[i]), [terms[t] for t in sorted(matched[i])]) for i in best]


# BM25 with the per-term constants computed by the caller: factor = w · idf · (k1 + 1), and the length
# norm tf + k1 (1 - b) + k1 b len / avglen: one multiply-add per posting, nothing joined per posting.
BM25_SQL = """
SELECT chunk_id, score, terms FROM (
  SELECT p.chunk_id, sum(q.factor * p.tf / (p.tf + %s::float8 + %s::float8 * p.length)) AS score,
         array_agg(q.term) AS terms
  FROM unnest(%s::text[], %s::float8[]) AS q(term, factor) {postings}
  GROUP BY p.chunk_id) scored
WHERE score > 0 ORDER BY score DESC, chunk_id LIMIT %s
"""
# Every posting of the terms, for the chunks passing a filter (a filter can keep few of a term's best).
FILTERED = "JOIN fanwen_postings p ON p.term = q.term WHERE p.chunk_id IN (SELECT c.id FROM fanwen_chunks c WHERE {where})"
# Each term's `cut` best postings by impact (fewer for a term of lower weight), from the (term, impact)
# index, so a word in most chunks costs `cut` rows instead of all of them; a rare term's list is read whole.
# The `complete` chunks with the most of the parts read come back with their term rows (fanwen_forward),
# from which scored_rows computes every query term's part: one primary-key read per chunk, where a probe
# per (term, chunk) not read cost ~9,000 probes per query at a million chunks. (Ranking the chunks by an
# upper bound, read parts plus each unread term's last read part, agreed less with exact BM25 on 10
# generated-library queries at 100,000 chunks: top 10 0.87 vs 0.91; a chunk seen in few lists got most of
# the bound.)
ALL_POSTINGS = f"""SELECT chunk_id, tf, length FROM fanwen_postings WHERE term = q.term
                             ORDER BY {IMPACT} DESC, chunk_id LIMIT q.cut"""
# With a filter most chunks pass (a role: a fifth of them), the best postings of chunks passing, walking the
# impact order with a look at each chunk's row: at 1M, 10 queries filtered to one role 256 vs 1,979 ms
# median for every posting of the terms, top 10 agreeing 0.77 (at 100,000: 125 vs 472 ms, 1.0).
PASSING = f"""SELECT p.chunk_id, p.tf, p.length FROM fanwen_postings p JOIN fanwen_chunks c ON c.id = p.chunk_id
                             WHERE p.term = q.term AND {{where}}
                             ORDER BY {impact("p")} DESC, p.chunk_id LIMIT q.cut"""


def best_first(postings: str) -> str:
    return f"""
WITH q AS MATERIALIZED (SELECT * FROM unnest(%(terms)s::text[], %(factors)s::float8[], %(cuts)s::int[])
                        AS q(term, factor, cut)),
read AS MATERIALIZED (
  SELECT p.chunk_id, q.factor * p.tf / (p.tf + %(a)s::float8 + %(c)s::float8 * p.length) AS part
  FROM q CROSS JOIN LATERAL ({postings}) p),
best AS (SELECT chunk_id, sum(part) AS got FROM read GROUP BY chunk_id ORDER BY got DESC, chunk_id
         LIMIT %(complete)s)
SELECT f.chunk_id, f.keys, f.tfs, f.length FROM best b JOIN fanwen_forward f ON f.chunk_id = b.chunk_id
"""


BEST_FIRST = best_first(ALL_POSTINGS)
