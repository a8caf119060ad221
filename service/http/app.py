"""The FastAPI application: routers, CORS, static page, offline docs, and `serve`."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from fanwen.index.retrieval import thesaurus
from fanwen.service.settings import Settings
from fanwen.service.wiring import prepare_library

from .addin_routes import mount_addin
from .drafting_routes import router as drafting_router
from .errors import install_error_handlers
from . import parse_worker
from .openapi30 import downgrade
from .search_routes import router as search_router

log = logging.getLogger("fanwen")
WEB = Path(__file__).resolve().parent.parent / "web"
# On SIGTERM, requests under way get this long to finish. Why a bound: uvicorn otherwise waits for every
# one, and a queue of pasted pages for the model kept a stopped server alive for minutes.
SHUTDOWN_SECONDS = 5


def create_app(settings: Settings, library) -> FastAPI:
    """The app over an already opened library (loaded once, shared by every request)."""
    app = FastAPI(title="fanwen", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Exemplar paragraphs for Chinese work reports (述职报告): search, browse, upload.")
    app.state.settings, app.state.library = settings, library
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                           allow_headers=["*"])
    install_error_handlers(app)
    parse_worker.warm_up()  # uploads are read in child processes of a fork server
    if library.params.synonym_weight > 0:
        thesaurus.warm_up()
    app.include_router(search_router)
    app.include_router(drafting_router)
    _mount_static(app)
    return app


def _mount_static(app: FastAPI) -> None:
    import swagger_ui_bundle

    app.mount("/static", StaticFiles(directory=WEB), name="static")
    app.mount("/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    @app.get("/", include_in_schema=False)
    def index_page():
        return FileResponse(WEB / "index.html")

    @app.get("/openapi-3.0.json", include_in_schema=False)
    def openapi_30():  # the bundled Swagger UI 4 cannot read FastAPI's 3.1 document
        return downgrade(app.openapi())

    @app.get("/docs", include_in_schema=False)
    def docs_page():
        return get_swagger_ui_html(openapi_url="/openapi-3.0.json", title="fanwen API",
                                   swagger_js_url="/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/swagger/swagger-ui.css",
                                   swagger_favicon_url="/swagger/favicon-32x32.png",
                                   swagger_ui_parameters={"validatorUrl": None})  # no badge from swagger.io

    mount_addin(app)


def serve(settings: Settings, host: str | None = None, port: int | None = None, model: str | None = None) -> int:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("faiss").setLevel(logging.WARNING)  # its loader logs every CPU feature it lacks
    settings.host, settings.port = host or settings.host, port or settings.port
    library = prepare_library(settings, model)
    app = create_app(settings, library)
    scheme = "https" if settings.ssl_certfile else "http"
    print(f"fanwen: {len(library.documents())} 篇文档、{len(library.snapshot.chunks)} 个段落（数据目录 {settings.home}）\n"
          f"fanwen: 已启动，请在浏览器打开 {scheme}://{settings.host}:{settings.port}/", file=sys.stderr, flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                ssl_certfile=str(settings.ssl_certfile) if settings.ssl_certfile else None,
                ssl_keyfile=str(settings.ssl_keyfile) if settings.ssl_keyfile else None,
                timeout_graceful_shutdown=SHUTDOWN_SECONDS)
    return 0
