#!/usr/bin/env bash
# The test command: installs everything the suite needs on a fresh machine, then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "WenQuanYi Zen Hei"; then
  # a real browser for the page and add-in tests, and Chinese glyphs for it
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
fi
scripts/setup.sh "st,test"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Two workers (pytest-xdist): the suite is CPU-bound, and on 2 cores this takes it from ~8 to ~6 minutes.
exec .venv/bin/python -m pytest -q -n 2 --dist worksteal "$@"
