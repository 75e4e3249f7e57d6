"""Crawl jobs: a `poll` job crawls one source exactly as `akhbar crawl` does, handing its articles to the lane.

The crawler (`akhbar.fetch.crawler.Crawler`) does the work: robots.txt, per-host politeness, conditional
GETs with the source's saved validators, sitemap indexes, charset detection, byte caps, retries, the
partial stand-in and its later retries, the adaptive polling interval. The only difference from
`akhbar crawl` is where articles go: instead of the pipeline, a `LaneSink` enqueues each one as an
`ingest` job (key `ingest:URL:CONTENT-HASH`), in the same transaction as the fetch log of the batch;
the relate lane writes, enriches and relates them.

The unit of work is a source, not a page: one `poll:SOURCE` job is in flight at a time, so a site's
politeness limits (connections, crawl delay) hold across any number of workers, and its crawl state
(validators, retries, aliases, next poll time) has a single writer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from akhbar.config import Settings
from akhbar.fetch.crawler import Crawler, CrawlSummary
from akhbar.models import Article, ImportCounts
from akhbar.queue.jobs import Job, JobQueue
from akhbar.queue.payloads import article_payload
from akhbar.store import Store


def ingest_key(article: Article) -> str:
    """The idempotency key of an article's ingest job: a changed article is a new job, a re-seen one is not."""
    return f"ingest:{article.url}:{article.content_hash}"


class LaneSink:
    """Stands in for the crawler's pipeline: articles become ingest jobs for the relate lane."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue

    def ingest(self, articles: Sequence[Article]) -> ImportCounts:
        """Enqueue the articles (inside the crawler's batch transaction); every one counts as handed over."""
        self.queue.enqueue_many(
            "ingest", [(ingest_key(a), {"article": article_payload(a)}) for a in articles]
        )
        return ImportCounts(imported=len(articles))

    def finish(self) -> None:
        """Nothing is kept in memory here: the relate lane's pipeline saves its own state."""


def lane_crawler(store: Store, queue: JobQueue, settings: Settings, stop: asyncio.Event) -> Crawler:
    """A crawler whose articles go to the relate lane (create it inside the event loop that runs it)."""
    return Crawler(store, settings, pipeline=LaneSink(queue), stop=stop)  # type: ignore[arg-type]  # a LaneSink stands in for the Pipeline


async def poll_source(crawler: Crawler, job: Job) -> CrawlSummary | None:
    """Crawl one source (its feeds, sitemaps and new pages); None when it is gone or disabled."""
    source = await asyncio.to_thread(crawler.store.get_source, job.payload["source"])
    if source is None or not source.enabled:
        return None
    return await crawler.run_pass([source], force=True)
