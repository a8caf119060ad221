"""The one error shape of the HTTP API, and the handlers that turn library errors into it."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from fanwen.index.errors import (FanwenError, IndexBusy, InvalidInput, ModelMismatch, NotFound, UnreadableFile,
                                 UnsupportedFormat)

log = logging.getLogger("fanwen")
STATUS = {InvalidInput: (400, "invalid_parameter"), NotFound: (404, "not_found"),
          UnsupportedFormat: (415, "unsupported_media_type"), UnreadableFile: (422, "unreadable_file"),
          IndexBusy: (503, "busy"), ModelMismatch: (500, "model_mismatch")}


class ApiError(Exception):
    """An HTTP error raised by a route with its code and message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    def _api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(FanwenError)
    def _library_error(request: Request, exc: FanwenError):
        for kind, (status, code) in STATUS.items():
            if isinstance(exc, kind):
                return error_response(status, code, str(exc))
        return error_response(400, "failed", str(exc))

    @app.exception_handler(RequestValidationError)
    def _validation_error(request: Request, exc: RequestValidationError):
        problems = []
        for err in exc.errors():
            loc = list(err.get("loc", ()))
            if loc and loc[0] in ("query", "body", "path", "header"):
                loc = loc[1:]  # where the field came from, not its name
            where = ".".join(str(part) for part in loc)
            problems.append(f"{where or 'request'}: {err.get('msg')}")
        return error_response(422, "invalid_parameter", "; ".join(problems))

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException):
        codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
        message = exc.detail if exc.status_code != 404 else f"no such path: {request.url.path}"
        response = error_response(exc.status_code, codes.get(exc.status_code, "http_error"), str(message))
        for name, value in (exc.headers or {}).items():  # keeps Allow on a 405
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return error_response(500, "internal", f"internal error: {type(exc).__name__}")
