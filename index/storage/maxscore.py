"""Exact top-k of a BM25 sum by MaxScore: terms whose best contributions together stay below the k-th best score
are looked up for the few chunks that can still make it, instead of being added into every chunk's score."""
from __future__ import annotations

import numpy as np

# (rows ascending, the term's contribution at each row, the largest of them)
TermList = tuple[np.ndarray, np.ndarray, float]

# Bounds are compared with a little room, so a float rounding in a sum of bounds never drops a chunk that ties.
SLACK = 1e-9
SEED_LISTS = 2  # lists added before the first estimate of the k-th best score (those with the highest bounds)
LOOKUP_COST = 10  # a binary-search lookup of one chunk in a long list costs about ten adds of one posting (measured)


def best_rows(terms: list[TermList], size: int, k: int, row_ids: np.ndarray, barred: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray] | None:
    """(rows, scores) of the k best positive sums over `size` rows, best first, ties to the smaller id; rows
    in `barred` (a mask or row numbers) never count. Scores are summed in the order of `terms`, so they are
    bit-identical to adding each term's contributions into a dense array. None when no estimate of the k-th
    best score was found (fewer than k chunks in the seed lists): the caller then adds everything."""
    terms = [term for term in terms if len(term[0])]
    if k <= 0 or not terms:
        return np.zeros(0, np.int64), np.zeros(0)
    rest = sorted(range(len(terms)), key=lambda i: -terms[i][2])  # highest bound first
    if len(terms[rest[0]][0]) < k:  # the seed pool cannot hold k chunks: no floor (checked before any work)
        return None
    partial = np.zeros(size)
    _add(terms, rest[:SEED_LISTS], partial, barred)
    floor = _kth_floor(terms, partial, terms[rest[0]][0], k)
    if floor <= 0.0:
        return None
    rest = rest[SEED_LISTS:]
    # MaxScore: add lists until the bounds of the rest sum below the floor (a chunk in none of the added lists
    # cannot reach it), then go on adding while that is cheaper than looking the rest up for the candidates.
    while rest and (_reach(terms, rest) >= floor * (1.0 - SLACK)
                    or _adding_cheaper(terms[rest[0]], partial, floor * (1.0 - SLACK) - _reach(terms, rest))):
        _add(terms, rest[:1], partial, None)
        rest = rest[1:]
    if barred is not None:
        partial[barred] = 0.0
    candidates, sums = _candidates(terms, partial, rest, floor, k)
    reach = _reach(terms, rest)
    for i in rest:
        reach -= max(terms[i][2], 0.0)
        sums += full_scores([terms[i]], candidates)
        near = sums >= floor * (1.0 - SLACK) - reach
        candidates, sums = candidates[near], sums[near]
    if len(candidates) > k:  # sums are the full scores now, added in another order: off by a rounding at most
        kth = -np.partition(-sums, k - 1)[k - 1]
        candidates = candidates[sums >= kth - SLACK * abs(kth)]
    scores = full_scores(terms, candidates)  # summed again in query order: the same floats as a dense pass
    keep = scores > 0.0
    candidates, scores = candidates[keep], scores[keep]
    order = np.lexsort((row_ids[candidates], -scores))[:k]
    return candidates[order], scores[order]


def _reach(terms: list[TermList], chosen: list[int]) -> float:
    return sum(max(terms[i][2], 0.0) for i in chosen)


def _adding_cheaper(term: TermList, partial: np.ndarray, low: float) -> bool:
    """Whether adding term's whole list costs less than looking it up for the chunks at or above low (counted
    on a sample of every n-th chunk)."""
    stride = max(1, len(partial) // 4096)
    above = np.count_nonzero(partial[::stride] >= low) * stride
    return len(term[0]) < LOOKUP_COST * above


def _candidates(terms: list[TermList], partial: np.ndarray, rest: list[int], floor: float, k: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose partial sum plus the rest's bounds reaches floor, and their partial sums; floor is first
    raised to the k-th best full score among their k best partial sums."""
    reach = _reach(terms, rest)
    candidates = np.flatnonzero(partial >= floor * (1.0 - SLACK) - reach)
    sums = partial[candidates]
    if len(candidates) > k:  # all above zero: the rest's bounds sum below the floor
        floor = max(floor, _kth_floor(terms, partial, candidates, k))
        near = sums >= floor * (1.0 - SLACK) - reach
        candidates, sums = candidates[near], sums[near]
    return candidates, sums


def _add(terms: list[TermList], chosen: list[int], partial: np.ndarray, barred: np.ndarray | None) -> None:
    for i in chosen:
        np.add.at(partial, terms[i][0], terms[i][1])
    if barred is not None:
        partial[barred] = 0.0


def _kth_floor(terms: list[TermList], partial: np.ndarray, pool: np.ndarray, k: int) -> float:
    """A score the k-th best reaches: the k-th best full score among the pool's k best partial sums (0 when
    fewer than k have any)."""
    values = partial[pool]
    if np.count_nonzero(values > 0.0) < k:
        return 0.0
    seeds = pool[np.argpartition(-values, k - 1)[:k]]  # all above zero: at least k are
    return float(full_scores(terms, seeds).min())


def full_scores(terms: list[TermList], rows: np.ndarray) -> np.ndarray:
    """Each row's sum over terms, added in the order of terms (as a dense pass would add them)."""
    total = np.zeros(len(rows))
    for postings, values, _bound in terms:
        if not len(rows):
            break
        places, hit = find(postings, rows)
        total[hit] += values[places[hit]]
    return total


def find(sorted_rows: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(place in sorted_rows, whether it is there) of each of rows."""
    if len(sorted_rows) == 0:
        return np.zeros(len(rows), dtype=np.int64), np.zeros(len(rows), dtype=bool)
    rows = rows.astype(sorted_rows.dtype, copy=False)  # else numpy copies a long int32 list to int64 to search it
    places = np.minimum(np.searchsorted(sorted_rows, rows), len(sorted_rows) - 1)
    return places, sorted_rows[places] == rows
