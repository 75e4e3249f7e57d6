"""Crawl jobs: poll a source's feeds and news sitemaps, fetch and extract one article page.

`poll` enqueues one `fetch` job per article URL (key `fetch:URL`, so a URL is fetched once however
often it is seen); `fetch` turns the page into an Article (the feed's summary stands in, marked
partial, when the page cannot be had) and enqueues it for the relate lane as an `ingest` job.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from akhbar.config import Settings
from akhbar.errors import ExtractError, FetchError
from akhbar.extract.article import extract_article, partial_article
from akhbar.extract.feeds import FeedEntry, parse_feed
from akhbar.extract.sitemaps import is_sitemap, parse_sitemap
from akhbar.fetch.charset import decode_body
from akhbar.models import FetchResult
from akhbar.queue.jobs import Job, JobQueue
from akhbar.queue.payloads import article_payload, entry_from_payload, entry_payload

MAX_CHILD_SITEMAPS = 200


@dataclass
class CrawlContext:
    """What crawl handlers work with: the store, the queue, an HTTP client and the settings."""

    store: object
    queue: JobQueue
    client: httpx.Client
    settings: Settings


def http_client(settings: Settings) -> httpx.Client:
    """An HTTP client with Akhbar's user agent, timeouts and redirect limit."""
    return httpx.Client(headers={"User-Agent": settings.user_agent}, timeout=settings.timeout,
                        follow_redirects=True, max_redirects=5)


def get(ctx: CrawlContext, url: str, source: str | None) -> httpx.Response | None:
    """GET a URL, logging the outcome; None on a network error or a non-2xx answer."""
    started = time.perf_counter()
    try:
        response = ctx.client.get(url)
    except httpx.HTTPError as exc:
        ctx.store.log_fetch(FetchResult(url, None, time.perf_counter() - started, 0, source=source,
                                        error=f"{type(exc).__name__}: {exc}"))
        return None
    if len(response.content) > ctx.settings.max_body_bytes:
        raise FetchError(f"{url}: body over {ctx.settings.max_body_bytes} bytes")
    ok = 200 <= response.status_code < 300
    ctx.store.log_fetch(FetchResult(url, response.status_code, time.perf_counter() - started, len(response.content),
                                    source=source, error=None if ok else f"HTTP {response.status_code}"))
    return response if ok else None


def sitemap_entries(ctx: CrawlContext, url: str, source: str) -> list[FeedEntry]:
    """The entries of a news sitemap, following an index's children."""
    response = get(ctx, url, source)
    if response is None or not is_sitemap(response.content):
        return []
    parsed = parse_sitemap(response.content, base=url)
    entries = list(parsed.entries)
    for child in parsed.children[:MAX_CHILD_SITEMAPS]:
        entries += sitemap_entries(ctx, child.url, source)
    return entries


def poll_source(ctx: CrawlContext, job: Job) -> None:
    """Read a source's feeds and sitemaps; enqueue a fetch job for every article URL."""
    source = ctx.store.get_source(job.payload["source"])
    if source is None or not source.enabled:
        return
    entries: list[FeedEntry] = []
    for url in source.feeds:
        response = get(ctx, url, source.id)
        if response is not None:
            entries += parse_feed(response.content, base=url).entries
    for url in source.sitemaps:
        entries += sitemap_entries(ctx, url, source.id)
    unique = {entry.url: entry for entry in entries if entry.url}
    ctx.queue.enqueue_many("fetch", [(f"fetch:{url}", {"source": source.id, "entry": entry_payload(entry)})
                                     for url, entry in unique.items()])
    state = ctx.store.source_state(source.id)
    state.pop("next_poll_at", None)  # kept in its own column
    state["last_poll"] = datetime.now(UTC).isoformat()
    ctx.store.save_source_state(source.id, state, datetime.now(UTC) + timedelta(seconds=source.poll_interval))


def fetch_article(ctx: CrawlContext, job: Job) -> None:
    """Fetch and extract one article page and hand the Article to the relate lane."""
    entry = entry_from_payload(job.payload["entry"])
    source = job.payload["source"]
    article = None
    response = get(ctx, entry.url, source)
    if response is not None:
        html, _ = decode_body(response.content, response.headers.get("content-type"))
        try:
            article = extract_article(html, str(response.url), source, entry)
        except ExtractError:
            article = None
    if article is None:
        article = partial_article(entry, source)
    if article is None:
        raise ExtractError(f"{entry.url}: neither the page nor the feed entry gives an article")
    ctx.queue.enqueue("ingest", f"ingest:{article.url}:{article.content_hash}", {"article": article_payload(article)})
