"""Read the arrays of an uncompressed .npz (what np.savez writes) straight from the file into numpy."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
from numpy.lib import format as npy

_LOCAL_HEADER = 30  # bytes of a zip local file header before its name and extra field
_HEADERS = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """name -> array, the same as np.load(path)[name] for every member, without zipfile's member reads:
    at 1,000,000 chunks np.load took 2.0 s for the dedup file and 3.6 s for the BM25 counts, this 0.5 s and
    1.1 s (page cache warm). Members are checked for size, not CRC: `fanwen check` reads through np.load."""
    arrays = {}
    with open(path, "rb") as raw, zipfile.ZipFile(raw) as archive:
        for info in archive.infolist():
            arrays[info.filename.removesuffix(".npy")] = _member(raw, archive, info)
    return arrays


def _member(raw, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    if info.compress_type != zipfile.ZIP_STORED:  # np.savez_compressed: zipfile has to inflate it
        with archive.open(info) as member:
            return npy.read_array(member, allow_pickle=False)
    raw.seek(info.header_offset)
    local = raw.read(_LOCAL_HEADER)
    if len(local) != _LOCAL_HEADER or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"{info.filename}: no local file header")
    skip = int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
    start = raw.seek(info.header_offset + _LOCAL_HEADER + skip)
    version = npy.read_magic(raw)
    if version not in _HEADERS:
        with archive.open(info) as member:
            return npy.read_array(member, allow_pickle=False)
    shape, fortran, dtype = _HEADERS[version](raw)
    if dtype.hasobject:
        raise ValueError(f"{info.filename}: object arrays are not read")
    array = np.empty(shape, dtype=dtype, order="F" if fortran else "C")
    if raw.tell() - start + array.nbytes != info.file_size:
        raise ValueError(f"{info.filename}: {info.file_size} bytes stored, the header describes another size")
    view = memoryview(array.reshape(-1, order="A").view(np.uint8))
    if array.nbytes and raw.readinto(view) != array.nbytes:
        raise ValueError(f"{info.filename}: the file ends inside the array")
    return array
