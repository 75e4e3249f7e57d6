"""The web application: HTML pages, the JSON API, Atom feeds, docs, health and metrics over one store."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from akhbar.config import Settings, load_settings
from akhbar.store import Store, open_store
from akhbar.views import source_names, sources_view
from akhbar.web import formatting
from akhbar.web.cursor import BadCursorError
from akhbar.web.metrics import Metrics
from akhbar.web.microcache import AnswerCache, MicroCacheMiddleware

log = logging.getLogger("akhbar.web")

HERE = Path(__file__).parent
NAMES_TTL = 30.0
WORKER_THREADS = 4

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI sets inline style attributes: the docs page alone allows them (scripts stay 'self' only).
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

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


@dataclass
class SourceNames:
    """Outlet display names by id, re-read from the store every NAMES_TTL seconds."""

    store: Store
    names: dict[str, str] = field(default_factory=dict)
    loaded_at: float = float("-inf")
    outlet_rows: list[dict] = field(default_factory=list)
    outlets_at: float = float("-inf")

    def get(self) -> dict[str, str]:
        """The current names."""
        if time.monotonic() - self.loaded_at > NAMES_TTL:
            self.names = source_names(self.store)
            self.loaded_at = time.monotonic()
        return self.names

    def outlets(self) -> list[dict]:
        """Every outlet with its article count (as on the sources page), for filters."""
        if time.monotonic() - self.outlets_at > NAMES_TTL:
            self.outlet_rows = sources_view(self.store)
            self.outlets_at = time.monotonic()
        return self.outlet_rows

    def name(self, source_id: str) -> str:
        """One outlet's display name (its id when not registered)."""
        return self.get().get(source_id, source_id)


class ApiError(Exception):
    """An error answered as problem+json on the API and as an Arabic page on the site."""

    def __init__(self, status: int, detail: str, title: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or ERROR_TITLES.get(status, "خطأ")
        self.headers = headers or {}


class ObservedMiddleware:
    """Security headers on every answer, and request counts and latencies per route for /metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap one HTTP request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                policy = DOCS_CSP if path == "/docs" else CSP
                headers += [
                    (b"content-security-policy", policy.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            template = (getattr(route, "path", None) or scope.get("akhbar.route")
                        or ("/static" if path.startswith("/static/") else "other"))
            self.metrics.record(scope.get("method", "GET"), template, status, time.perf_counter() - started)


def wants_problem(request: Request) -> bool:
    """True when the request is for the API (errors as problem+json)."""
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def error_page(request: Request, status: int, title: str, detail: str,
               headers: dict[str, str] | None = None) -> Response:
    """An Arabic error page (or problem+json on the API)."""
    if wants_problem(request):
        return problem(status, title, detail, headers)
    templates: Jinja2Templates = request.app.state.templates
    try:
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "title": title, "detail": detail},
            status_code=status, headers=headers,
        )
    except Exception:  # the error page itself must never fail
        log.exception("error page failed")
        return Response(f"{status} {title}", status_code=status, media_type="text/plain; charset=utf-8")


HTML_DETAILS = {
    404: "لم نجد ما تبحث عنه. ربما حُذف أو تغيّر عنوانه.",
    405: "هذه الطريقة غير مسموحة لهذا العنوان.",
    500: "حدث خطأ غير متوقع. سجّلنا المشكلة، يرجى المحاولة بعد قليل.",
}


def install_error_handlers(app: FastAPI) -> None:
    """Typed errors to problem+json on the API and Arabic pages elsewhere; never a stack trace."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return error_page(request, exc.status, exc.title, exc.detail, exc.headers)

    @app.exception_handler(BadCursorError)
    async def bad_cursor(request: Request, exc: BadCursorError) -> Response:
        return error_page(request, 400, ERROR_TITLES[400], f"invalid cursor: {exc}" if wants_problem(request)
                          else "رابط الصفحات غير صالح.")

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
        detail = "; ".join(parts) if wants_problem(request) else "بعض قيم الطلب غير صالحة (مثلاً نص بحث طويل جداً)."
        return error_page(request, 422 if wants_problem(request) else 400, ERROR_TITLES[400], detail)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        detail = "internal error" if wants_problem(request) else HTML_DETAILS[500]
        return error_page(request, 500, ERROR_TITLES[500], detail)


def make_templates() -> Jinja2Templates:
    """The page templates with the display filters."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters.update(
        arabic_date=formatting.arabic_date,
        short_date=formatting.short_date,
        category_name=formatting.category_name,
        paragraphs=formatting.paragraphs,
        snippet=formatting.safe_snippet,
        outlets=formatting.plural_outlets,
        articles=formatting.plural_articles,
        http_url=formatting.http_url,
    )
    env.globals["categories"] = formatting.category_menu()
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates


def limit_worker_threads(threads: int = WORKER_THREADS) -> None:
    """Run page handlers in a few threads: the work is CPU-bound, and 40 threads starve the event loop."""
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


def create_app(store_or_url: Store | str, settings: Settings | None = None, cache_seconds: float = 10.0) -> FastAPI:
    """The whole web application over a store (or a store URL, opened here and closed on shutdown).

    `cache_seconds`: how long a GET answer is reused for identical requests (0 turns micro-caching off).
    """
    from akhbar.web import api, docs, feed_routes, ops, pages

    settings = settings or load_settings()
    owns_store = isinstance(store_or_url, str)
    store = open_store(store_or_url) if isinstance(store_or_url, str) else store_or_url
    app = FastAPI(
        title="Akhbar API",
        version="1",
        description="Arabic news: articles, stories, tags, sources and search. Errors are application/problem+json.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = store
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.templates = make_templates()
    app.state.names = SourceNames(store)
    app.state.answers = AnswerCache(ttl=cache_seconds)
    app.add_middleware(MicroCacheMiddleware, cache=app.state.answers)
    app.add_middleware(ObservedMiddleware, metrics=app.state.metrics)
    install_error_handlers(app)
    docs.mount_assets(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (ops, api, feed_routes, docs, pages):
        app.include_router(module.router)
    app.router.add_event_handler("startup", limit_worker_threads)
    if owns_store:
        app.router.add_event_handler("shutdown", store.close)
    return app
