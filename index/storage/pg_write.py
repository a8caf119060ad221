"""One write to the PostgreSQL engine: the shared building steps run on a small in-memory change, then one transaction."""
from __future__ import annotations

import json
from collections import Counter

import numpy as np

from fanwen.index import building
from fanwen.index.identity import check_removals
from fanwen.index.ingest import role_model
from fanwen.index.records import EMBEDDED_TEXT, Chunk, Document, embedded_text_of
from fanwen.index.storage.dedup import prefix_of, shingles
from fanwen.index.storage import pg_dedup
from fanwen.index.storage.chunk_keys import gram_keys
from fanwen.index.storage.pg_schema import bucket_row, forward_row, put_meta, read_meta, shingle_row
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
          rebuild: bool, reader=None) -> list[Document]:
    """The whole write inside the caller's transaction (which holds the write lock); returns dropped documents.
    `reader()`: a second connection, on which the new chunks' duplicate candidates are read while they are embedded."""
    meta = read_meta(conn)
    if rebuild:
        _clear(conn)
        put_meta(conn, embedded_text=EMBEDDED_TEXT)  # a rebuilt library embeds the current way
        meta["embedded_text"] = EMBEDDED_TEXT
    work = PgWork(conn, read_documents(conn), int(meta.get("next_id", 0)), tokenize)
    check_removals(work.docs, removals, must_exist)
    gone = [work.docs[doc_id] for doc_id in removals if doc_id in work.docs]
    dropped = [cid for doc_id in removals for cid in work.by_doc.get(doc_id, [])]
    for doc_id in removals:
        building.drop_document(work, doc_id)
    if any(all(p.role_confidence < role_model.TRUSTED for p in d.pieces[1:]) for d in parsed):
        work.load_training_sample()
    todo = building.place_documents(work, parsed, report, replace, gone, dropped)
    found = None
    if todo:
        beside = None if reader is None or rebuild else lambda ids: _candidates(reader, [work.chunks[i] for i in ids])
        found = building.add_documents(work, todo, embedder, report, progress, topic_vectors, beside,
                                       embedded_text_of(meta))
    if not (removals or todo or rebuild):
        return []
    _delete(conn, list(work.by_doc.popped), [cid for ids in work.by_doc.popped.values() for cid in ids])
    new = [work.chunks[cid] for doc in todo for cid in work.by_doc[doc.doc_id]]
    _insert(conn, work, todo, new)
    report.duplicates += pg_dedup.mark_duplicates(conn, new, dropped, found)
    put_meta(conn, generation=int(meta.get("generation", 0)) + 1, next_id=work.next_id())
    return gone


def _candidates(reader, new: list[Chunk]) -> dict[int, list[int]]:
    with reader() as conn:
        return pg_dedup.library_candidates(conn, new)


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
    with conn.cursor().copy("COPY fanwen_forward (chunk_id, keys, tfs, length) FROM STDIN") as copy:
        for c in new:
            copy.write_row(forward_row(c.id, work.keywords.counts[c.id], lengths[c.id]))
    grams = {c.id: shingles(c.text) for c in new}
    with conn.cursor().copy("COPY fanwen_dedup (key, chunk_id, size, place) FROM STDIN") as copy:
        for c in new:
            for place, key in enumerate(prefix_of(grams[c.id]).tolist()):
                copy.write_row((key, c.id, len(grams[c.id]), place))
    with conn.cursor().copy("COPY fanwen_shingles (chunk_id, size, keys) FROM STDIN") as copy:
        for c in new:
            copy.write_row(shingle_row(c.id, grams[c.id]))
    with conn.cursor().copy("COPY fanwen_buckets (chunk_id, counts) FROM STDIN") as copy:
        for c in new:
            copy.write_row(bucket_row(c.id, gram_keys(grams[c.id])))
    ids = [c.id for c in new]
    conn.execute("INSERT INTO fanwen_terms (term, df) SELECT term, count(*) FROM fanwen_postings WHERE chunk_id = "
                 "ANY(%s) GROUP BY term ON CONFLICT (term) DO UPDATE SET df = fanwen_terms.df + excluded.df", (ids,))
    conn.execute("UPDATE fanwen_stats SET chunks = chunks + %s, tokens = tokens + %s", (len(new), sum(lengths.values())))
