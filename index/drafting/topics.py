"""Topic-sentence vectors for drafting: the stored ones when the index has them, else embedded once per snapshot.

The outline tells two points apart by their first sentences (e5-small puts whole paragraphs of one report
too close together). Search does not use these vectors, so indexes are built without them by default and
drafting embeds the few it needs (at most one per candidate chunk), keeping them with the snapshot.
"""
from __future__ import annotations

import numpy as np

from fanwen.index.building import topic_sentence


def topic_vectors(library, snap, ids: list[int]) -> np.ndarray:
    heads = getattr(snap, "heads", None)
    if heads is not None and heads.count() == len(snap.chunks) and heads.count():
        return heads.get(ids)
    cache = snap.__dict__.setdefault("_topic_vectors", {})  # the snapshot never changes, so neither do these
    missing = [cid for cid in dict.fromkeys(ids) if cid not in cache]
    if missing:
        rows = library.embedder.embed_passages([topic_sentence(snap.chunks[cid].text) for cid in missing])
        cache.update(zip(missing, np.asarray(rows, dtype=np.float32)))
    if not ids:
        return np.zeros((0, library.embedder.dim), dtype=np.float32)
    return np.vstack([cache[cid] for cid in ids])
