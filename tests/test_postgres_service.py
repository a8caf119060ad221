"""Two `fanwen serve` processes on one PostgreSQL database: what one is given, the other answers with."""
import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT, free_port

REPORT = """社区党支部书记述职报告
一、主要工作
一是推行网格化管理，组建党员志愿服务队，帮助独居老人解决买菜就医难题。
二是协调资金改造老旧小区管网和楼道照明，居民满意度明显提升。
二、存在的问题
部分党员理论学习不够深入，学用结合不紧。
"""


def start(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "fanwen.service.entry", "serve"], cwd=ROOT,
                               env={**env, "FANWEN_PORT": str(port)}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited: {process.stderr.read()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("server did not answer within 180 s")


def eventually(check, seconds: float = 5.0):
    deadline = time.time() + seconds
    while not check():
        assert time.time() < deadline, "the other server did not see the change"
        time.sleep(0.2)


def test_two_servers_share_one_database(pg_url, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "机关支部.txt").write_text("机关党支部书记述职报告\n一、主要工作\n严格落实三会一课制度，全年召开支部党员大会十二次。\n"
                                     "二、下一步打算\n深化智慧机关建设，推广线上议事平台。\n", encoding="utf-8")
    env = {**os.environ, "FANWEN_DATABASE_URL": pg_url, "FANWEN_CORPUS": str(corpus), "PYTHONUNBUFFERED": "1"}
    ports, servers = [free_port(), free_port()], []
    try:
        for n, port in enumerate(ports):
            servers.append(start({**env, "FANWEN_HOME": str(tmp_path / f"home{n}")}, port))
        a, b = (f"http://127.0.0.1:{port}" for port in ports)
        assert httpx.get(f"{b}/api/health").json()["documents"] == 1  # the corpus was indexed once
        upload = httpx.post(f"{a}/api/documents", timeout=120,
                            files={"file": ("社区支部.txt", REPORT.encode("utf-8"), "text/plain")})
        assert upload.status_code == 201, upload.text
        doc_id = upload.json()["document"]["id"]

        def b_finds_it():
            hits = httpx.get(f"{b}/api/search", params={"q": "网格化管理 独居老人", "k": 3}).json()["hits"]
            return any(hit["doc"] == doc_id for hit in hits)

        eventually(b_finds_it)
        deleted = httpx.delete(f"{b}/api/documents/{doc_id}")
        assert deleted.status_code == 200, deleted.text
        eventually(lambda: doc_id not in [d["id"] for d in httpx.get(f"{a}/api/documents").json()["documents"]])
        health = [httpx.get(f"{url}/api/health").json() for url in (a, b)]
        assert health[0]["documents"] == health[1]["documents"] == 1
        assert health[0]["chunks"] == health[1]["chunks"]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
