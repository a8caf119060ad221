"""Contract fuzzing in CI: schemathesis, every check, against the real app over a real index; 0 failures."""
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, ServerThread, make_app

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CONFIG = ROOT / "scripts" / "schemathesis.toml"
EXAMPLES = 5  # per operation in the fuzzing phase; the coverage phase draws its boundary cases whatever this is.
# scripts/fuzz_api.sh runs the same with 50 (or its argument).
SEED = 20240613  # a fixed seed: a failure found here is found again on the next run
FILES = ["街道党工委书记抓基层党建工作述职报告.txt", "机关党总支书记党建述职报告.txt"]


class WriteLog:
    """ASGI wrapper that notes every request that may change the index (method, path, status, body)."""

    def __init__(self, app):
        self.app, self.writes = app, []

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD") or not path.startswith("/api/documents"):
            return await self.app(scope, receive, send)
        status, body = [], []

        async def noting(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, noting)
        self.writes.append((scope["method"], path, status[0] if status else 0, b"".join(body)))


@pytest.fixture(scope="module")
def small_library(tmp_path_factory, embedder):
    """Two reports, opened as the service opens an index: query vectors cached (FANWEN_QUERY_CACHE_SIZE)."""
    from fanwen.index.library import Library
    from fanwen.index.retrieval.query_cache import CachedEmbedder

    home = tmp_path_factory.mktemp("fuzz-index")
    report = Library(home, embedder).add_paths([CORPUS / name for name in FILES])
    assert report.files == len(FILES) and not report.skipped
    return Library(home, CachedEmbedder(embedder, size=1024))


def run_schemathesis(url: str, report: Path) -> subprocess.CompletedProcess:
    command = [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{url}/openapi.json", "--checks", "all",
               "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--phases", "examples,coverage,fuzzing,stateful",
               "--suppress-health-check", "all", "--request-timeout", "60", "--report", "json",
               "--report-json-path", str(report), "--no-color"]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)


def warm_up(url: str) -> None:
    request = urllib.request.Request(f"{url}/api/draft", data=json.dumps({"topic": "党建"}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        assert response.status == 200


def expected_documents(before: set[str], writes) -> set[str]:
    """The document ids the accepted writes leave, in the order they were answered."""
    docs = set(before)
    for method, _, status, body in writes:
        if 200 <= status < 300:
            answer = json.loads(body)
            if method == "DELETE":
                docs.discard(answer["removed"])
            else:
                docs.discard(answer.get("replaced"))
                docs.add(answer["document"]["id"])
    return docs


def test_schemathesis_finds_no_failure_and_rejected_writes_change_nothing(small_library, tmp_path):
    from fanwen.index.storage.generations import read_documents

    home = small_library.home
    before = ({doc.id for doc in small_library.documents()}, small_library.snapshot.generation)
    app = WriteLog(make_app(small_library))
    with ServerThread(app) as server:
        warm_up(server.url)  # the first outline of an index embeds its topic sentences once
        started = time.monotonic()
        result = run_schemathesis(server.url, tmp_path / "run.json")
    elapsed = time.monotonic() - started
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    cases = report["test_cases"]
    print(f"\nschemathesis: {cases['generated']} cases over {report['operations']['tested']} operations in "
          f"{elapsed:.0f} s; failures {report['failures']}; errors {report['errors']}; "
          f"writes {len(app.writes)} ({sum(s >= 400 for _, _, s, _ in app.writes)} rejected)")
    assert result.returncode == 0 and not report["failures"] and not report["errors"], result.stdout[-6000:]
    assert report["operations"]["tested"] == report["operations"]["total"] >= 10, report["operations"]
    assert cases["generated"] >= 200 and not cases["with_failures"] and not cases["errored"], cases
    rejected = [w for w in app.writes if w[2] >= 400]
    accepted = [w for w in app.writes if 200 <= w[2] < 300]
    assert rejected, "the run sent no write the server refused: nothing was learnt about rejected writes"
    assert all(status < 500 for _, _, status, _ in app.writes), app.writes
    docs = {doc.id for doc in small_library.documents()}
    assert docs == expected_documents(before[0], app.writes) == set(read_documents(home)), (before, accepted)
    generations = small_library.snapshot.generation - before[1]
    assert generations <= len(accepted), f"{generations} new generations for {len(accepted)} accepted writes"
    uploads = home / "uploads"
    kept = {p.parent for p in uploads.glob("*/*")} if uploads.is_dir() else set()
    from_uploads = {doc.id for doc in small_library.documents() if Path(doc.path).parent in kept}
    assert len(kept) == len(from_uploads), f"rejected uploads left originals behind: {sorted(kept)}"
