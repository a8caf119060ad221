"""Routes for drafting help: POST /api/draft (outline from exemplars) and POST /api/check (查重)."""
from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from fanwen.index.drafting.copycheck import MAX_CHARS
from fanwen.index.errors import InvalidInput, unsupported_format
from fanwen.index.ingest.limits import strip_controls
from fanwen.index.ingest.readers import SUPPORTED

from fanwen.service.wiring import rewrite_endpoint

from .contract import (CHECK_BODY, CHOICES, COUNTS, FOCUS, QUERY, checked_choices, checked_focus,
                       checked_query, errors)
from .deps import library_of, safe_name, search_key, settings_of
from .errors import ApiError, too_large
from .parse_worker import limits_of, read_upload_text

router = APIRouter(prefix="/api")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = ("json", "markdown", "docx")


class DraftBody(BaseModel):
    topic: str = Field(..., description="the report, e.g. 街道党工委书记 抓基层党建工作述职", json_schema_extra=QUERY)
    focus: str | list[str] | None = Field(None, description="focus words, e.g. 两新组织 社区治理",
                                          json_schema_extra=FOCUS)
    counts: dict[str, Any] | None = Field(None, description="points per section: opening, achievements (4), "
                                                            "problems (3), causes (3), plans (4), closing",
                                          json_schema_extra=COUNTS)
    rewrite: bool = Field(False, strict=True, description="adapt exemplars with the configured language model")
    format: str = Field("json", description="json, markdown or docx", json_schema_extra={"enum": list(FORMATS)})
    choices: dict[str, Any] | None = Field(None, description="slot key -> chunk id of that slot's role, e.g. a "
                                                             "swapped alternate (409 when the outline has no such "
                                                             "slot or the chunk is of another role)",
                                           json_schema_extra=CHOICES)
    citations: bool = Field(False, strict=True,
                            description="markdown/docx: a 出处 line after every point (json always cites)")


@router.post("/draft", dependencies=[Depends(search_key)], summary="Outline of a report from exemplars",
             responses={200: {"content": {"application/json": {}, "text/markdown": {}, DOCX: {}}},
                        **errors(400, 401, 409, 422, 503)})
def draft(request: Request, body: DraftBody):
    from fanwen.index.drafting.export import to_docx, to_markdown
    from fanwen.index.drafting.rewrite import rewrite_outline

    if body.format not in FORMATS:
        raise ApiError(400, "invalid_parameter", f"unknown format {body.format!r}: allowed {', '.join(FORMATS)}",
                       zh=f"未知的导出格式 {body.format!r}：只能是 {'、'.join(FORMATS)}")
    outline = _outline(library_of(request), body)
    if body.rewrite:
        rewrite_outline(outline, rewrite_endpoint(settings_of(request)))
    if body.format == "markdown":
        return PlainTextResponse(to_markdown(outline, body.citations), media_type="text/markdown; charset=utf-8")
    if body.format == "docx":
        buffer = io.BytesIO()
        to_docx(outline, buffer, body.citations)
        name = quote(f"{outline.title}.docx")
        return Response(buffer.getvalue(), media_type=DOCX,
                        headers={"Content-Disposition": f"attachment; filename=\"draft.docx\"; filename*=UTF-8''{name}"})
    return outline.to_dict()


def _outline(library, body: DraftBody):
    """The outline; choices that do not fit it (made for an outline of another index state) are a 409."""
    from fanwen.index.drafting.outline import build_outline

    topic, focus, choices = checked_query(body.topic, "topic"), checked_focus(body.focus), checked_choices(body.choices)
    try:
        return build_outline(library, topic, focus, body.counts, choices)
    except InvalidInput as exc:
        if exc.field != "choices":
            raise
        raise ApiError(409, "conflict", exc.en, zh=f"换用的段落与现在的提纲对不上：{exc.zh}") from None


@router.post("/check", dependencies=[Depends(search_key)], summary="Copy check (查重) of a draft",
             responses=errors(400, 401, 413, 415, 422, 503), openapi_extra={"requestBody": CHECK_BODY})
async def check(request: Request):
    """JSON `{"text": …, "threshold": 0.5}` or a multipart upload in field `file` (.txt .md .docx .pdf)."""
    from fanwen.index.drafting.copycheck import check_text

    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    library, limit = library_of(request), settings_of(request).max_upload_bytes
    if kind == "multipart/form-data":
        form = await request.form()
        upload, threshold = form.get("file"), form.get("threshold", 0.5)
        if upload is None or isinstance(upload, str):
            raise ApiError(400, "invalid_parameter", "multipart body has no file: send the draft in field 'file'",
                           zh="没有收到文件：请把稿子放在 file 字段上传")
        name = safe_name(strip_controls(upload.filename or ""))
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED:
            raise unsupported_format(suffix, name, SUPPORTED)
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise too_large(limit)
        report = await run_in_threadpool(_check_upload, library, data, name, suffix, threshold,
                                         limits_of(settings_of(request)))
    else:
        payload = await _json(request, limit)
        text = payload.get("text")
        if not isinstance(text, str):
            raise ApiError(400, "invalid_parameter", "text is missing: send {\"text\": \"…\"} or upload a file",
                           zh="没有收到稿子：请粘贴文字或上传文件")
        _limit_text(text)
        threshold = payload.get("threshold", 0.5)
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ApiError(400, "invalid_parameter", f"threshold must be a number between 0 and 1, got {threshold!r}",
                           zh=f"阈值应是 0 到 1 之间的数，现在是 {threshold!r}")
        text = strip_controls(text)  # pasted from Word: \x07 cell marks, \x0b breaks; JSON: lone surrogates
        _limit_text(text)
        report = await run_in_threadpool(check_text, library, text, threshold)
    return report.to_dict()


def _check_upload(library, data: bytes, name: str, suffix: str, threshold, limits):
    from fanwen.index.drafting.copycheck import check_text

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"draft{suffix}"
        path.write_bytes(data)
        text = read_upload_text(path, name, limits)  # in a child process, as uploads to the library
    _limit_text(text)
    return check_text(library, text, threshold)


def _limit_text(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise ApiError(413, "payload_too_large", f"draft is {len(text):,} characters long: at most {MAX_CHARS:,} "
                                                 f"can be checked at once; split it into parts",
                       zh=f"稿子有 {len(text):,} 个字，一次最多查 {MAX_CHARS:,} 个字，请分段查重")


async def _json(request: Request, limit: int) -> dict:
    raw = await request.body()
    if len(raw) > limit:
        raise too_large(limit, "request body")
    try:
        payload = json.loads(raw or b"null")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise ApiError(400, "invalid_parameter",
                       "body must be JSON {\"text\": \"…\"} or a multipart upload with the draft in field 'file'",
                       zh="请求格式不对：请发送 JSON {\"text\": \"…\"}，或用 file 字段上传稿子")
    return payload
