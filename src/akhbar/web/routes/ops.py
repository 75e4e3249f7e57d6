"""Operations: /healthz and Prometheus /metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from akhbar.store import Store
from akhbar.views import home_view

log = logging.getLogger("akhbar.web")
router = APIRouter(include_in_schema=False)

NO_STORE = {"Cache-Control": "no-store"}


def read_probe(store: Store) -> int:
    """Read what the home page reads (latest articles, top stories) and count the articles.

    A count alone can succeed on a damaged file (SQLite answers it from an intact index) while every
    page fails; the home page's reads touch the article rows and the stories.
    """
    home_view(store)
    return store.article_count()


@router.get("/healthz")
def healthz(request: Request) -> Response:
    """200 with the article count when the store can be read, 503 with a short reason otherwise."""
    try:
        count = read_probe(request.app.state.store)
    except Exception as exc:  # any failure to read means unhealthy; the details go to the log only
        log.warning("health check: the store cannot be read: %s: %s", type(exc).__name__, exc)
        return JSONResponse(
            {"status": "error", "detail": f"the store cannot be read ({type(exc).__name__})"},
            status_code=503,
            headers=NO_STORE,
        )
    return JSONResponse({"status": "ok", "articles": count}, headers=NO_STORE)


def store_gauges(request: Request) -> list[tuple[str, str, str, dict[str, object], float]]:
    """Articles in the store and each source's fetch outcomes from the fetch log."""
    store = request.app.state.store
    gauges: list[tuple[str, str, str, dict[str, object], float]] = [
        ("akhbar_articles", "gauge", "Articles in the store.", {}, float(store.article_count())),
    ]
    answers = request.app.state.answers
    gauges += [
        (
            "akhbar_web_cache_total",
            "counter",
            "Micro-cache lookups of GET answers, by result.",
            {"result": "hit"},
            float(answers.hits),
        ),
        (
            "akhbar_web_cache_total",
            "counter",
            "Micro-cache lookups of GET answers, by result.",
            {"result": "miss"},
            float(answers.misses),
        ),
    ]
    healths = [store.source_health(source.id) for source in store.list_sources()]
    for h in healths:
        gauges.append(
            (
                "akhbar_crawl_fetches_total",
                "counter",
                "Fetches recorded in the fetch log, by source and outcome.",
                {"source": h.source_id, "outcome": "ok"},
                float(h.fetches - h.errors),
            )
        )
        gauges.append(
            (
                "akhbar_crawl_fetches_total",
                "counter",
                "Fetches recorded in the fetch log, by source and outcome.",
                {"source": h.source_id, "outcome": "error"},
                float(h.errors),
            )
        )
    for h in healths:
        if h.last_success:
            gauges.append(
                (
                    "akhbar_crawl_last_success_timestamp_seconds",
                    "gauge",
                    "Time of the last successful fetch, by source.",
                    {"source": h.source_id},
                    h.last_success.timestamp(),
                )
            )
    return gauges


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Prometheus text exposition."""
    text = request.app.state.metrics.render(store_gauges(request))
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8", headers=NO_STORE)
