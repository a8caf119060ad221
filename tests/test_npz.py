"""The .npz reader the segments use: the same arrays as np.load, and a clear error for a damaged file."""
import zipfile

import numpy as np
import pytest

from fanwen.index.storage.npz import read_arrays


def sample() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    return {"ids": np.arange(1000, dtype=np.int64), "keys": rng.integers(0, 2**32, 777, dtype=np.uint32),
            "counts": rng.random((13, 7)).astype(np.float32), "fortran": np.asfortranarray(rng.random((5, 3))),
            "empty": np.zeros(0, dtype=np.int32), "flags": rng.random(9) > 0.5, "scalar": np.array(2.5)}


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed], ids=["stored", "compressed"])
def test_the_arrays_are_those_np_load_reads(tmp_path, save):
    path = tmp_path / "a.npz"
    save(path, **sample())
    got = read_arrays(path)
    with np.load(path) as expected:
        assert sorted(got) == sorted(expected.files)
        for name in expected.files:
            assert got[name].dtype == expected[name].dtype and got[name].shape == expected[name].shape
            assert np.array_equal(got[name], expected[name])
    got["ids"][0] = 7  # writable, like np.load's arrays (the stores may sort or extend them)


def test_a_file_cut_short_is_an_error_not_a_short_array(tmp_path):
    path = tmp_path / "a.npz"
    np.savez(path, ids=np.arange(100_000, dtype=np.int64))
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises((zipfile.BadZipFile, ValueError)):
        read_arrays(path)


def test_a_member_whose_header_disagrees_with_its_stored_size_is_refused(tmp_path):
    path = tmp_path / "a.npz"
    np.savez(path, ids=np.arange(64, dtype=np.int64))
    data = bytearray(path.read_bytes())
    at = data.index(b"'shape': (64,)")
    data[at:at + len(b"'shape': (64,)")] = b"'shape': (65,)"
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="size"):
        read_arrays(path)
