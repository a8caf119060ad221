"""Serves the editor add-in: the task pane files and manifests rendered for this server's address."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

from . import addin_package, wps_package

ADDIN = Path(__file__).resolve().parent.parent / "addin"


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def mount_addin(app: FastAPI) -> None:


    @app.get("/addin/manifest.xml", include_in_schema=False)
    def word_manifest(request: Request):
        return Response(addin_package.word_manifest(base_url(request)), media_type="application/xml")

    @app.get("/addin/wps/{name}", include_in_schema=False)
    def wps_file(request: Request, name: str):
        files = wps_package.wps_addin_files(base_url(request))
        if name not in files:
            return PlainTextResponse(f"no such WPS add-in file: {name}; available: {', '.join(sorted(files))}",
                                     status_code=404)
        return Response(files[name], media_type=wps_package.media_type(name))

    app.mount("/addin", StaticFiles(directory=ADDIN, html=True), name="addin")
