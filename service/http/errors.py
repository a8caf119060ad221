"""The one error shape of the HTTP API ({"error": {code, message}}, Chinese unless English is asked for)."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from fanwen.index.errors import (FanwenError, IndexBusy, InvalidInput, ModelMismatch, NotFound, Overloaded,
                                 UnreadableFile, UnsupportedFormat, WriteFailed)

log = logging.getLogger("fanwen")
STATUS = {InvalidInput: (400, "invalid_parameter"), NotFound: (404, "not_found"),
          UnsupportedFormat: (415, "unsupported_media_type"), UnreadableFile: (422, "unreadable_file"),
          IndexBusy: (503, "busy"), Overloaded: (503, "overloaded"), ModelMismatch: (500, "model_mismatch"),
          WriteFailed: (507, "insufficient_storage")}
# pydantic error type -> what to tell the user (formatted with the error's ctx)
VALIDATION_ZH = {
    "missing": "缺少这个参数", "string_too_long": "太长，最多 {max_length} 个字",
    "string_too_short": "太短，至少 {min_length} 个字", "too_long": "太多，最多 {max_length} 项",
    "too_short": "太少，至少 {min_length} 项", "int_parsing": "应是整数", "int_type": "应是整数",
    "int_from_float": "应是整数", "float_parsing": "应是数字", "float_type": "应是数字",
    "bool_parsing": "应是 true 或 false", "bool_type": "应是 true 或 false", "string_type": "应是文字",
    "list_type": "应是列表", "dict_type": "应是 JSON 对象", "model_attributes_type": "应是 JSON 对象",
    "model_type": "应是 JSON 对象", "json_invalid": "不是有效的 JSON", "json_type": "不是有效的 JSON",
    "greater_than": "应大于 {gt}", "greater_than_equal": "应不小于 {ge}", "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}", "literal_error": "只能是 {expected}", "enum": "只能是 {expected}",
    "extra_forbidden": "没有这个参数", "value_error": "取值不对：{error}",
}


class ApiError(Exception):
    """An HTTP error raised by a route: status, stable code, English text and its Chinese (`message`)."""

    def __init__(self, status: int, code: str, en: str, *, zh: str | None = None):
        super().__init__(zh or en)
        self.status, self.code, self.en, self.message = status, code, en, zh or en

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.message


def too_large(limit: int, what: str = "upload") -> ApiError:
    """413 for an upload or request body over `limit` bytes."""
    mb = limit // (1024 * 1024)
    return ApiError(413, "payload_too_large", f"{what} is over the {mb} MB limit",
                    zh=f"{'文件' if what == 'upload' else '请求'}超过 {mb} MB 的上限，请压缩或拆分后再上传")


def request_lang(header: str | None) -> str:
    """'en' when Accept-Language ranks English above Chinese (q-values, en-US, order of ties), else 'zh'."""
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranked.append((-q, position, tag.strip().lower().split("-")[0], q))
    for _, _, language, q in sorted(ranked):
        if q > 0 and language in ("zh", "en"):
            return language
    return "zh"


def lang_of(request: Request) -> str:
    return request_lang(request.headers.get("accept-language"))


RETRY_SECONDS = "2"  # what a 503 asks the client to wait: a write or a queue of queries clears in seconds


def error_response(status: int, code: str, message: str) -> JSONResponse:
    headers = {"Vary": "Accept-Language", **({"Retry-After": RETRY_SECONDS} if status == 503 else {})}
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def validation_message(errors, lang: str) -> str:
    """One line naming each bad field: `query: Field required` or `参数 query：缺少这个参数`."""
    problems = []
    for err in errors:
        loc = list(err.get("loc", ()))
        if loc and loc[0] in ("query", "body", "path", "header"):
            loc = loc[1:]  # where the field came from, not its name
        where = ".".join(str(part) for part in loc)
        if lang == "en":
            problems.append(f"{where or 'request'}: {err.get('msg')}")
            continue
        try:
            text = VALIDATION_ZH[err.get("type")].format(**err.get("ctx", {}))
        except (KeyError, IndexError):
            text = f"取值不对（{err.get('msg')}）"
        problems.append(f"参数 {where}：{text}" if where else f"请求体：{text}")
    return "; ".join(problems) if lang == "en" else "；".join(problems)


def http_message(request: Request, exc: StarletteHTTPException, lang: str) -> tuple[str, str]:
    """(code, message) for Starlette's own 404, 405, 413 and any other HTTP status."""
    path, method, status = request.url.path, request.method, exc.status_code
    allow = (exc.headers or {}).get("Allow", "")
    texts = {
        404: ("not_found", f"no such path: {path}", f"没有这个地址：{path}，请检查网址或查看 /docs"),
        405: ("method_not_allowed", f"method {method} is not allowed on {path}; allowed: {allow}",
              f"{path} 不接受 {method} 请求，只接受 {allow or '其他方法'}"),
        413: ("payload_too_large", "request body is too large", "请求太大，请减小文件或文字后再试"),
    }
    code, en, zh = texts.get(status, ("http_error", str(exc.detail), f"请求出错（HTTP {status}）：{exc.detail}"))
    return code, en if lang == "en" else zh


def allowed_methods(request: Request) -> str:
    """Every method some route of the app answers on this path (GET and POST /api/search are two routes)."""
    from starlette.routing import Match

    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    def _api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.text(lang_of(request)))

    @app.exception_handler(FanwenError)
    def _library_error(request: Request, exc: FanwenError):
        status, code = next((pair for kind, pair in STATUS.items() if isinstance(exc, kind)), (400, "failed"))
        return error_response(status, code, exc.text(lang_of(request)))

    @app.exception_handler(RequestValidationError)
    def _validation_error(request: Request, exc: RequestValidationError):
        return error_response(422, "invalid_parameter", validation_message(exc.errors(), lang_of(request)))

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 405:  # Starlette names only the first matching route's methods
            exc.headers = {**(exc.headers or {}), "Allow": allowed_methods(request)}
        code, message = http_message(request, exc, lang_of(request))
        response = error_response(exc.status_code, code, message)
        for name, value in (exc.headers or {}).items():  # keeps Allow on a 405
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        en = f"internal error: {type(exc).__name__}"
        zh = f"服务器内部错误（{type(exc).__name__}），请联系管理员查看服务日志"
        return error_response(500, "internal", en if lang_of(request) == "en" else zh)
