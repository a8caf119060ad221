"""One write to the PostgreSQL engine: the shared building steps run on a small in-memory change, then one transaction."""
from __future__ import annotations

import json
from collections import Counter

import numpy as np

from fanwen.index import building
from fanwen.index.identity import check_removals
from fanwen.index.ingest import role_model
from fanwen.index.records import Chunk, Document
from fanwen.index.storage.dedup import THRESHOLD, closest, prefix_of, runs, screened, shingles
from fanwen.index.storage.pg_schema import put_meta, read_meta, shingle_row
from fanwen.index.storage.pg_view import parse_vector, read_documents, vector_literal

TRAIN_SAMPLE = 4000  # heading-labelled chunks the role classifier of a headless upload learns from


class RowBuffer:
    """Vectors a write adds (and a sample it reads), as building.add_documents hands them over."""

    def __init__(self):
        self.rows: dict[int, np.ndarray] = {}

    def add(self, ids, vectors) -> None:
        self.rows.update(zip((int(i) for i in ids), np.asarray(vectors, dtype=np.float32)))

    def remove(self, ids) -> int:
        return sum(self.rows.pop(int(i), None) is not None for i in ids)

    def get(self, ids) -> np.ndarray:
        return np.array([self.rows[int(i)] for i in ids], dtype=np.float32)

    def count(self) -> int:
        return len(self.rows)


class PostingBuffer:
    """Term counts of the added chunks, cut by the analyzer the keyword side indexes with."""

    def __init__(self, tokenize):
        self.index_terms = getattr(tokenize, "index_terms", tokenize)
        self.counts: dict[int, Counter] = {}

    def add(self, ids, texts) -> None:
        self.counts.update((int(i), Counter(self.index_terms(t))) for i, t in zip(ids, texts))

    def remove(self, ids) -> int:
        return sum(self.counts.pop(int(i), None) is not None for i in ids)


class LazyByDoc(dict):
    """document -> chunk ids, read from the database the first time a write touches a document."""

    def __init__(self, conn):
        super().__init__()
        self.conn, self.popped = conn, {}

    def _fill(self, doc) -> None:
        if not super().__contains__(doc) and doc not in self.popped:
            ids = [r[0] for r in self.conn.execute("SELECT id FROM fanwen_chunks WHERE doc = %s ORDER BY ord", (doc,))]
            if ids:
                super().__setitem__(doc, ids)

    def get(self, doc, default=None):
        self._fill(doc)
        return super().get(doc, default)

    def __getitem__(self, doc):
        self._fill(doc)
        return super().__getitem__(doc)

    def pop(self, doc, *default):
        self._fill(doc)
        ids = super().pop(doc, *default)
        self.popped.setdefault(doc, list(ids or []))
        return ids


class PgWork:
    """What building.place_documents / add_documents / drop_document change, kept in memory until commit."""

    pending = None

    def __init__(self, conn, docs: dict[str, Document], next_id: int, tokenize):
        self.conn, self.docs, self._next = conn, dict(docs), next_id
        self.by_doc, self.chunks = LazyByDoc(conn), {}
        self.vectors, self.heads, self.keywords = RowBuffer(), RowBuffer(), PostingBuffer(tokenize)

    def next_id(self) -> int:
        return max([self._next, *(cid + 1 for cid in self.chunks)])

    def load_training_sample(self) -> None:
        """Heading-labelled chunks for the role classifier (retag_headless), a bounded sample per write."""
        rows = self.conn.execute(
            "SELECT id, doc, role, embedding::text FROM fanwen_chunks WHERE role_confidence >= %s "
            "ORDER BY id LIMIT %s", (role_model.TRUSTED, TRAIN_SAMPLE)).fetchall()
        for cid, doc, role, vector in rows:
            self.chunks[cid] = Chunk(cid, doc, "", [], role, 0, -1, 0, 0)
            self.vectors.rows[cid] = parse_vector(vector)


def apply(conn, parsed, removals, report, progress, replace, must_exist, embedder, tokenize, topic_vectors,
          rebuild: bool) -> list[Document]:
    """The whole write inside the caller's transaction (which holds the write lock); returns dropped documents."""
    meta = read_meta(conn)
    if rebuild:
        _clear(conn)
    work = PgWork(conn, read_documents(conn), int(meta.get("next_id", 0)), tokenize)
    check_removals(work.docs, removals, must_exist)
    gone = [work.docs[doc_id] for doc_id in removals if doc_id in work.docs]
    dropped = [cid for doc_id in removals for cid in work.by_doc.get(doc_id, [])]
    for doc_id in removals:
        building.drop_document(work, doc_id)
    if any(all(p.role_confidence < role_model.TRUSTED for p in d.pieces[1:]) for d in parsed):
        work.load_training_sample()
    todo = building.place_documents(work, parsed, report, replace, gone, dropped)
    if todo:
        building.add_documents(work, todo, embedder, report, progress, topic_vectors)
    if not (removals or todo or rebuild):
        return []
    _delete(conn, list(work.by_doc.popped), [cid for ids in work.by_doc.popped.values() for cid in ids])
    new = [work.chunks[cid] for doc in todo for cid in work.by_doc[doc.doc_id]]
    _insert(conn, work, todo, new)
    report.duplicates += mark_duplicates(conn, new, dropped)
    put_meta(conn, generation=int(meta.get("generation", 0)) + 1, next_id=work.next_id())
    return gone


