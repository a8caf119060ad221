"""Faults at rest: damaged index files and a full disk give one clear line, keep the last good generation, and rebuild recovers."""
import errno
import os
import shutil

import pytest

from test_cli import fanwen
from tests.conftest import CORPUS

ONE_REPORT = CORPUS / "机关党总支书记党建述职报告.txt"
# every kind of file a generation holds; the segment folder name changes, the file names do not
DAMAGED = ["vectors.faiss", "bm25/bm25.json", "bm25/bm25.npz", "meta.sqlite", "manifest.json"]


def index_file(home, name):
    if name == "manifest.json":
        return home / (home / "CURRENT").read_text().strip() / name
    (segment,) = (home / "segments").iterdir()
    return segment / name


def damage(path, how):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if how == "truncate" else bytes(b ^ 0x5A for b in data))


@pytest.fixture
def home(corpus_home, tmp_path):
    copy = tmp_path / "home"
    shutil.copytree(corpus_home, copy)
    return copy


CASES = [pytest.param(name, how) for name in DAMAGED for how in ("truncate", "scramble")]


@pytest.mark.parametrize("name,how", CASES)
def test_a_damaged_index_file_is_one_line_saying_what_to_run(home, embedder, name, how):
    from fanwen.index.errors import CorruptIndex
    from fanwen.index.library import Library

    damage(index_file(home, name), how)
    with pytest.raises(CorruptIndex) as caught:
        Library(home, embedder)
    message = str(caught.value)
    assert "\n" not in message and "fanwen index --rebuild" in message and str(home) in message, message


@pytest.fixture
def one_report_home(embedder, tmp_path):
    """An index of one report (a rebuild of the whole corpus cost the suite ~20 s of embedding)."""
    from fanwen.index.library import Library

    home = tmp_path / "small"
    Library(home, embedder).add_file(ONE_REPORT)
    return home


def test_cli_start_on_damage_then_rebuild_recovers(one_report_home):
    home = one_report_home  # the rebuild re-embeds what the library holds: one report, not the corpus
    damage(index_file(home, "vectors.faiss"), "truncate")
    broken = fanwen("search", "党建 业务 融合", home=home, timeout=120)
    lines = broken.stderr.strip().splitlines()
    assert broken.returncode == 1 and len(lines) == 1 and "--rebuild" in lines[0], broken.stderr
    rebuilt = fanwen("index", "--rebuild", str(ONE_REPORT), home=home, timeout=600)
    assert rebuilt.returncode == 0, rebuilt.stderr
    healed = fanwen("search", "党建 业务 融合", "--json", home=home, timeout=120)
    assert healed.returncode == 0 and '"hits": [{' in healed.stdout, healed.stderr
    assert "机关党总支书记党建述职报告" in healed.stdout  # the held report, re-read from its source


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_full_disk_during_a_write_keeps_the_last_good_generation(home, embedder, tmp_path, monkeypatch):
    from fanwen.index.errors import WriteFailed
    from fanwen.index.library import Library

    library = Library(home, embedder)
    before = (home / "CURRENT").read_text(), len(library.documents())
    report = tmp_path / "新报告.txt"
    report.write_text("新报告\n一、主要工作\n" + "坚持抓党建促发展，推动基层治理提质增效。" * 20, encoding="utf-8")
    monkeypatch.setattr(os, "fsync", no_space)  # every durable write of the storage ends in fsync
    with pytest.raises(WriteFailed) as caught:
        library.add_file(report)
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC
    assert ((home / "CURRENT").read_text(), len(library.documents())) == before
    assert not [p for p in home.iterdir() if p.name.startswith(".tmp-")]  # staging cleaned up
    reopened = Library(home, embedder)
    assert len(reopened.documents()) == before[1] and reopened.search("党建 业务 融合").hits
    assert reopened.add_file(report)[0] == "新报告"  # space back: the same write goes through


def test_full_disk_is_one_clear_line(home, embedder, tmp_path, monkeypatch):
    from fanwen.index.errors import FanwenError
    from fanwen.index.library import Library

    library = Library(home, embedder)
    report = tmp_path / "新报告.txt"
    report.write_text("新报告\n" + "坚持抓党建促发展，推动基层治理提质增效。" * 20, encoding="utf-8")
    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(FanwenError, match="空间"):
        library.add_file(report)


def test_a_missing_model_file_is_one_line(tmp_path):
    import subprocess
    import sys

    # the model is named by a setting: point it at a folder that is not there
    env = {**os.environ, "FANWEN_HOME": str(tmp_path / "home"), "FANWEN_MODEL": str(tmp_path / "没有的模型")}
    result = subprocess.run([sys.executable, "-m", "fanwen.service.entry", "search", "党建"], env=env,
                            capture_output=True, text=True, timeout=120)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and "没有的模型" in lines[0], result.stderr


def test_a_lost_current_pointer_opens_the_newest_whole_generation(writable_library, embedder):
    """Never an empty index (whose first write would drop the old segments): the last good generation."""
    from fanwen.index.library import Library

    home, docs = writable_library.home, sorted(d.id for d in writable_library.documents())
    (home / "CURRENT").unlink()
    assert sorted(d.id for d in Library(home, embedder).documents()) == docs
    (home / "CURRENT").write_text("gen-999999", encoding="utf-8")
    assert sorted(d.id for d in Library(home, embedder).documents()) == docs
