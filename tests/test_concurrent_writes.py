"""Four writers (separate Library objects, so only the file lock orders them) and a reader on one folder."""
import random
import threading

from fanwen.index.library import Library
from tests.test_incremental import CountingEmbedder, report


def whole(snap) -> bool:
    """Every document of the snapshot has all its chunks, vectors and postings, and nothing else is there."""
    ids = [cid for doc in snap.docs for cid in snap.by_doc.get(doc, [])]
    return (all(len(snap.by_doc.get(d, [])) == doc.chunks for d, doc in snap.docs.items())
            and sorted(ids) == sorted(snap.chunks) and snap.vectors.count() == len(ids)
            and snap.keywords.count() == len(ids))


def test_four_writers_and_a_reader_lose_nothing_and_never_see_half_a_document(tmp_path):
    home, files = tmp_path / "home", []
    for writer in range(4):
        folder = tmp_path / f"w{writer}"
        folder.mkdir()
        for i in range(3):
            path = folder / f"w{writer}-{i}.txt"
            path.write_text(report(random.Random(writer * 10 + i), f"写者{writer}第{i}份"), encoding="utf-8")
            files.append(path)
    Library(home, CountingEmbedder())  # nothing written yet: the writers race from an empty folder
    errors, done, seen = [], threading.Event(), []

    def write(writer):
        try:
            lib = Library(home, CountingEmbedder())
            for path in sorted((tmp_path / f"w{writer}").iterdir()):
                lib.add_file(path)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    def read():
        lib = Library(home, CountingEmbedder())
        while not done.is_set():
            snap = lib.snapshot
            seen.append((len(snap.docs), whole(snap)))
            done.wait(0.05)

    reader = threading.Thread(target=read)
    reader.start()
    writers = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join()
    assert not errors
    final = Library(home, CountingEmbedder()).snapshot
    assert sorted(final.docs) == sorted(p.stem for p in files) and whole(final)
    assert all(ok for _, ok in seen) and len({n for n, _ in seen}) > 1  # the reader saw several generations
