"""Errors of the web app: one typed error, answered as problem+json on the API and as an Arabic page elsewhere."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from akhbar.errors import AkhbarError

log = logging.getLogger("akhbar.web")

ERROR_TITLES = {
    400: "طلب غير صالح",
    401: "مطلوب تسجيل الدخول",
    403: "غير مسموح",
    404: "الصفحة غير موجودة",
    405: "طريقة غير مسموحة",
    413: "الطلب كبير جداً",
    422: "طلب غير صالح",
    500: "خطأ في الخادم",
    503: "الخدمة غير متاحة",
}

HTML_DETAILS = {
    404: "لم نجد ما تبحث عنه. ربما حُذف أو تغيّر عنوانه.",
    405: "هذه الطريقة غير مسموحة لهذا العنوان.",
    500: "حدث خطأ غير متوقع. سجّلنا المشكلة، يرجى المحاولة بعد قليل.",
}


class BadCursorError(AkhbarError):
    """A pagination cursor that this server did not hand out (or that is out of range): a 400."""


class ApiError(Exception):
    """An error answered as problem+json on the API and as an Arabic page on the site."""

    def __init__(
        self, status: int, detail: str, title: str | None = None, headers: dict[str, str] | None = None
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or ERROR_TITLES.get(status, "خطأ")
        self.headers = headers or {}


def is_api_path(path: str) -> bool:
    """True for the API's paths (errors as problem+json)."""
    return path.startswith("/api/") or path == "/openapi.json"


def wants_problem(request: Request) -> bool:
    """True when the request is for the API (errors as problem+json)."""
    return is_api_path(request.url.path)


def problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def error_page(
    request: Request, status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    """An Arabic error page (or problem+json on the API)."""
    if wants_problem(request):
        return problem(status, title, detail, headers)
    templates: Jinja2Templates = request.app.state.templates
    try:
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "title": title, "detail": detail},
            status_code=status,
            headers=headers,
        )
    except Exception:  # the error page itself must never fail
        log.exception("error page failed")
        return Response(f"{status} {title}", status_code=status, media_type="text/plain; charset=utf-8")


def install_error_handlers(app: FastAPI) -> None:
    """Typed errors to problem+json on the API and Arabic pages elsewhere; never a stack trace."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return error_page(request, exc.status, exc.title, exc.detail, exc.headers)

    @app.exception_handler(BadCursorError)
    async def bad_cursor(request: Request, exc: BadCursorError) -> Response:
        return error_page(
            request,
            400,
            ERROR_TITLES[400],
            f"invalid cursor: {exc}" if wants_problem(request) else "رابط الصفحات غير صالح.",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = ERROR_TITLES.get(exc.status_code, "خطأ")
        detail = str(exc.detail) if wants_problem(request) else HTML_DETAILS.get(exc.status_code, title)
        return error_page(request, exc.status_code, title, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body"))
            parts.append(f"{where}: {error.get('msg', 'invalid')}")
        detail = (
            "; ".join(parts) if wants_problem(request) else "بعض قيم الطلب غير صالحة (مثلاً نص بحث طويل جداً)."
        )
        return error_page(request, 422 if wants_problem(request) else 400, ERROR_TITLES[400], detail)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        detail = "internal error" if wants_problem(request) else HTML_DETAILS[500]
        return error_page(request, 500, ERROR_TITLES[500], detail)
