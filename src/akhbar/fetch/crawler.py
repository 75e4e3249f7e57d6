"""The crawler: passes over due sources (feeds and sitemaps -> new article URLs -> pages -> store).

One pass polls every due source's feeds and sitemaps (conditional GETs), fetches the pages of articles
not yet stored, extracts them, and hands them to the pipeline in batches (one transaction each, with
the fetch log of the batch). A page that cannot be had is stored from its feed entry, marked partial,
and retried later with a growing delay. Each source's crawl state (validators, publishing rate, next
poll, pending retries) is saved after its articles are stored, so an interrupted pass loses nothing
and a re-run duplicates nothing.

Public API: `crawl_pass(store, settings, sources=None)`, `crawl_forever(store, settings, stop)`, and
the `Crawler` they run on; the unit jobs `poll_feed` and `fetch_article` live in `akhbar.fetch.feeds`.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import random
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from akhbar.config import Settings
from akhbar.errors import AkhbarError, ExtractError, FetchError, RobotsDisallowedError
from akhbar.extract.article import partial_article
from akhbar.extract.feeds import FeedEntry
from akhbar.fetch.client import Fetcher
from akhbar.fetch.feeds import FeedPoll, fetch_article, poll_feed
from akhbar.fetch.polling import PollPolicy, next_interval, observe_rate
from akhbar.models import Article, FetchResult, ImportCounts, Source
from akhbar.pipeline import Pipeline
from akhbar.sources import registry as source_registry  # a module: akhbar.sources imports this package back
from akhbar.store import Store

MAX_CHILD_SITEMAPS = 50
MAX_RETRY_ATTEMPTS = 8
MAX_RETRY_DELAY = 24 * 3600.0
MAX_ALIASES = 5000
WRITE_BATCH = 100
STOP_GRACE = 10.0
MAX_ERRORS_KEPT = 20


@dataclass
class CrawlSummary:
    """What a pass (or one source of it) did."""

    sources: int = 0
    documents: int = 0
    not_modified: int = 0
    entries: int = 0
    new: int = 0
    fetched: int = 0
    partial: int = 0
    failed: int = 0
    disallowed: int = 0
    counts: ImportCounts = field(default_factory=ImportCounts)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    interrupted: bool = False

    def add(self, other: CrawlSummary) -> None:
        """Add another summary's numbers to this one."""
        for name in ("sources", "documents", "not_modified", "entries", "new", "fetched", "partial", "failed",
                     "disallowed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.counts.add(other.counts)
        self.errors = (self.errors + other.errors)[:MAX_ERRORS_KEPT]
        self.interrupted = self.interrupted or other.interrupted

    def error(self, message: str) -> None:
        """Keep an error message (the first few of a pass)."""
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)

    def line(self) -> str:
        """A one-line summary for the terminal."""
        c = self.counts
        return (f"{self.sources} sources, {self.documents} feeds/sitemaps ({self.not_modified} not modified), "
                f"{self.new} new URLs, {self.fetched} pages, {self.partial} partial, {self.failed} failed, "
                f"{self.disallowed} disallowed; stored {c.imported} new, {c.updated} updated, "
                f"{c.unchanged} unchanged in {self.elapsed:.1f} s" + (" (interrupted)" if self.interrupted else ""))

    def as_dict(self) -> dict:
        """The summary as JSON-ready data."""
        data = asdict(self)
        data["counts"] = asdict(self.counts)
        return data


def entry_to_dict(entry: FeedEntry) -> dict:
    """A feed entry as JSON-ready data (for the retry list in the source state)."""
    data = asdict(entry)
    data["published"] = entry.published.isoformat() if entry.published else None
    return data


def entry_from_dict(data: dict) -> FeedEntry:
    """The inverse of entry_to_dict."""
    data = dict(data)
    published = data.get("published")
    data["published"] = datetime.fromisoformat(published) if published else None
    return FeedEntry(**data)


def merge_entries(entries: Iterable[FeedEntry]) -> dict[str, FeedEntry]:
    """Entries by URL; an entry seen twice (feed and sitemap) keeps the richest fields of both."""
    merged: dict[str, FeedEntry] = {}
    for entry in entries:
        known = merged.get(entry.url)
        if known is None:
            merged[entry.url] = entry
            continue
        for name in ("title", "summary", "published", "author", "category", "image"):
            if not getattr(known, name) and getattr(entry, name):
                setattr(known, name, getattr(entry, name))
    return merged


