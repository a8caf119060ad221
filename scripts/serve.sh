#!/usr/bin/env bash
# The main job: install (no torch), build the index of corpus/ on first start, serve page and API.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/fanwen serve "$@"
