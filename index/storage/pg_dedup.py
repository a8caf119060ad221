"""Near-duplicate marks of a PostgreSQL write: the prefix filters run in SQL, and the library's candidates are
read on a second connection while the model embeds the new chunks."""
from __future__ import annotations

import numpy as np

from fanwen.index.records import Chunk
from fanwen.index.storage.chunk_keys import BUCKETS, bucket_screen, gram_keys
from fanwen.index.storage.dedup import THRESHOLD, PrefixIndex, closest, prefix_of, screened, shingles

# dedup.verifiable in SQL: postings of the new chunk's prefix keys with a lower id and a size that can reach the
# threshold, kept per candidate if the positional filter (dedup.reachable) holds at every shared key. Both
# prefixes follow one global order, so at the k-th shared key the bound k + min(n-1-probe, size-1-place) can
# only shrink as k grows: holding at the last shared key (count(*), and the largest probe with its place) is
# holding at every one, and a hash aggregate does without a window's sort (7.1-7.6 s vs 9.7-10.1 s for 40
# chunks at a million, the same candidates). Shipping the postings instead (~300,000 per chunk there) cost
# more than the scan.
_VERIFIABLE = """
WITH probe AS (SELECT key, ord - 1 AS probe FROM unnest(%(keys)s::bigint[]) WITH ORDINALITY AS u(key, ord)),
shared AS (SELECT d.chunk_id, max(d.size) AS size, count(*) AS shared,
                  max(probe.probe * 4294967296 + d.place) AS last
           FROM fanwen_dedup d JOIN probe ON d.key = probe.key
           WHERE d.chunk_id < %(below)s AND d.size BETWEEN %(low)s AND %(high)s GROUP BY d.chunk_id)
SELECT string_agg(int8send(s.chunk_id), ''::bytea ORDER BY s.chunk_id),
       string_agg(int4send(s.size), ''::bytea ORDER BY s.chunk_id),
       string_agg(coalesce(b.counts, %(unknown)s), ''::bytea ORDER BY s.chunk_id)
FROM shared s LEFT JOIN fanwen_buckets b ON b.chunk_id = s.chunk_id
WHERE s.shared + least(%(n)s - 1 - s.last / 4294967296, s.size - 1 - s.last %% 4294967296) + 1
      >= ceil(%(ratio)s * (%(n)s + s.size) - 1e-9)"""
# A chunk without bucket counts (none is, from schema v5 on) is given 255s, which bound nothing.
_UNKNOWN = bytes([255]) * BUCKETS


class SqlPrefixIndex:
    """dedup's two lookups, candidates and chunk keys, answered by the fanwen_dedup and fanwen_shingles tables."""

    def __init__(self, conn):
        self.conn, self._stored = conn, {}

    def verifiable(self, grams: set[str], below: int, threshold: float) -> np.ndarray:
        """As dedup.verifiable (every stored posting here has its size and place), and then only those the
        bucket counts do not rule out (chunk_keys.bucket_screen): at a million generated chunks the
        positional filter leaves ~4,000 candidates per chunk, whose keys cost more to read than to filter."""
        n = len(grams)
        ids, sizes, counts = self.conn.execute(_VERIFIABLE, {
            "keys": prefix_of(grams, threshold).tolist(), "below": below, "n": n, "ratio": threshold / (1 + threshold),
            "low": threshold * n - 1e-9, "high": n / threshold + 1e-9, "unknown": _UNKNOWN}, binary=True).fetchone()
        if ids is None:
            return np.zeros(0, dtype=np.int64)
        ids = np.frombuffer(ids, dtype=">i8").astype(np.int64)
        counts = np.frombuffer(counts, dtype=np.uint8).reshape(len(ids), BUCKETS)
        keep = bucket_screen(gram_keys(grams), n, np.frombuffer(sizes, dtype=">i4"), counts, threshold)
        return ids[keep]

    def stored(self, ids: list[int]) -> dict[int, tuple[int, np.ndarray]]:
        """(shingle count, gram keys) of ids from fanwen_shingles, as PrefixIndex.stored gives them: (0, empty)
        for a chunk without a row (never screened out). Read once per write for ids several chunks share."""
        missing = [cid for cid in ids if cid not in self._stored]
        if missing:
            # binary: bytea as raw bytes, not hex text (134,000 chunks' keys at a million: 0.75-0.97 vs 1.34-1.58 s)
            rows = self.conn.execute("SELECT chunk_id, size, keys FROM fanwen_shingles WHERE chunk_id = ANY(%s)",
                                     (missing,), binary=True)
            self._stored.update((cid, (size, np.frombuffer(keys, dtype="<u4"))) for cid, size, keys in rows)
            self._stored.update((cid, (0, np.zeros(0, np.uint32))) for cid in missing if cid not in self._stored)
        return self._stored


def library_candidates(conn, new: list[Chunk]) -> dict[int, list[int]]:
    """Each new chunk's candidates among the chunks committed before this write (ids below the first new one).
    Runs on its own connection while the write embeds, so it sees the library as it was, with the chunks this
    write removes: the write's own transaction no longer has their text, so closest() passes over them."""
    index, below = SqlPrefixIndex(conn), min((c.id for c in new), default=0)
    return {c.id: screened(index, shingles(c.text), below, THRESHOLD) for c in new}


def mark_duplicates(conn, new: list[Chunk], dropped: list[int], found: dict[int, list[int]] | None = None) -> int:
    """dup_of of the added chunks and of older duplicates a removal may have freed, as building.mark_duplicates
    sets them; returns how many added chunks are duplicates. `found`: the new chunks' library candidates
    (library_candidates), read beside the embedding; else they are read here."""
    floor = min(dropped, default=None)
    freed = [] if floor is None else [r[0] for r in conn.execute(
        "SELECT id FROM fanwen_chunks WHERE dup_of IS NOT NULL AND id > %s", (floor,))]
    known = {c.id: (c.doc, c.text) for c in new}
    _read_texts(conn, known, freed)
    index, decided = SqlPrefixIndex(conn), {}
    added = PrefixIndex((PrefixIndex.part([(c.id, c.text) for c in new]),)) if found is not None else None
    for cid in sorted(set(known) | set(freed)):
        doc, text = known[cid]
        grams = shingles(text)
        if found is not None and cid in found:  # the library's part, then the earlier chunks of this write
            candidates = found[cid] + screened(added, grams, cid, THRESHOLD)
        else:
            candidates = screened(index, grams, cid, THRESHOLD)
        _read_texts(conn, known, candidates)  # one round trip for the few left
        best, score = closest(grams, doc, candidates, known.get, THRESHOLD)
        dup_of = None
        if best is not None and score >= THRESHOLD:
            root = decided[best] if best in decided else conn.execute(
                "SELECT dup_of FROM fanwen_chunks WHERE id = %s", (best,)).fetchone()[0]
            dup_of = best if root is None else root
        decided[cid] = dup_of
    if decided:
        conn.execute("UPDATE fanwen_chunks c SET dup_of = u.dup_of FROM unnest(%s::bigint[], %s::bigint[]) AS u(id, dup_of) "
                     "WHERE c.id = u.id AND c.dup_of IS DISTINCT FROM u.dup_of", (list(decided), list(decided.values())))
    return sum(1 for c in new if decided.get(c.id) is not None)


def _read_texts(conn, known: dict, ids: list[int]) -> None:
    missing = [cid for cid in ids if cid not in known]
    if missing:
        known.update((cid, (doc, text)) for cid, doc, text in conn.execute(
            "SELECT id, doc, text FROM fanwen_chunks WHERE id = ANY(%s)", (missing,)))