def _clear(conn) -> None:
    # DELETE, not TRUNCATE: readers keep answering from the old rows until this transaction commits
    conn.execute("DELETE FROM fanwen_documents")
    conn.execute("DELETE FROM fanwen_terms")
    conn.execute("UPDATE fanwen_stats SET chunks = 0, tokens = 0")


def _delete(conn, doc_ids: list[str], chunk_ids: list[int]) -> None:
    if not doc_ids:
        return
    conn.execute("UPDATE fanwen_terms t SET df = t.df - d.n FROM (SELECT term, count(*) AS n FROM fanwen_postings "
                 "WHERE chunk_id = ANY(%s) GROUP BY term) d WHERE t.term = d.term", (chunk_ids,))
    conn.execute("DELETE FROM fanwen_terms WHERE df <= 0")
    conn.execute("UPDATE fanwen_stats SET chunks = chunks - s.n, tokens = tokens - s.gone FROM (SELECT count(*) AS n, "
                 "coalesce(sum(length), 0) AS gone FROM fanwen_chunks WHERE id = ANY(%s)) s", (chunk_ids,))
    conn.execute("DELETE FROM fanwen_documents WHERE id = ANY(%s)", (doc_ids,))


def _insert(conn, work: PgWork, todo, new: list[Chunk]) -> None:
    with conn.cursor().copy("COPY fanwen_documents FROM STDIN") as copy:
        for doc in todo:
            d = work.docs[doc.doc_id]
            copy.write_row((d.id, d.title, d.path, d.format, d.sha256, d.chunks, d.chars, d.added))
    lengths = {c.id: sum(work.keywords.counts[c.id].values()) for c in new}
    order = {cid: place for ids in (work.by_doc[d.doc_id] for d in todo) for place, cid in enumerate(ids)}
    with conn.cursor().copy("COPY fanwen_chunks (id, doc, ord, text, heading_path, role, role_confidence, para_index, "
                            "point_index, start_pos, end_pos, placeholders, dup_of, length, embedding, head) "
                            "FROM STDIN") as copy:
        for c in new:
            head = work.heads.rows.get(c.id)
            copy.write_row((c.id, c.doc, order[c.id], c.text, json.dumps(c.heading_path, ensure_ascii=False), c.role,
                            c.role_confidence, c.para_index, c.point_index, c.start, c.end,
                            json.dumps([list(s) for s in c.placeholders]), None, lengths[c.id],
                            vector_literal(work.vectors.rows[c.id]), None if head is None else vector_literal(head)))
    with conn.cursor().copy("COPY fanwen_postings (term, chunk_id, tf, length) FROM STDIN") as copy:
        for c in new:
            for term, tf in work.keywords.counts[c.id].items():
                copy.write_row((term, c.id, tf, lengths[c.id]))
    grams = {c.id: shingles(c.text) for c in new}
    with conn.cursor().copy("COPY fanwen_dedup (key, chunk_id, size, place) FROM STDIN") as copy:
        for c in new:
            for place, key in enumerate(prefix_of(grams[c.id]).tolist()):
                copy.write_row((key, c.id, len(grams[c.id]), place))
    with conn.cursor().copy("COPY fanwen_shingles (chunk_id, size, keys) FROM STDIN") as copy:
        for c in new:
            copy.write_row(shingle_row(c.id, grams[c.id]))
    ids = [c.id for c in new]
    conn.execute("INSERT INTO fanwen_terms (term, df) SELECT term, count(*) FROM fanwen_postings WHERE chunk_id = "
                 "ANY(%s) GROUP BY term ON CONFLICT (term) DO UPDATE SET df = fanwen_terms.df + excluded.df", (ids,))
    conn.execute("UPDATE fanwen_stats SET chunks = chunks + %s, tokens = tokens + %s", (len(new), sum(lengths.values())))


