"""The PostgreSQL + pgvector engine: one database shared by any number of fanwen processes and machines."""
from __future__ import annotations

import threading
import time

from fanwen.index.errors import ConfigurationError
from fanwen.index.records import Document
from fanwen.index.storage import pg_write
from fanwen.index.storage.pg_schema import LOCK_KEY, migrate, read_meta
from fanwen.index.storage.pg_view import PgView, read_documents

REFRESH_SECONDS = 0.5  # how stale a reader may be after another process writes
SEARCH_BREADTH = 200  # hnsw.ef_search: candidates HNSW keeps per query (at least the pool a search asks for)


def _psycopg():
    try:
        import psycopg
    except ImportError:
        raise ConfigurationError("FANWEN_DATABASE_URL needs psycopg: pip install 'fanwen[pg]'",
                                 zh="使用 FANWEN_DATABASE_URL 需要 psycopg：请运行 pip install 'fanwen[pg]'") from None
    return psycopg


class PostgresEngine:
    """Documents, chunks, vectors (HNSW) and BM25 statistics in tables; each write is one transaction."""

    kind = "postgresql"

    def __init__(self, url: str, embedder, chunking: dict, tokenize, rebuild: bool, topic_vectors: bool):
        self.url, self.embedder, self.chunking = url, embedder, chunking
        self.tokenize, self.topic_vectors, self._rebuild = tokenize, topic_vectors, rebuild
        self._local = threading.local()
        self._view: PgView | None = None
        self._checked = 0.0
        with self._connect(autocommit=False) as conn:  # READ COMMITTED: it waits for the write lock
            self.meta = migrate(conn, embedder.name, embedder.dim)

    def connection(self):
        """This thread's reading connection (autocommit; REPEATABLE READ inside view.reading())."""
        psycopg = _psycopg()
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            conn = self._connect(autocommit=True)
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.execute("SET work_mem = '64MB'")  # keyword scoring hashes its postings in memory
            self._local.conn, self._local.breadth = conn, 0
        return conn

    def _connect(self, autocommit: bool):
        psycopg = _psycopg()
        try:
            return psycopg.connect(self.url, autocommit=autocommit, connect_timeout=10)
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConfigurationError(f"cannot connect to the database in FANWEN_DATABASE_URL ({first})",
                                     zh=f"连不上 FANWEN_DATABASE_URL 指定的数据库（{first}）：请检查地址、用户名和数据库是否在运行") from None

    def set_search_breadth(self, k: int) -> None:
        breadth = max(SEARCH_BREADTH, min(int(k), 1000))
        if getattr(self._local, "breadth", 0) != breadth:
            self.connection().execute("SELECT set_config('hnsw.ef_search', %s, false)", (str(breadth),))
            self._local.breadth = breadth

    def view(self) -> PgView:
        now = time.monotonic()
        if self._view is None or now - self._checked >= REFRESH_SECONDS:
            self._checked = now
            # the whole meta table (a few rows), not only the generation: a new generation may come with new
            # meta (a rebuild embeds the current way: embedded_text)
            meta = read_meta(self.connection())
            generation = int(meta.get("generation", 0))
            if self._view is None or generation != self._view.generation:
                self.meta = meta
                self._view = PgView(self, generation, self.meta)
        return self._view

    def held_documents(self) -> dict[str, Document]:
        return read_documents(self.connection())

    def start_rebuild(self) -> None:
        self._rebuild = True

    def apply(self, parsed, removals: list[str], report, progress, replace=None,
              must_exist: bool = False) -> list[Document]:
        """One transaction under the write lock: readers see the library before it or after it, never between."""
        with self._connect(autocommit=False) as conn:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                gone = pg_write.apply(conn, parsed, removals, report, progress, replace, must_exist, self.embedder,
                                      self.tokenize, self.topic_vectors, self._rebuild,
                                      reader=lambda: self._connect(autocommit=True))
        self._rebuild = False
        self._view = None  # this process reads its own write at once
        return gone
