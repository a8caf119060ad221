"""The FastAPI application: error shape, auth, CORS, static page, offline docs, and `serve`."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.errors import FanwenError, IndexBusy, InvalidInput, ModelMismatch, NotFound, UnreadableFile, UnsupportedFormat

from .settings import Settings

log = logging.getLogger("fanwen")
HERE = Path(__file__).parent
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


def create_app(settings: Settings, library) -> FastAPI:
    """The app over an already opened library (loaded once, shared by every request)."""
    app = FastAPI(title="fanwen", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Exemplar paragraphs for Chinese work reports (述职报告): search, browse, upload.")
    app.state.settings, app.state.library = settings, library
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                           allow_headers=["*"])
    _install_error_handlers(app)
    from .api import router
    from .drafting_api import router as drafting_router

    app.include_router(router)
    app.include_router(drafting_router)
    _mount_static(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
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
        return error_response(exc.status_code, codes.get(exc.status_code, "http_error"), str(message))

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return error_response(500, "internal", f"internal error: {type(exc).__name__}")


def _mount_static(app: FastAPI) -> None:
    import swagger_ui_bundle

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    @app.get("/", include_in_schema=False)
    def index_page():
        return FileResponse(HERE / "static" / "index.html")

    @app.get("/docs", include_in_schema=False)
    def docs_page():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="fanwen API",
                                   swagger_js_url="/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/swagger/swagger-ui.css",
                                   swagger_favicon_url="/swagger/favicon-32x32.png")

    from .addin_routes import mount_addin

    mount_addin(app)


def prepare_library(settings: Settings, model: str | None = None):
    """Load the model and index once; on an empty data folder, index the corpus first."""
    from .cli import open_library

    library = open_library(settings, model)
    if not library.documents():
        log.warning("index at %s is empty: indexing %s first (one-time, about a minute)", settings.home,
                    settings.corpus)
        report = library.add_paths([settings.corpus])
        log.warning("indexed %d files, %d chunks; skipped %d", report.files, report.chunks, len(report.skipped))
    return library


def serve(settings: Settings, host: str | None = None, port: int | None = None, model: str | None = None) -> int:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("faiss").setLevel(logging.WARNING)  # its loader logs every CPU feature it lacks
    settings.host, settings.port = host or settings.host, port or settings.port
    library = prepare_library(settings, model)
    app = create_app(settings, library)
    scheme = "https" if settings.ssl_certfile else "http"
    print(f"fanwen: serving {len(library.documents())} documents at {scheme}://{settings.host}:{settings.port}/",
          file=sys.stderr, flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                ssl_certfile=str(settings.ssl_certfile) if settings.ssl_certfile else None,
                ssl_keyfile=str(settings.ssl_keyfile) if settings.ssl_keyfile else None)
    return 0
