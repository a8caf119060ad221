"""PostgreSQL schema of the pgvector engine: versioned migrations applied by fanwen on first connect."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import lru_cache

import numpy as np

from fanwen.index.errors import ConfigurationError
from fanwen.index.records import EMBEDDED_TEXT
from fanwen.index.storage.chunk_keys import bucket_counts, gram_keys
from fanwen.index.storage.dedup import shingles
from fanwen.index.storage.generations import check_model

LOCK_KEY = 0x66616E77  # 'fanw': advisory lock held by migrations and by every write
SCHEMA_VERSION = 5
# A posting's BM25 term component, tf / (tf + k1 (1 - b) + k1 b len / avglen) with k1 1.2 and b 0.75, at a fixed
# reference average length: the impact a search reads each term's postings by, best first. Scores are then
# computed exactly (the library's own average) for the postings read; only the order uses this constant, so
# it is part of the v2 schema and never changes.
def impact(alias: str = "") -> str:
    p = f"{alias}." if alias else ""
    return f"({p}tf::float8 / ({p}tf::float8 + 0.3 + 0.9 * {p}length::float8 / 200.0))"


IMPACT = impact()

BACKFILL_BATCH = 5000


def shingle_keys(conn) -> None:
    """Schema v3: each chunk's shingle count and crc32 shingle keys (fanwen_shingles), so duplicate detection
    screens a candidate without reading its text; filled from the texts of the chunks already stored."""
    conn.execute("CREATE TABLE fanwen_shingles (chunk_id bigint PRIMARY KEY REFERENCES fanwen_chunks(id) "
                 "ON DELETE CASCADE, size int NOT NULL, keys bytea NOT NULL)")
    last = -1
    while True:  # in id order, a batch at a time: a million texts need not be in memory at once
        rows = conn.execute("SELECT id, text FROM fanwen_chunks WHERE id > %s ORDER BY id LIMIT %s",
                            (last, BACKFILL_BATCH)).fetchall()
        if not rows:
            return
        with conn.cursor().copy("COPY fanwen_shingles (chunk_id, size, keys) FROM STDIN") as copy:
            for cid, text in rows:
                copy.write_row(shingle_row(cid, shingles(text)))
        last = rows[-1][0]


def shingle_row(chunk_id: int, grams: set[str]) -> tuple[int, int, bytes]:
    """A fanwen_shingles row of a chunk's shingles: id, shingle count, the keys as little-endian uint32."""
    return chunk_id, len(grams), gram_keys(grams).astype("<u4").tobytes()


def bucket_keys(conn) -> None:
    """Schema v5: each chunk's bucket counts of its shingle keys (fanwen_buckets), so duplicate detection
    screens a candidate without reading its keys; computed from the keys already stored."""
    conn.execute("CREATE TABLE fanwen_buckets (chunk_id bigint PRIMARY KEY REFERENCES fanwen_chunks(id) "
                 "ON DELETE CASCADE, counts bytea NOT NULL)")
    last = -1
    while True:  # in id order, a batch at a time, as shingle_keys (keys, not texts: four times the rows)
        rows = conn.execute("SELECT chunk_id, keys FROM fanwen_shingles WHERE chunk_id > %s ORDER BY chunk_id "
                            "LIMIT %s", (last, BACKFILL_BATCH * 4), binary=True).fetchall()
        if not rows:
            return
        with conn.cursor().copy("COPY fanwen_buckets (chunk_id, counts) FROM STDIN") as copy:
            for cid, keys in rows:
                copy.write_row(bucket_row(cid, np.frombuffer(keys, dtype="<u4")))
        last = rows[-1][0]


def bucket_row(chunk_id: int, keys: np.ndarray) -> tuple[int, bytes]:
    """A fanwen_buckets row: id, chunk_keys.bucket_counts of the chunk's gram keys."""
    return chunk_id, bucket_counts(keys).tobytes()


@lru_cache(maxsize=65536)
def term_key(term: str) -> int:
    """A term's 64-bit key in fanwen_forward: the first 8 bytes of its UTF-8 MD5, big-endian, signed (as TERM_KEY
    computes it in SQL). Two terms of one chunk sharing a key would need a 64-bit collision."""
    return int.from_bytes(hashlib.md5(term.encode("utf-8")).digest()[:8], "big", signed=True)


TERM_KEY = "('x' || left(md5(term), 16))::bit(64)::bigint"


def forward_row(chunk_id: int, counts: Counter, length: int) -> tuple[int, bytes, bytes, int]:
    """A fanwen_forward row: id, the chunk's term keys ascending (big-endian int64), their counts (int32), length."""
    pairs = sorted((term_key(term), tf) for term, tf in counts.items())
    keys = np.array([k for k, _ in pairs], dtype=">i8").tobytes()
    return chunk_id, keys, np.array([tf for _, tf in pairs], dtype=">i4").tobytes(), int(length)


