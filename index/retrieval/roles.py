"""Role preference: a bounded bonus for the asked report roles, their siblings and the section openers."""
from __future__ import annotations

from fanwen.index.records import Chunk
from fanwen.index.retrieval.params import SearchParams
from fanwen.index.storage.chunk_table import fetch

# A role and the role its paragraphs are written next to, half-favoured when the first is asked for:
# problems and causes are analysed together; a report's closing pledge (表态) follows its plans, and where
# a report has no closing paragraph its closing words end the last plan point (every report in corpus/).
SIBLINGS = {"problems": "causes", "causes": "problems", "closing": "plans"}


def role_order(snap, fused: dict[int, float], chunks: dict[int, Chunk], roles: list[str],
               strengths: dict[str, float], lead: bool, params: SearchParams) -> tuple[dict[int, float], list[int]]:
    """The scores with the role preference added, and the ids best first. Under a role filter (`roles`)
    the roles no longer rank, but asked-for section openers (问题部分的开头) still come first."""
    leads = set()
    if lead and params.lead_boost > 0:
        # Only chunks of a wanted role can use the opener's bonus: read the reading order of their reports
        # only.
        wanted = set(roles) or set(role_strengths(strengths, params))
        leads = section_leads(snap, {cid: chunk for cid, chunk in chunks.items() if chunk.role in wanted})
    if roles:  # every chunk is of an asked role
        return fused, sorted(fused, key=lambda cid: (cid not in leads, -fused[cid], cid))
    if strengths:
        fused = prefer_roles(fused, chunks, strengths, params, leads)
    return fused, sorted(fused, key=lambda cid: (-fused[cid], cid))


def role_strengths(strengths: dict[str, float], params: SearchParams) -> dict[str, float]:
    """How much each chunk role is preferred: the asked role fully, its sibling by `sibling_share`."""
    out = {SIBLINGS[r]: s * params.sibling_share for r, s in strengths.items() if r in SIBLINGS}
    for role, strength in strengths.items():
        out[role] = max(strength, out.get(role, 0.0))
    return out


def prefer_roles(fused: dict[int, float], chunks: dict[int, Chunk], strengths: dict[str, float],
                 params: SearchParams, leads: set[int] = frozenset()) -> dict[int, float]:
    """Add a bounded bonus to chunks in a wanted role, scaled by the tagger's confidence and by the chunk's
    own match to the query (its score over the best, to the power role_match_power), and a further
    lead_boost share to those of `leads` (the paragraphs opening their section, when the query asks).

    Scores are first scaled so the best is 1: the bonus is then at most a fixed share of the best match,
    and a paragraph that matches the topic weakly gets a weak bonus, so an off-topic paragraph in the
    right role does not climb over on-topic ones of another role. The opener's share does not shrink:
    asking for it asks for a place in the report, not for words.
    """
    top = max(fused.values(), default=0.0)
    if not strengths or params.role_boost <= 0 or top <= 0:
        return fused
    wanted = role_strengths(strengths, params)
    out = {}
    for cid, score in fused.items():
        chunk = chunks[cid]
        bonus = wanted.get(chunk.role, 0.0) * float(getattr(chunk, "role_confidence", 1.0))
        match = max(score / top, 0.0) ** params.role_match_power
        out[cid] = score / top + params.role_boost * bonus * (match + (params.lead_boost if cid in leads else 0))
    return out


def section_leads(snap, chunks: dict[int, Chunk]) -> set[int]:
    """Those of `chunks` that open a part of a report: the first paragraph of a role under a top heading
    (the problems of 二、存在的问题及原因, and the causes after them)."""
    docs = {chunk.doc for chunk in chunks.values()}
    native = getattr(snap, "section_leads", None)  # a database answers in one statement
    if native is not None:
        return native(docs, {chunk.role for chunk in chunks.values()}) & set(chunks)
    orders = {doc: snap.by_doc[doc] for doc in docs}
    held = fetch(snap, {cid for order in orders.values() for cid in order} - set(chunks))
    held.update(chunks)
    firsts: set[int] = set()
    for order in orders.values():
        seen: set[tuple[str, str]] = set()
        for cid in order:
            chunk = held.get(cid)
            if chunk is None or not chunk.heading_path or (chunk.heading_path[0], chunk.role) in seen:
                continue
            seen.add((chunk.heading_path[0], chunk.role))
            firsts.add(cid)
    return firsts & set(chunks)