class SqlPrefixIndex:
    """dedup.PrefixIndex's two lookups, postings and chunk keys, answered by the fanwen_dedup and fanwen_shingles
    tables."""

    def __init__(self, conn):
        self.conn, self._stored = conn, {}
        self.window = (0.0, float("inf"), 2**62)  # sizes and ids a candidate may have (see `narrow`)

    def narrow(self, grams: set[str], below: int) -> None:
        """Read only postings that verifiable() could keep for grams: a lower id, a size within [t·n, n/t]."""
        self.window = (THRESHOLD * len(grams) - 1e-9, len(grams) / THRESHOLD + 1e-9, below)

    def matches(self, keys: np.ndarray) -> list[tuple[np.ndarray, ...]]:
        """(ids, sizes, places, probe) of the postings of keys inside the window, as PrefixIndex.matches."""
        low, high, below = self.window
        rows = binary_rows(self.conn, "SELECT key, chunk_id, size, place FROM fanwen_dedup WHERE key = ANY(%s) "
                           "AND chunk_id < %s AND size BETWEEN %s AND %s",
                           (sorted(set(keys.tolist())), below, low, high), _POSTING)
        if not len(rows):
            return []
        # each row once per place its key has in keys (twice only for a crc32 collision within the prefix)
        order = np.argsort(keys, kind="stable")
        lo = np.searchsorted(keys[order], rows["key"], "left")
        counts = np.searchsorted(keys[order], rows["key"], "right") - lo
        which, probe = np.repeat(np.arange(len(rows)), counts), order[runs(lo, counts)]
        return [(rows["chunk_id"][which].astype(np.int64), rows["size"][which].astype(np.uint32),
                 rows["place"][which].astype(np.uint32), probe.astype(np.int64))]


    def stored(self, ids: list[int]) -> dict[int, tuple[int, np.ndarray]]:
        """(shingle count, gram keys) of ids from fanwen_shingles, as PrefixIndex.stored gives them: (0, empty)
        for a chunk without a row (never screened out). Read once per write for ids several chunks share."""
        missing = [cid for cid in ids if cid not in self._stored]
        if missing:
            rows = self.conn.execute("SELECT chunk_id, size, keys FROM fanwen_shingles WHERE chunk_id = ANY(%s)",
                                     (missing,))
            self._stored.update((cid, (size, np.frombuffer(keys, dtype="<u4"))) for cid, size, keys in rows)
            self._stored.update((cid, (0, np.zeros(0, np.uint32))) for cid in missing if cid not in self._stored)
        return self._stored

# COPY ... (FORMAT BINARY) rows of (key bigint, chunk_id bigint, size int, place int), all NOT NULL: a field
# count, then each field's byte length and its big-endian value
_POSTING = np.dtype([("fields", ">i2"), ("n1", ">i4"), ("key", ">i8"), ("n2", ">i4"), ("chunk_id", ">i8"),
                     ("n3", ">i4"), ("size", ">i4"), ("n4", ">i4"), ("place", ">i4")])


def binary_rows(conn, query: str, params, dtype: np.dtype) -> np.ndarray:
    """The rows of a query of fixed-width NOT NULL columns, read by binary COPY straight into numpy: at a
    million chunks a new chunk's prefix keys have ~250,000 postings, and as Python tuples they cost more
    than the query."""
    with conn.cursor().copy(f"COPY ({query}) TO STDOUT (FORMAT BINARY)", params) as copy:
        data = b"".join(bytes(block) for block in copy)
    start = 19 + int.from_bytes(data[15:19], "big")  # signature (11), flags (4), header extension
    count, rest = divmod(len(data) - start - 2, dtype.itemsize)  # - the trailer
    rows = np.frombuffer(data, dtype=dtype, offset=start, count=count)
    widths = [dtype[name].itemsize for name in dtype.names[2::2]]
    if rest or data[:11] != b"PGCOPY\n\xff\r\n\x00" or (rows["fields"] != len(widths)).any() or any(
            (rows[name] != width).any() for name, width in zip(dtype.names[1::2], widths)):
        raise RuntimeError("unexpected binary COPY layout")
    return rows


def mark_duplicates(conn, new: list[Chunk], dropped: list[int]) -> int:
    """dup_of of the added chunks and of older duplicates a removal may have freed, as building.mark_duplicates
    sets them; returns how many added chunks are duplicates."""
    floor = min(dropped, default=None)
    freed = [] if floor is None else [r[0] for r in conn.execute(
        "SELECT id FROM fanwen_chunks WHERE dup_of IS NOT NULL AND id > %s", (floor,))]
    known = {c.id: (c.doc, c.text) for c in new}
    _read_texts(conn, known, freed)
    index, decided = SqlPrefixIndex(conn), {}
    for cid in sorted(set(known) | set(freed)):
        doc, text = known[cid]
        grams = shingles(text)
        index.narrow(grams, cid)
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

