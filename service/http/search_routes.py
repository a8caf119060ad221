"""JSON routes over the library: search, chunks, documents, health."""
from __future__ import annotations

import logging
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Path as PathParam, Query, Request, UploadFile
from pydantic import BaseModel, Field

from fanwen.index import identity
from fanwen.index.drafting.copycheck import MAX_CHARS
from fanwen.index.errors import unsupported_format
from fanwen.index.building import UPLOADS
from fanwen.index.ingest.readers import SUPPORTED
from fanwen.index.records import Hit
from fanwen.index.retrieval.intent import MAX_QUERY
from fanwen.index.retrieval.search import MAX_K

from fanwen.index.ingest.limits import strip_controls

from .contract import CHUNK_ID, K, OFFSET, QUERY, ROLE, WholeNumber, checked_query, checked_roles, errors, whole
from .deps import library_of, require_key, safe_name, search_key, settings_of
from .errors import ApiError, too_large
from .parse_worker import limits_of, parse_upload

log = logging.getLogger("fanwen")
router = APIRouter(prefix="/api")


class SearchBody(BaseModel):
    query: str = Field(..., description="what to look for; role words such as 问题、原因、下一步 select roles",
                       json_schema_extra=QUERY)
    k: WholeNumber = Field(5, description="number of hits", json_schema_extra=K)
    role: str | list[str] | None = Field(None, description="role ids or their Chinese labels", json_schema_extra={
        "anyOf": [ROLE, {"type": "array", "items": ROLE}, {"type": "null"}]})
    docs: list[str] | None = Field(None, description="document ids to search in (unknown ids: 404)")
    offset: WholeNumber = Field(0, description="hits to skip: the next page starts at offset + k (see `more`)",
                        json_schema_extra=OFFSET)


SEARCH_ERRORS = errors(400, 401, 404, 503)  # 404: an unknown document id in the filter


@router.get("/search", dependencies=[Depends(search_key)], summary="Search exemplar paragraphs",
            responses=SEARCH_ERRORS)
def search_get(request: Request, q: Annotated[str, Query(description="query", json_schema_extra=QUERY)],
               k: Annotated[str, Query(description="number of hits", json_schema_extra=K)] = 5,
               role: Annotated[list[str], Query(json_schema_extra={"items": ROLE})] = [],
               doc: Annotated[list[str], Query(description="document ids (unknown ids: 404)")] = [],
               offset: Annotated[str, Query(description="hits to skip; the answer's `more` says whether a next "
                                                        "page exists", json_schema_extra=OFFSET)] = 0):
    return library_of(request).search(checked_query(q), k=whole(k), roles=checked_roles(role), docs=doc,
                                      offset=whole(offset)).to_dict()


@router.post("/search", dependencies=[Depends(search_key)], summary="Search exemplar paragraphs (JSON body)",
             responses=errors(400, 401, 404, 422, 503))
def search_post(request: Request, body: SearchBody):
    return library_of(request).search(checked_query(body.query), k=body.k, roles=checked_roles(body.role),
                                      docs=body.docs, offset=body.offset).to_dict()


def chunk_record(library, chunk) -> dict:
    record = Hit(chunk, library.display_name(chunk.doc), 0.0).to_dict()
    record["score"] = None
    return record


ChunkId = Annotated[str, PathParam(description="chunk id", json_schema_extra=CHUNK_ID)]


@router.get("/chunks/{chunk_id}", dependencies=[Depends(search_key)], summary="A chunk with its neighbours",
            responses=errors(401, 404))
def get_chunk(request: Request, chunk_id: ChunkId):
    library = library_of(request)
    chunk = library.chunk(_chunk_id(chunk_id))
    before, after = library.neighbours(chunk.id)
    return {"chunk": chunk_record(library, chunk), "title": library.display_name(chunk.doc),
            "previous": chunk_record(library, before) if before else None,
            "next": chunk_record(library, after) if after else None}


@router.get("/chunks/{chunk_id}/similar", dependencies=[Depends(search_key)], summary="More like this chunk",
            responses=errors(400, 401, 404))
