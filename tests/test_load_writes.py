"""Readers searching while a writer uploads and removes reports: no errors, never half a document."""
from scripts.bench_load_writes import run


def test_readers_never_see_half_an_upload_while_a_writer_adds_and_removes(writable_server):
    tally = run(writable_server, clients=4, seconds=8, paragraphs=4, batch=3, limit=3)
    assert not tally.errors, tally.errors
    assert not tally.inconsistent and not tally.probes["half"], (tally.inconsistent, tally.halves)
    assert len(tally.upload_s) == 3 and len(tally.remove_s) == 3
    assert tally.search_s and tally.probes["whole"] > 0  # the probes did see uploads, so the check had teeth
    assert len(set(tally.doc_counts)) > 1  # readers saw the library change under them
