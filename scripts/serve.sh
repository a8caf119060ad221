#!/usr/bin/env bash
# The main job: install (no torch), build the index of corpus/ on first start, serve page and API.
set -euo pipefail
cd "$(dirname "$0")/.."
# A PostgreSQL library (FANWEN_DATABASE_URL) needs the pg extra (psycopg); the default one does not.
scripts/setup.sh "$([ -n "${FANWEN_DATABASE_URL:-}" ] && echo pg || true)"
exec .venv/bin/fanwen serve "$@"
