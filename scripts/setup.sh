#!/usr/bin/env bash
# Creates .venv and installs fanwen into it, only when the environment is missing or the project changed.
# Usage: scripts/setup.sh [EXTRAS], e.g. "st,test". Quiet when nothing needs doing; works offline then.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
stamp=.venv/fanwen-install.stamp

# What the install depends on: the dependency list, and the sources (a regular, non-editable install
# copies them into the venv, so a changed source file needs a reinstall, which works offline).
deps_hash=$(sha256sum pyproject.toml | cut -d' ' -f1)
src_hash=$(find index service -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 | sort -z \
  | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)

has_extras() {  # every requested extra is already installed
  local installed; installed=$(sed -n 's/^extras //p' "$stamp")
  local extra
  for extra in ${extras//,/ }; do
    [[ ",$installed," == *",$extra,"* ]] || return 1
  done
}

quiet() {  # run a pip command; show its output without this machine's pip-config location warnings
  local log status=0; log=$(mktemp)
  "$@" >"$log" 2>&1 || status=$?
  grep -v "^WARNING: Location" "$log" >&2 || true
  rm -f "$log"
  return "$status"
}

if [ -x .venv/bin/python ] && [ -f "$stamp" ] && grep -qx "deps $deps_hash" "$stamp" && has_extras; then
  if grep -qx "src $src_hash" "$stamp"; then
    exit 0
  fi
  # Only sources changed: reinstall the project alone, offline (build tools are already in the venv).
  quiet .venv/bin/python -m pip install -q --no-deps --no-build-isolation --no-index .
  rm -rf build ./*.egg-info
  sed -i "s/^src .*/src $src_hash/" "$stamp"
  exit 0
fi

echo "fanwen: installing into .venv (first start or pyproject.toml changed)…" >&2
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
quiet .venv/bin/python -m pip install -q --upgrade pip "setuptools>=68" wheel
if [[ ",$extras," == *",st,"* ]]; then
  # The CPU build of torch lies on disk here; asking for it first keeps pip from pulling CUDA wheels.
  quiet .venv/bin/python -m pip install -q --no-compile "torch==2.13.0"
fi
# Regular install with the venv's own setuptools: no editable-mode notices, and later source-only
# reinstalls need no package index.
target="."
[ -n "$extras" ] && target=".[$extras]"
quiet .venv/bin/python -m pip install -q --no-compile --no-build-isolation "$target"
# Byte-compile afterwards on every core (pip compiles one file at a time: ~75 s of a fresh install, 40 s this
# way). Compiled it must be: with PYTHONDONTWRITEBYTECODE set, as on these machines, every process would compile
# each module it imports again. A few files that are not Python 3 (package test data) fail; that is expected.
.venv/bin/python -m compileall -q -j 0 .venv/lib/python3*/site-packages >/dev/null 2>&1 || true
rm -rf build ./*.egg-info
installed=$(sed -n 's/^extras //p' "$stamp" 2>/dev/null || true)
all_extras=$(echo "${installed},${extras}" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)
printf 'deps %s\nsrc %s\nextras %s\n' "$deps_hash" "$src_hash" "$all_extras" > "$stamp"