def similar(request: Request, chunk_id: ChunkId,
            k: Annotated[str, Query(description="number of hits", json_schema_extra=K)] = 5):
    hits = library_of(request).similar(_chunk_id(chunk_id), k=whole(k))
    return {"hits": [hit.to_dict() for hit in hits]}


def _chunk_id(raw: str) -> int:
    if not re.fullmatch("[0-9]+", raw):
        raise ApiError(404, "not_found", f"unknown chunk id {raw!r}: chunk ids are whole numbers",
                       zh=f"没有编号为“{raw}”的段落：段落编号是整数")
    return int(raw)


@router.get("/documents", summary="Indexed documents")
def documents(request: Request):
    library = library_of(request)
    return {"documents": [{**doc.to_dict(), "display_name": library.display_name(doc.id)}
                          for doc in library.documents()]}


@router.post("/documents", dependencies=[Depends(require_key)], summary="Upload and index a report",
             status_code=201, responses=errors(400, 401, 404, 413, 415, 422, 503, 507))
def upload(request: Request, file: Annotated[UploadFile, File(description=".txt, .md, .docx or .pdf")],
           replace: Annotated[str | None, Query(description="id of the document this upload replaces; "
                                                            "without it an upload never replaces anything")] = None):
    settings, library = settings_of(request), library_of(request)
    name = safe_name(strip_controls(file.filename or ""))
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise unsupported_format(suffix, name, SUPPORTED)
    if replace is not None:
        library.document(replace)  # 404 before anything is stored
    # One folder per upload: two reports both named 述职报告.docx are two originals, two documents.
    folder = Path(settings.home) / UPLOADS / uuid.uuid4().hex
    target = _store_upload(file, folder, name, settings.max_upload_bytes)
    try:
        # read in a child process: a zip bomb or a pathological PDF costs it, not the server
        parsed = parse_upload(target, name, library.chunk_params, limits_of(settings))
        doc_id, report = library.add_parsed(parsed, replace=replace)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if doc_id in report.unchanged and not identity.same_file(library.document(doc_id).path, str(target)):
        shutil.rmtree(folder, ignore_errors=True)  # the library already holds this very text
    doc = library.document(doc_id)
    log.info("upload %s -> %s (%s) from %s", name, doc_id, _action(report, doc_id), _client(request))
    return {"document": {**doc.to_dict(), "display_name": library.display_name(doc_id)},
            "report": report.to_dict(), "replaced": replace if doc_id in report.replaced else None}


def _action(report, doc_id: str) -> str:
    if doc_id in report.replaced:
        return "replaced"
    return "unchanged" if doc_id in report.unchanged else "added"


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


@router.delete("/documents/{doc_id}", dependencies=[Depends(require_key)], summary="Remove a document",
               responses=errors(401, 404, 503, 507))
def delete(request: Request, doc_id: str):
    count = library_of(request).remove(doc_id)
    log.info("delete %s (%d chunks) from %s", doc_id, count, _client(request))
    return {"removed": doc_id, "chunks": count}


@router.get("/health", summary="Status, model and index size")
def health(request: Request):
    library = library_of(request)
    snap = library.snapshot
    cache_stats = getattr(library.embedder, "stats", None)  # None when the query cache is off
    return {"status": "ok", "model": snap.manifest.get("model"), "documents": len(snap.docs),
            "chunks": len(snap.chunks), "index_version": snap.generation, "limits": limits(settings_of(request)),
            "query_cache": cache_stats() if cache_stats else None}


def limits(settings) -> dict:
    """What clients must respect, served once so the page and the add-in do not repeat the numbers."""
    return {"max_query_chars": MAX_QUERY, "max_k": MAX_K, "max_check_chars": MAX_CHARS,
            "max_upload_bytes": settings.max_upload_bytes, "upload_types": list(SUPPORTED)}


def _store_upload(file: UploadFile, folder: Path, name: str, limit: int) -> Path:
    """Copy the upload to disk, refusing it past the size limit; written under a temporary name first."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{uuid.uuid4().hex}.part"
    size = 0
    try:
        with open(staging, "wb") as out:
            while block := file.file.read(1 << 16):
                size += len(block)
                if size > limit:
                    raise too_large(limit)
                out.write(block)
        target = folder / name
        os.replace(staging, target)
        return target
    finally:
        staging.unlink(missing_ok=True)
