"""The web application: HTML pages, the JSON API, Atom feeds, docs, health and metrics over one store."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from akhbar.config import Settings, load_settings
from akhbar.errors import ConfigError
from akhbar.store import Store, open_store
from akhbar.views import source_names, sources_view
from akhbar.web.errors import install_error_handlers
from akhbar.web.formatting import (
    arabic_date,
    category_menu,
    category_name,
    http_url,
    paragraphs,
    plural_articles,
    plural_outlets,
    safe_snippet,
    short_date,
)
from akhbar.web.guard import WriteGuardMiddleware
from akhbar.web.metrics import Metrics
from akhbar.web.microcache import AnswerCache, MicroCacheMiddleware
from akhbar.web.middleware import HeadMiddleware, ObservedMiddleware
from akhbar.web.routes import api, docs, feeds, ops, pages

HERE = Path(__file__).parent
NAMES_TTL = 30.0
WORKER_THREADS = 4


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

    def forget(self) -> None:
        """Read names and outlets again on next use (after a write)."""
        self.loaded_at = float("-inf")
        self.outlets_at = float("-inf")


def make_templates() -> Jinja2Templates:
    """The page templates with the display filters."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters.update(
        arabic_date=arabic_date,
        short_date=short_date,
        category_name=category_name,
        paragraphs=paragraphs,
        snippet=safe_snippet,
        outlets=plural_outlets,
        articles=plural_articles,
        http_url=http_url,
    )
    env.globals["categories"] = category_menu()
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates


def limit_worker_threads(threads: int = WORKER_THREADS) -> None:
    """Run page handlers in a few threads: the work is CPU-bound, and 40 threads starve the event loop."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


def site_base_url(settings: Settings) -> str:
    """The site's public URL for absolute links (AKHBAR_BASE_URL, else the served host and port), no final slash."""
    base = (settings.base_url or f"http://{settings.host}:{settings.port}").strip().rstrip("/")
    if not base.lower().startswith(("http://", "https://")):
        raise ConfigError(f"setting base_url: {base!r} is not an http(s) URL")
    return base


def create_app(
    store_or_url: Store | str, settings: Settings | None = None, cache_seconds: float = 10.0
) -> FastAPI:
    """The whole web application over a store (or a store URL, opened here and closed on shutdown).

    `cache_seconds`: how long a GET answer is reused for identical requests (0 turns micro-caching off).
    """
    settings = settings or load_settings()
    base_url = site_base_url(settings)
    owns_store = isinstance(store_or_url, str)
    store = open_store(store_or_url, read_only=None) if isinstance(store_or_url, str) else store_or_url
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
    app.state.base_url = base_url
    app.state.answers = AnswerCache(
        ttl=cache_seconds, max_entries=settings.web_cache_entries, max_bytes=settings.web_cache_bytes
    )
    # outermost last: metrics and headers, HEAD as GET, the write guard, then the answer cache
    app.add_middleware(MicroCacheMiddleware, cache=app.state.answers)
    app.add_middleware(WriteGuardMiddleware, cache=app.state.answers, max_body=settings.max_request_bytes)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(ObservedMiddleware, metrics=app.state.metrics)
    install_error_handlers(app)
    docs.mount_assets(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (ops, api, feeds, docs, pages):
        app.include_router(module.router)
    app.router.add_event_handler("startup", limit_worker_threads)
    if owns_store:
        app.router.add_event_handler("shutdown", store.close)
    return app