# Each entry moves the schema one version up; {dim} is the model's vector size, fixed at creation.
MIGRATIONS = [
    """
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE TABLE fanwen_meta (key text PRIMARY KEY, value jsonb NOT NULL);
    CREATE TABLE fanwen_documents (
        id text PRIMARY KEY, title text NOT NULL, path text NOT NULL, format text NOT NULL,
        sha256 text NOT NULL, chunks int NOT NULL, chars int NOT NULL, added text NOT NULL);
    CREATE TABLE fanwen_chunks (
        id bigint PRIMARY KEY, doc text NOT NULL REFERENCES fanwen_documents(id) ON DELETE CASCADE,
        ord int NOT NULL, text text NOT NULL, heading_path jsonb NOT NULL, role text NOT NULL,
        role_confidence real NOT NULL, para_index int NOT NULL, point_index int NOT NULL,
        start_pos int NOT NULL, end_pos int NOT NULL, placeholders jsonb NOT NULL, dup_of bigint,
        length int NOT NULL, embedding vector({dim}) NOT NULL, head vector({dim}));
    CREATE INDEX fanwen_chunks_doc ON fanwen_chunks (doc, ord);
    CREATE INDEX fanwen_chunks_role ON fanwen_chunks (role);
    CREATE INDEX fanwen_chunks_dup ON fanwen_chunks (id) WHERE dup_of IS NOT NULL;
    CREATE INDEX fanwen_chunks_hnsw ON fanwen_chunks USING hnsw (embedding vector_ip_ops);
    CREATE INDEX fanwen_chunks_head_hnsw ON fanwen_chunks USING hnsw (head vector_ip_ops);
    -- BM25 from term statistics: postings (term, chunk, tf), document frequencies, corpus totals
    -- length (the chunk's token count) is repeated here so scoring reads the postings index alone
    CREATE TABLE fanwen_postings (
        term text NOT NULL, chunk_id bigint NOT NULL REFERENCES fanwen_chunks(id) ON DELETE CASCADE,
        tf int NOT NULL, length int NOT NULL, PRIMARY KEY (term, chunk_id) INCLUDE (tf, length));
    CREATE INDEX fanwen_postings_chunk ON fanwen_postings (chunk_id);
    CREATE TABLE fanwen_terms (term text PRIMARY KEY, df int NOT NULL);
    CREATE TABLE fanwen_stats (id int PRIMARY KEY CHECK (id = 1), chunks bigint NOT NULL, tokens bigint NOT NULL);
    INSERT INTO fanwen_stats VALUES (1, 0, 0);
    -- near-duplicate detection: prefix-shingle keys (dedup.prefix_keys) of every chunk
    CREATE TABLE fanwen_dedup (key bigint NOT NULL,
        chunk_id bigint NOT NULL REFERENCES fanwen_chunks(id) ON DELETE CASCADE,
        size int NOT NULL, place int NOT NULL);  -- shingle count, and the key's place in the chunk's prefix
    CREATE INDEX fanwen_dedup_key ON fanwen_dedup (key) INCLUDE (chunk_id, size, place);
    CREATE INDEX fanwen_dedup_chunk ON fanwen_dedup (chunk_id);
    """,
    # v2: each term's postings by impact (IMPACT), so a search reads a common term's best postings only
    f"""
    SET LOCAL maintenance_work_mem = '512MB';  -- sorts an existing library's postings in memory
    CREATE INDEX fanwen_postings_impact ON fanwen_postings (term, {IMPACT} DESC, chunk_id)
        INCLUDE (tf, length);
    """,
    shingle_keys,  # v3
    # v4: each chunk's terms as one row, so a keyword search scores its candidates with one read per chunk
    f"""
    SET LOCAL work_mem = '256MB';  -- groups an existing library's postings in memory
    CREATE TABLE fanwen_forward (
        chunk_id bigint PRIMARY KEY REFERENCES fanwen_chunks(id) ON DELETE CASCADE,
        keys bytea NOT NULL, tfs bytea NOT NULL, length int NOT NULL);
    INSERT INTO fanwen_forward
    SELECT p.chunk_id, string_agg(int8send(t.key), ''::bytea ORDER BY t.key),
           string_agg(int4send(p.tf), ''::bytea ORDER BY t.key), max(p.length)
    FROM fanwen_postings p JOIN (SELECT term, {TERM_KEY} AS key FROM fanwen_terms) t ON t.term = p.term
    GROUP BY p.chunk_id;
    """,
    bucket_keys,  # v5
]


def migrate(conn, model: str, dim: int) -> dict:
    """Create or upgrade the schema (under the write lock, so two first connects do not race) and check
    that the database was built with this model; returns the meta table as a dict."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        exists = conn.execute("SELECT to_regclass('fanwen_meta') IS NOT NULL").fetchone()[0]
        version = read_meta(conn).get("schema_version", 0) if exists else 0
        if version > SCHEMA_VERSION:
            raise ConfigurationError(
                f"database schema version {version} is newer than this fanwen ({SCHEMA_VERSION}): upgrade fanwen",
                zh=f"数据库的结构版本 {version} 比本程序支持的 {SCHEMA_VERSION} 新：请升级 fanwen")
        for step in range(version, SCHEMA_VERSION):
            if callable(MIGRATIONS[step]):  # a step that computes what SQL cannot (shingles)
                MIGRATIONS[step](conn)
            else:
                conn.execute(MIGRATIONS[step].format(dim=int(dim)))
        if version == 0:
            put_meta(conn, model=model, dim=int(dim), generation=0, next_id=0, embedded_text=EMBEDDED_TEXT)
        if version < SCHEMA_VERSION:
            put_meta(conn, schema_version=SCHEMA_VERSION)
        meta = read_meta(conn)
    check_model(meta, "FANWEN_DATABASE_URL", model)
    return meta


def read_meta(conn) -> dict:
    return {key: value for key, value in conn.execute("SELECT key, value FROM fanwen_meta")}


def put_meta(conn, **values) -> None:
    """Set meta keys inside the caller's transaction."""
    for key, value in values.items():
        conn.execute("INSERT INTO fanwen_meta VALUES (%s, %s::jsonb) ON CONFLICT (key) DO UPDATE SET value = "
                     "excluded.value", (key, json.dumps(value)))
