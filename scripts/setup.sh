#!/usr/bin/env bash
# Creates .venv and installs fanwen into it. Usage: scripts/setup.sh [EXTRAS], e.g. "st,test".
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [[ ",$extras," == *",st,"* ]]; then
  # The CPU build of torch lies on disk here; asking for it first keeps pip from pulling CUDA wheels.
  .venv/bin/python -m pip install -q "torch==2.13.0"
fi
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install -q -e ".[$extras]"
else
  .venv/bin/python -m pip install -q -e .
fi
