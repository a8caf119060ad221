"""Builds what both the HTTP app and the CLI need from one Settings object: the library and the rewrite endpoint."""
from __future__ import annotations

import logging

from fanwen.index.errors import FanwenError

from .settings import Settings

log = logging.getLogger("fanwen")


def open_library(settings: Settings, model: str | None = None, rebuild: bool = False):
    """Load the model and the index once; heavy imports happen only here."""
    from fanwen.index.library import Library
    from fanwen.index.retrieval.embed import load_embedder

    embedder = load_embedder(model or settings.model, settings.backend)
    return Library(settings.home, embedder, vector_kind=settings.vector_kind, rebuild=rebuild)


def open_nonempty_library(settings: Settings, model: str | None = None):
    """The library for reading commands; an empty index is an error that says what to run."""
    library = open_library(settings, model)
    if not library.documents():
        raise FanwenError(f"the index at {settings.home} is empty: run 'fanwen index' first")
    return library


def prepare_library(settings: Settings, model: str | None = None):
    """For serving: on an empty data folder, index the corpus first."""
    library = open_library(settings, model)
    if not library.documents():
        log.warning("index at %s is empty: indexing %s first (one-time, about a minute)", settings.home,
                    settings.corpus)
        report = library.add_paths([settings.corpus])
        log.warning("indexed %d files, %d chunks; skipped %d", report.files, report.chunks, len(report.skipped))
    return library


def rewrite_endpoint(settings: Settings):
    """The rewrite endpoint from settings, or None when no base URL is configured."""
    from fanwen.index.drafting.rewrite import Endpoint

    if not settings.llm_base_url:
        return None
    return Endpoint(settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout)
