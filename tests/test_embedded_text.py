"""What the model sees of a chunk: the paragraph alone, recorded in the manifest; a library built the older
way (heading path + paragraph) keeps embedding that way until it is rebuilt, so its vectors stay alike."""
import json

import numpy as np

from fanwen.index.library import Library
from fanwen.index.records import EMBEDDED_TEXT, LEGACY_EMBEDDED_TEXT
from fanwen.index.storage.check import check_index
from fanwen.index.storage.generations import current_generation

REPORT = """社区党委书记述职报告
一、主要做法和成效
一是抓好网格化管理。全面推行网格员包片联户，组建X支党员志愿服务队，解决群众急难愁盼问题XX件。
二、存在的问题
一是垃圾分类宣传不到位。部分居民分类意识不强，投放点管理粗放。二是议事平台用得少。
"""
LATER = """机关支部书记述职报告
一、主要工作
严格落实“三会一课”制度，全年召开支部党员大会X次，讲授专题党课X次，组织主题党日活动X次。
"""


def cosines(library, embedder, doc_id, text_of):
    chunks = [library.chunk(cid) for cid in library.snapshot.by_doc[doc_id]]
    stored = library.snapshot.vectors.get([c.id for c in chunks])
    fresh = embedder.embed_passages([text_of(c) for c in chunks])
    return np.sum(np.asarray(stored) * np.asarray(fresh), axis=1)


def add(library, folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    library.add_paths([path])


def test_a_new_library_embeds_the_paragraph_alone(tmp_path, embedder):
    library = Library(tmp_path / "home", embedder)
    add(library, tmp_path, "社区.txt", REPORT)
    assert library.snapshot.manifest["embedded_text"] == EMBEDDED_TEXT
    assert cosines(library, embedder, "社区", lambda c: c.text).min() > 0.999
    assert cosines(library, embedder, "社区", lambda c: " ".join(c.heading_path + [c.text])).min() < 0.99


def test_an_older_library_keeps_its_way_until_rebuilt(tmp_path, embedder):
    home = tmp_path / "home"
    add(Library(home, embedder), tmp_path, "社区.txt", REPORT)
    manifest_path = current_generation(home) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["embedded_text"]  # as written before session 29
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    older = Library(home, embedder)
    add(older, tmp_path, "机关.txt", LATER)
    assert older.snapshot.manifest.get("embedded_text", LEGACY_EMBEDDED_TEXT) == LEGACY_EMBEDDED_TEXT
    assert cosines(older, embedder, "机关", lambda c: " ".join(c.heading_path + [c.text])).min() > 0.999
    assert any("fanwen index --rebuild" in f.zh for f in check_index(home, embedder.name).findings)

    rebuilt = Library(home, embedder, rebuild=True)
    rebuilt.add_paths([tmp_path / "社区.txt", tmp_path / "机关.txt"])
    assert rebuilt.snapshot.manifest["embedded_text"] == EMBEDDED_TEXT
    assert cosines(rebuilt, embedder, "机关", lambda c: c.text).min() > 0.999
    assert not any("fanwen index --rebuild" in f.zh for f in check_index(home, embedder.name).findings)


def test_an_older_database_keeps_its_way_until_rebuilt(tmp_path, embedder, pg_url):
    import psycopg

    add(Library(tmp_path / "a", embedder, database_url=pg_url), tmp_path, "社区.txt", REPORT)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT value FROM fanwen_meta WHERE key = 'embedded_text'").fetchone()[0] == EMBEDDED_TEXT
        conn.execute("DELETE FROM fanwen_meta WHERE key = 'embedded_text'")  # as written before session 29

    older = Library(tmp_path / "b", embedder, database_url=pg_url)
    add(older, tmp_path, "机关.txt", LATER)
    assert older.snapshot.manifest["embedded_text"] == LEGACY_EMBEDDED_TEXT
    assert cosines(older, embedder, "机关", lambda c: " ".join(c.heading_path + [c.text])).min() > 0.999

    older.rebuild()
    assert older.snapshot.manifest["embedded_text"] == EMBEDDED_TEXT
    assert cosines(older, embedder, "机关", lambda c: c.text).min() > 0.999
