"""scripts/serve.sh on a machine without the package registry (a 内网 machine): it installs nothing when the
environment is already set up, starts, and names its data folder."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
STAMP = ROOT / ".venv" / "fanwen-install.stamp"


@pytest.mark.skipif(not STAMP.exists(), reason="needs the environment scripts/test.sh sets up (.venv stamp)")
def test_second_start_is_offline_quiet_and_healthy(corpus_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(corpus_home, home)
    port = free_port()
    env = {**os.environ, "PIP_NO_INDEX": "1", "FANWEN_HOME": str(home), "FANWEN_PORT": str(port),
           "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        health, deadline = None, time.time() + 120
        while time.time() < deadline and server.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).json()
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert health is not None, f"server did not answer; exit {server.poll()}"
        assert health["status"] == "ok" and health["documents"] == 5
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert not any("pip" in line.lower() or "setuptools" in line.lower() for line in lines), stderr
    assert any(str(home) in line for line in lines) and any(f":{port}/" in line for line in lines), stderr
    assert len(lines) <= 6, stderr  # the address, the library size: no install noise above them