def is_due(state: dict, now: datetime) -> bool:
    """True when a source should be polled (never polled, or its next poll time has come)."""
    due = state.get("next_poll_at")
    if not due:
        return True
    try:
        when = datetime.fromisoformat(str(due).replace("Z", "+00:00"))
    except ValueError:
        return True
    return when <= now


class Crawler:
    """Crawls sources into a store; one instance keeps its connections and robots cache across passes."""

    def __init__(self, store: Store, settings: Settings, *, pipeline: Pipeline | None = None,
                 stop: asyncio.Event | None = None, on_source: Callable[[Source, CrawlSummary], None] | None = None,
                 seed: int | None = None) -> None:
        self.store = store
        self.settings = settings
        self._pipeline = pipeline
        self._pipeline_lock = threading.Lock()
        self.stop = stop or asyncio.Event()
        self.on_source = on_source
        self.rng = random.Random(seed)
        self.policy = PollPolicy(settings.poll_min, settings.poll_max)
        self._log: list[FetchResult] = []
        self.fetcher = Fetcher(settings, on_result=self._log.append, seed=seed)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="akhbar-store")

    async def __aenter__(self) -> Crawler:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Flush the fetch log, close connections and the store writer thread."""
        await self._db(self._flush_log)
        await self.fetcher.aclose()
        self._writer.shutdown(wait=True)

    # -- store access (one writer thread, so the event loop never waits on SQLite) -------------------

    async def _db(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a store call on the writer thread."""
        return await asyncio.get_running_loop().run_in_executor(self._writer, fn, *args)

    def _flush_log(self) -> None:
        """Write buffered fetch outcomes to the fetch log."""
        if not self._log:
            return
        results, self._log[:] = list(self._log), []
        with self.store.transaction():
            for result in results:
                self.store.log_fetch(result)

    @property
    def pipeline(self) -> Pipeline:
        """The pipeline articles are stored through (the default one, built on first use)."""
        with self._pipeline_lock:
            if self._pipeline is None:
                self._pipeline = Pipeline.default(self.store)
        return self._pipeline

    def _write(self, articles: list[Article], summary: CrawlSummary) -> None:
        """Store a batch through the pipeline, with the fetch log so far, in one transaction; count it."""
        with self.store.transaction():
            self._flush_log()
            counts = self.pipeline.ingest(articles)
        summary.counts.add(counts)

    def _unknown(self, urls: list[str], aliases: dict[str, str]) -> list[str]:
        """The URLs not stored yet (directly or under the canonical URL they led to)."""
        return [u for u in urls if self.store.article_id_for_url(aliases.get(u, u)) is None]

    # -- passes --------------------------------------------------------------------------------------

    async def run_pass(self, sources: list[Source] | None = None, force: bool = False) -> CrawlSummary:
        """One pass over the due sources (all given sources when `force`)."""
        started = time.monotonic()
        now = datetime.now(UTC)
        warm_up = asyncio.ensure_future(asyncio.to_thread(lambda: self.pipeline))  # stages load meanwhile
        candidates = sources if sources is not None else await self._db(self.store.list_sources)
        states = {s.id: await self._db(self.store.source_state, s.id) for s in candidates}
        due = [s for s in candidates if s.enabled and (force or is_due(states[s.id], now))]
        summary = CrawlSummary()
        limit = asyncio.Semaphore(max(1, self.settings.global_concurrency))

        async def one(source: Source) -> None:
            async with limit:
                if self.stop.is_set():
                    return
                result = await self.crawl_source(source, states[source.id])
                summary.add(result)
                if self.on_source is not None:
                    self.on_source(source, result)

        await asyncio.gather(*(one(s) for s in due))
        await warm_up
        await self._db(self._flush_log)
        await self._db(self.pipeline.finish)
        summary.elapsed = time.monotonic() - started
        summary.interrupted = summary.interrupted or self.stop.is_set()
        return summary

    async def crawl_source(self, source: Source, state: dict) -> CrawlSummary:
        """Poll one source's feeds and sitemaps, fetch its new articles, store them, save its state."""
        summary = CrawlSummary(sources=1)
        started_wall = time.time()
        state = copy.deepcopy(state)
        state.pop("next_poll_at", None)
        validators_before = copy.deepcopy(state.get("feeds", {}))
        feeds_state: dict = state.setdefault("feeds", {})
        aliases: dict[str, str] = state.setdefault("aliases", {})
        retries: dict[str, dict] = state.setdefault("retry", {})
        polls, ok = await self._poll_all(source, feeds_state, summary)
        entries = merge_entries(e for p in polls for e in p.entries)
        summary.entries = len(entries)
        unknown = await self._db(self._unknown, list(entries), aliases)
        now = time.time()
        todo: dict[str, tuple[FeedEntry, dict | None]] = {u: (entries[u], None) for u in unknown}
        for url, item in list(retries.items()):
            if item.get("next_at", 0) <= now and url not in todo:
                todo[url] = (entries.get(url) or entry_from_dict(item["entry"]), item)
        summary.new = len([u for u in todo if u not in retries])
        await self._fetch_all(source, todo, aliases, retries, summary)
        if summary.interrupted:  # entries left unfetched must be seen again: no 304 for these feeds next time
            state["feeds"] = validators_before
        new_items = summary.counts.imported
        last = state.get("last_poll")
        state["rate"] = observe_rate(state.get("rate"), new_items, now - last) if last else None
        interval = next_interval(state.get("rate"), state.get("interval"), new_items, self.policy,
                                 source.poll_interval, self.rng)
        if not ok:
            interval = self.policy.minimum
        state["interval"], state["last_poll"] = interval, started_wall
        next_at = time.time() + interval
        if retries:
            next_at = min(next_at, min(item["next_at"] for item in retries.values()))
        while len(aliases) > MAX_ALIASES:
            aliases.pop(next(iter(aliases)))
        await self._db(self.store.save_source_state, source.id, state,
                       datetime.fromtimestamp(max(next_at, time.time()), UTC))
        return summary

    async def _poll_all(self, source: Source, feeds_state: dict, summary: CrawlSummary) -> tuple[list[FeedPoll], bool]:
        """Poll every feed and sitemap of a source (and the new or changed children of sitemap indexes)."""
        polls: list[FeedPoll] = []
        ok = True
        repaired: set[str] = set()
        queue: list[tuple[str, dict, str | None]] = [(url, feeds_state, None) for url in [*source.feeds, *source.sitemaps]]
        while queue:
            url, holder, stamp = queue.pop(0)
            known = holder.setdefault(url, {})
            try:
                poll = await poll_feed(self.fetcher, url, source=source.id, etag=known.get("etag"),
                                       last_modified=known.get("last_modified"))
            except (FetchError, ExtractError) as exc:
                summary.error(f"{source.id}: {exc}")
                ok = False
                if holder is feeds_state and url not in repaired and source_registry.feed_gone(exc):
                    found = await self._feed_failed(source, url, str(exc))
                    repaired.update(found)
                    queue += [(u, feeds_state, None) for u in found]
                continue
            summary.documents += 1
            summary.not_modified += poll.not_modified
            if not poll.complete:
                known.pop("etag", None)
                known.pop("last_modified", None)
                ok = False
                summary.error(f"{source.id}: {url}: broken document ({poll.error})")
            elif not poll.not_modified:
                known["etag"], known["last_modified"], known["lastmod"] = poll.etag, poll.last_modified, stamp
            polls.append(poll)
            children = known.setdefault("children", {})
            newest = sorted(poll.children, key=lambda c: c.lastmod.timestamp() if c.lastmod else 0.0, reverse=True)
            picked = 0
            for child in newest:
                child_stamp = child.lastmod.isoformat() if child.lastmod else None
                if child_stamp is not None and children.get(child.url, {}).get("lastmod") == child_stamp:
                    continue
                if picked < MAX_CHILD_SITEMAPS:
                    picked += 1
                    queue.append((child.url, children, child_stamp))
        return polls, ok

    async def _feed_failed(self, source: Source, url: str, reason: str) -> list[str]:
        """A feed or sitemap that stopped working: rediscover the source's documents, save them, return the new ones."""
        repair = await source_registry.rediscover_feeds(self.fetcher, source, url, reason)
        self._log.append(FetchResult(url, None, 0.0, 0, source.id, repair.note(), fetched_at=datetime.now(UTC)))
        if not repair.found:
            return []
        repair.apply(source)
        await self._db(self.store.upsert_source, source)
        return [*repair.feeds, *repair.sitemaps]

    async def _fetch_all(self, source: Source, todo: dict[str, tuple[FeedEntry, dict | None]],
                         aliases: dict[str, str], retries: dict[str, dict], summary: CrawlSummary) -> None:
        """Fetch and extract the articles in `todo` with a few workers, storing them in batches."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        for url in todo:
            queue.put_nowait(url)
        batch: list[Article] = []
        workers_count = max(1, min(len(todo), self.settings.per_host_concurrency * 2 + 2,
                                   self.settings.global_concurrency))

        async def flush() -> None:
            if batch:
                chunk, batch[:] = list(batch), []
                await self._db(self._write, chunk, summary)

        async def worker() -> None:
            while not self.stop.is_set():
                try:
                    url = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                entry, retry = todo[url]
                article = await self._article(source, url, entry, retry, aliases, retries, summary)
                if article is not None:
                    batch.append(article)
                    if len(batch) >= WRITE_BATCH:
                        await flush()

        tasks = [asyncio.create_task(worker()) for _ in range(workers_count)]
        stopper = asyncio.create_task(self._cancel_after_stop(tasks))
        try:
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            stopper.cancel()
        if self.stop.is_set() and not queue.empty() or any(t.cancelled() for t in tasks):
            summary.interrupted = True
        await flush()

    async def _cancel_after_stop(self, tasks: list[asyncio.Task]) -> None:
        """When asked to stop, give in-flight fetches a grace period, then cancel them (nothing half-stored)."""
        await self.stop.wait()
        await asyncio.sleep(STOP_GRACE)
        for task in tasks:
            task.cancel()

    async def _article(self, source: Source, url: str, entry: FeedEntry, retry: dict | None,
                       aliases: dict[str, str], retries: dict[str, dict], summary: CrawlSummary) -> Article | None:
        """Fetch and extract one article; on failure its partial stand-in (once) and a retry entry."""
        try:
            article = await fetch_article(self.fetcher, url, source.id, entry)
        except RobotsDisallowedError:
            summary.disallowed += 1
            retries.pop(url, None)
            return None if retry else partial_article(entry, source.id)
        except (FetchError, ExtractError) as exc:
            summary.error(f"{source.id}: {exc}")
            attempts = (retry or {}).get("attempts", 0) + 1
            if attempts > MAX_RETRY_ATTEMPTS:
                retries.pop(url, None)
                summary.failed += 1
                return None
            already = bool(retry and retry.get("stored"))
            stand_in = None if already else partial_article(entry, source.id)
            delay = min(MAX_RETRY_DELAY, self.settings.partial_retry_base * 2 ** (attempts - 1))
            retries[url] = {"entry": entry_to_dict(entry), "attempts": attempts, "next_at": time.time() + delay,
                            "stored": already or stand_in is not None}
            if stand_in is not None:
                summary.partial += 1
            elif not already:
                summary.failed += 1
            return stand_in
        except AkhbarError as exc:  # unsafe URL and the like: never retried
            summary.error(f"{source.id}: {exc}")
            summary.failed += 1
            retries.pop(url, None)
            return None
        summary.fetched += 1
        if retry and retry.get("stored"):
            article.url = url  # the stand-in's identity: one article stays one article
        elif article.url != url:
            aliases[url] = article.url
        retries.pop(url, None)
        return article


async def crawl_pass(store: Store, settings: Settings, sources: list[Source] | None = None, *,
                     force: bool = False, stop: asyncio.Event | None = None,
                     on_source: Callable[[Source, CrawlSummary], None] | None = None) -> CrawlSummary:
    """One pass over the due sources (or the given ones when `force`)."""
    async with Crawler(store, settings, stop=stop, on_source=on_source) as crawler:
        return await crawler.run_pass(sources, force=force)


async def crawl_forever(store: Store, settings: Settings, stop: asyncio.Event,
                        on_pass: Callable[[CrawlSummary], None] | None = None,
                        on_source: Callable[[Source, CrawlSummary], None] | None = None,
                        idle: float = 5.0) -> None:
    """Pass after pass until `stop` is set; in-flight work finishes (or is cancelled unstored) on stop."""
    async with Crawler(store, settings, stop=stop, on_source=on_source) as crawler:
        while not stop.is_set():
            summary = await crawler.run_pass()
            if on_pass is not None and (summary.sources or summary.errors):
                on_pass(summary)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=idle)
