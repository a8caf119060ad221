"""What routes share: the library and settings of the app, API-key checks, safe upload names."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import Header, Request

from .errors import ApiError


def library_of(request: Request):
    return request.app.state.library


def settings_of(request: Request):
    return request.app.state.settings


def require_key(request: Request, x_api_key: Annotated[str | None, Header()] = None) -> None:
    expected = settings_of(request).api_key
    if expected and x_api_key != expected:
        raise ApiError(401, "unauthorized", "missing or wrong X-API-Key header: this server requires its API key",
                       zh="缺少密钥或密钥不对：这台服务器要求填写 API 密钥（FANWEN_API_KEY），请向管理员索取后填写")


def search_key(request: Request, x_api_key: Annotated[str | None, Header()] = None) -> None:
    if settings_of(request).protect_search:
        require_key(request, x_api_key)


def safe_name(filename: str) -> str:
    """A file name without folders or characters that could escape the uploads folder."""
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", Path(filename.replace("\\", "/")).name).strip(". ")
    if not name or not Path(name).stem:
        raise ApiError(400, "invalid_parameter", "file name is empty: upload a named .txt, .md, .docx or .pdf file",
                       zh="文件名是空的：请上传有文件名的 .txt、.md、.docx 或 .pdf 文件")
    return name[:200]
