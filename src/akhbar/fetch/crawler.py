"""The crawler: passes over due sources (feeds and sitemaps -> new article URLs -> pages -> store).

One pass polls every due source's feeds and sitemaps (conditional GETs), fetches the pages of articles
not yet stored, extracts them, and hands them to the pipeline in batches (one transaction each, with
the fetch log of the batch). A page that cannot be had is stored from its feed entry, marked partial,
and retried later with a growing delay. Each source's crawl state (`akhbar.fetch.state.CrawlState`)
is saved after its articles are stored, so an interrupted pass loses nothing and a re-run duplicates
nothing.

Isolation: every source's poll, every document and every page runs inside a boundary that turns any
exception into a recorded outcome (a fetch-log row naming the document and the reason, which the
source's health shows), so one bad source or page never ends a pass; only a failing store does.
Bounds (settings, see docs/crawling.md): documents per source per pass, sitemap-index depth, new URLs
queued per pass (the rest stay for the next pass), pending retries, JSON nesting.

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
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from akhbar.config import Settings
from akhbar.errors import AkhbarError, ExtractError, FetchError, RobotsDisallowedError, StoreError
from akhbar.extract.article import partial_article
from akhbar.extract.feeds import FeedEntry
from akhbar.fetch.client import Fetcher
from akhbar.fetch.feeds import FeedPoll, fetch_article, poll_feed
from akhbar.fetch.polling import PollPolicy, next_interval, observe_rate
from akhbar.fetch.state import CrawlState, retry_due
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
#: Validators dropped from a document whose entries or children were left for the next pass (so it is
#: read in full again instead of answering 304).
VALIDATOR_KEYS = ("etag", "last_modified", "lastmod")

#: A document's ancestry: the state records of the feed or sitemap and of every index above it.
Chain = tuple[dict, ...]


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
    deferred: int = 0
    counts: ImportCounts = field(default_factory=ImportCounts)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    interrupted: bool = False

    def add(self, other: CrawlSummary) -> None:
        """Add another summary's numbers to this one."""
        for name in (
            "sources",
            "documents",
            "not_modified",
            "entries",
            "new",
            "fetched",
            "partial",
            "failed",
            "disallowed",
            "deferred",
        ):
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
        left = f", {self.deferred} left for the next pass" if self.deferred else ""
        return (
            f"{self.sources} sources, {self.documents} feeds/sitemaps ({self.not_modified} not modified), "
            f"{self.new} new URLs{left}, {self.fetched} pages, {self.partial} partial, {self.failed} failed, "
            f"{self.disallowed} disallowed; stored {c.imported} new, {c.updated} updated, "
            f"{c.unchanged} unchanged in {self.elapsed:.1f} s"
            + (" (interrupted)" if self.interrupted else "")
        )

    def as_dict(self) -> dict:
        """The summary as JSON-ready data."""
        data = asdict(self)
        data["counts"] = asdict(self.counts)
        return data


@dataclass
class Planned:
    """One article to fetch this pass: its feed entry and, when it is a retry, its retry record."""

    entry: FeedEntry
    retry: dict | None = None


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


def newest_first(entries: dict[str, FeedEntry], urls: list[str]) -> list[str]:
    """URLs ordered by their entry's publication time, newest first (undated ones last, in feed order)."""

    def key(url: str) -> float:
        published = entries[url].published
        return -published.timestamp() if published else float("inf")

    return sorted(urls, key=key)


def gather_entries(polls: list[tuple[FeedPoll, Chain]]) -> tuple[dict[str, FeedEntry], dict[str, Chain]]:
    """The entries of all polls merged by URL, and the document (ancestry) each URL was first seen in."""
    entries = merge_entries(e for poll, _ in polls for e in poll.entries)
    origin: dict[str, Chain] = {}
    for poll, chain in polls:
        for entry in poll.entries:
            origin.setdefault(entry.url, chain)
    return entries, origin


def forget_validators(chain: Chain) -> None:
    """Make a document and every index above it be read in full on the next poll (no 304, no skip)."""
    for known in chain:
        for key in VALIDATOR_KEYS:
            known.pop(key, None)


def reason_of(exc: BaseException) -> str:
    """An exception as a fetch-log reason: our own messages as they are, others with their type."""
    if isinstance(exc, AkhbarError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class Crawler:
    """Crawls sources into a store; one instance keeps its connections and robots cache across passes."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        pipeline: Pipeline | None = None,
        stop: asyncio.Event | None = None,
        on_source: Callable[[Source, CrawlSummary], None] | None = None,
        seed: int | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self._pipeline = pipeline
        self._pipeline_lock = threading.Lock()
        self.stop = stop or asyncio.Event()
        self.on_source = on_source
        self.rng = random.Random(seed)
        self.policy = PollPolicy(settings.poll_min, settings.poll_max)
        #: Every registered source, read at the start of a pass: an article belongs to the one whose home
        #: prefix is the longest its URL starts with, whichever source's feed listed it.
        self._owners = source_registry.Owners([])
        self._log: list[FetchResult] = []
        self._log_lock = threading.Lock()
        self._errored: set[str] = set()  # URLs whose fetch already left an error in the log this pass
        self.fetcher = Fetcher(settings, on_result=self._record, seed=seed)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="akhbar-store")

    async def __aenter__(self) -> Crawler:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Flush the fetch log, close connections and the store writer thread."""
        try:
            await self._db(self._flush_log)
        finally:
            await self.fetcher.aclose()
            self._writer.shutdown(wait=True)

    # -- the fetch log -------------------------------------------------------------------------------

    def _record(self, result: FetchResult) -> None:
        """Buffer one fetch outcome for the fetch log (written with the next batch)."""
        result.fetched_at = result.fetched_at or datetime.now(UTC)
        with self._log_lock:
            self._log.append(result)
            if result.error is not None or result.status is None or result.status >= 400:
                self._errored.add(result.url)

    def _note(self, url: str, source_id: str, reason: str) -> None:
        """Name a URL in the fetch log with a reason (a row without a fetch: no status, no bytes)."""
        self._record(FetchResult(url, None, 0.0, 0, source_id, reason, False))

    def _outcome(self, url: str, source_id: str, reason: str) -> None:
        """Name a failed document in the fetch log with its reason (once: not when its fetch already did)."""
        if url not in self._errored:
            self._note(url, source_id, reason)

    def _failure(self, source: Source, url: str, reason: str, summary: CrawlSummary) -> None:
        """A failure kept among the pass's errors and named in the fetch log (once per URL)."""
        summary.error(f"{source.id}: {reason}")
        self._outcome(url, source.id, reason)

    def _take_log(self) -> list[FetchResult]:
        """The buffered fetch outcomes, taken out of the buffer."""
        with self._log_lock:
            results, self._log[:] = list(self._log), []
        return results

    def _put_back(self, results: list[FetchResult]) -> None:
        """Return fetch outcomes to the buffer (their write was rolled back)."""
        with self._log_lock:
            self._log[:0] = results

    def _flush_log(self) -> None:
        """Write buffered fetch outcomes; StoreError when even that fails (the store itself is failing)."""
        results = self._take_log()
        if not results:
            return
        try:
            with self.store.transaction():
                for result in results:
                    self.store.log_fetch(result)
        except Exception as exc:
            self._put_back(results)
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot write the fetch log: {reason_of(exc)}") from exc

    # -- store access (one writer thread, so the event loop never waits on SQLite) -------------------

    async def _db(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a store call on the writer thread."""
        return await asyncio.get_running_loop().run_in_executor(self._writer, fn, *args)

    @property
    def pipeline(self) -> Pipeline:
        """The pipeline articles are stored through (the default one, built on first use)."""
        with self._pipeline_lock:
            if self._pipeline is None:
                self._pipeline = Pipeline.default(self.store)
        return self._pipeline

    def _write(self, articles: list[Article], summary: CrawlSummary) -> list[tuple[int, str]]:
        """Store a batch through the pipeline with the fetch log so far, in one transaction; count it.

        When the batch is refused for anything but a store failure, the log is written alone and the
        articles one by one; returns the (index, reason) of each article the store would not take.
        """
        results = self._take_log()
        for article in articles:
            owner = self._owners.of(article.url)
            if owner is not None:
                article.source = owner.id
        try:
            with self.store.transaction():
                for result in results:
                    self.store.log_fetch(result)
                counts = self.pipeline.ingest(articles)
        except StoreError:
            self._put_back(results)
            raise
        except Exception:
            self._put_back(results)
            self._flush_log()
            return self._write_each(articles, summary)
        summary.counts.add(counts)
        return []

    def _write_each(self, articles: list[Article], summary: CrawlSummary) -> list[tuple[int, str]]:
        """Store articles one transaction each; the (index, reason) of those refused."""
        refused = []
        for index, article in enumerate(articles):
            try:
                with self.store.transaction():
                    summary.counts.add(self.pipeline.ingest([article]))
            except StoreError:
                raise
            except Exception as exc:
                refused.append((index, reason_of(exc)))
        return refused

    def _unknown(self, urls: list[str], aliases: dict[str, str]) -> list[str]:
        """The URLs not stored yet (directly or under the canonical URL they led to)."""
        return [u for u in urls if self.store.article_id_for_url(aliases.get(u, u)) is None]

    # -- passes --------------------------------------------------------------------------------------

    async def run_pass(self, sources: list[Source] | None = None, force: bool = False) -> CrawlSummary:
        """One pass over the due sources (all given sources when `force`); only a store failure ends it early."""
        started = time.monotonic()
        now = datetime.now(UTC)
        with self._log_lock:
            self._errored.clear()
        warm_up = asyncio.ensure_future(asyncio.to_thread(lambda: self.pipeline))  # stages load meanwhile
        listed = await self._db(self.store.list_sources)
        self._owners = source_registry.Owners(listed)
        candidates = sources if sources is not None else listed
        states = {
            s.id: CrawlState.from_json(await self._db(self.store.source_state, s.id)) for s in candidates
        }
        due = [s for s in candidates if s.enabled and (force or states[s.id].is_due(now))]
        summary = CrawlSummary()
        limit = asyncio.Semaphore(max(1, self.settings.global_concurrency))

        async def one(source: Source) -> None:
            async with limit:
                if self.stop.is_set():
                    return
                result = await self._crawl_isolated(source, states[source.id])
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

    async def _crawl_isolated(self, source: Source, state: CrawlState) -> CrawlSummary:
        """crawl_source inside a boundary: any failure but the store's becomes the source's recorded error."""
        try:
            return await self.crawl_source(source, state)
        except StoreError:
            raise
        except Exception as exc:
            reason = f"crawl of source {source.id} failed: {reason_of(exc)}"
            failed = CrawlSummary(sources=1, errors=[reason])
            where = source.home or next(iter([*source.feeds, *source.sitemaps]), source.id)
            self._note(where, source.id, reason)
            return failed

    async def crawl_source(self, source: Source, state: CrawlState | dict) -> CrawlSummary:
        """Poll one source's feeds and sitemaps, fetch its new articles, store them, save its state."""
        summary = CrawlSummary(sources=1)
        started_wall = time.time()
        crawl = (
            copy.deepcopy(state)
            if isinstance(state, CrawlState)
            else CrawlState.from_json(copy.deepcopy(state))
        )
        validators_before = copy.deepcopy(crawl.feeds)
        polls, ok = await self._poll_all(source, crawl.feeds, summary)
        entries, origin = await asyncio.to_thread(gather_entries, polls)  # 50,000 entries: off the loop
        summary.entries = len(entries)
        unknown = await self._db(self._unknown, list(entries), crawl.aliases)
        fresh = await asyncio.to_thread(newest_first, entries, [u for u in unknown if u not in crawl.retry])
        queued, left = self._cap_new(source, fresh, origin, summary)
        todo = {u: Planned(entries[u]) for u in queued}
        now = time.time()
        for url, item in list(crawl.retry.items()):
            if url not in todo and retry_due(item) <= now:
                planned = self._planned_retry(url, item, entries.get(url))
                if planned is None:
                    crawl.retry.pop(url)
                else:
                    todo[url] = planned
        summary.new = len(queued)
        await self._fetch_all(source, todo, crawl, summary)
        self._trim_retries(source, crawl.retry)
        if summary.interrupted:  # entries left unfetched must be seen again: no 304 for these feeds next time
            crawl.feeds = validators_before
        new_items = summary.counts.imported
        last = crawl.last_poll
        crawl.rate = observe_rate(crawl.rate, new_items, now - last) if last else None
        interval = next_interval(
            crawl.rate, crawl.interval, new_items, self.policy, source.poll_interval, self.rng
        )
        if not ok or left or summary.deferred:
            interval = self.policy.minimum
        crawl.interval, crawl.last_poll = interval, started_wall
        next_at = time.time() + interval
        if crawl.retry:
            next_at = min(next_at, min(retry_due(item) for item in crawl.retry.values()))
        while len(crawl.aliases) > MAX_ALIASES:
            crawl.aliases.pop(next(iter(crawl.aliases)))
        await self._db(
            self.store.save_source_state,
            source.id,
            crawl.to_json(),
            datetime.fromtimestamp(max(next_at, time.time()), UTC),
        )
        return summary

    def _cap_new(
        self, source: Source, fresh: list[str], origin: dict[str, Chain], summary: CrawlSummary
    ) -> tuple[list[str], list[str]]:
        """The newest new URLs up to the per-pass cap; the documents holding the rest are read again next pass."""
        cap = max(0, self.settings.crawl_max_new_urls)
        queued, left = fresh[:cap], fresh[cap:]
        for chain in {id(origin[url]): origin[url] for url in left}.values():
            forget_validators(chain)
        if left:
            summary.deferred += len(left)
            summary.error(
                f"{source.id}: {len(left)} new URLs over the {cap} per pass, left for the next pass"
            )
        return queued, left

    def _planned_retry(self, url: str, item: dict, entry: FeedEntry | None) -> Planned | None:
        """A due retry as planned work (None when its saved record cannot be read: it is dropped)."""
        if entry is None:
            try:
                entry = entry_from_dict(item["entry"])
            except (KeyError, TypeError, ValueError):
                return None
        return Planned(entry, item)

    def _trim_retries(self, source: Source, retries: dict[str, dict]) -> None:
        """Keep at most `crawl_max_retries` pending retries: the oldest are dropped, each named in the fetch log."""
        cap = max(0, self.settings.crawl_max_retries)
        for url in list(retries)[: max(0, len(retries) - cap)]:
            retries.pop(url)
            self._note(url, source.id, f"{url}: retry dropped: over {cap} pending retries")

    # -- feeds and sitemaps --------------------------------------------------------------------------

    async def _poll_all(
        self, source: Source, feeds_state: dict, summary: CrawlSummary
    ) -> tuple[list[tuple[FeedPoll, Chain]], bool]:
        """Poll every feed and sitemap of a source, and the new or changed children of sitemap indexes.

        Each document is read at most once per pass, at most `crawl_max_documents` in all, at most
        `crawl_sitemap_depth` levels deep (the source's own feeds and sitemaps are level 1); what is left
        over is read on the next pass.
        """
        polls: list[tuple[FeedPoll, Chain]] = []
        ok = True
        limit = max(1, self.settings.crawl_max_documents)
        queue: deque[tuple[str, dict, str | None, Chain]] = deque(
            (url, feeds_state, None, ()) for url in [*source.feeds, *source.sitemaps]
        )
        visited: set[str] = set()
        repaired: set[str] = set()
        while queue and not self.stop.is_set():
            url, holder, stamp, parents = queue.popleft()
            if url in visited:
                self._outcome(
                    url,
                    source.id,
                    f"{url}: listed again by a sitemap index in the same pass "
                    "(an index that lists itself or loops); not read again",
                )
                continue
            if len(visited) >= limit:
                self._defer_documents(source, [(url, holder, stamp, parents), *queue], limit, summary)
                ok = False
                break
            visited.add(url)
            known = holder.setdefault(url, {})
            chain = (*parents, known)
            poll = await self._poll_one(source, url, known, stamp, summary)
            if isinstance(poll, Exception):
                ok = False
                if holder is feeds_state and url not in repaired and source_registry.feed_gone(poll):
                    found = await self._rediscover(source, url, reason_of(poll))
                    repaired.update(found)
                    queue.extend((new, feeds_state, None, ()) for new in found)
                continue
            if not poll.complete:
                ok = False
            polls.append((poll, chain))
            self._queue_children(source, poll, chain, queue)
        if queue and self.stop.is_set():
            summary.interrupted = True
        return polls, ok

    def _defer_documents(
        self,
        source: Source,
        rest: list[tuple[str, dict, str | None, Chain]],
        limit: int,
        summary: CrawlSummary,
    ) -> None:
        """Leave documents over the per-pass cap for the next pass (their indexes are read in full again)."""
        for _, _, _, parents in rest:
            forget_validators(parents)
        summary.deferred += len(rest)
        summary.error(
            f"{source.id}: over {limit} feeds and sitemaps in one pass; {len(rest)} left for the next pass"
        )

    async def _poll_one(
        self, source: Source, url: str, known: dict, stamp: str | None, summary: CrawlSummary
    ) -> FeedPoll | Exception:
        """Poll one feed or sitemap inside a boundary: any failure is recorded and given back as the exception."""
        try:
            poll = await poll_feed(
                self.fetcher,
                url,
                source=source.id,
                etag=known.get("etag"),
                last_modified=known.get("last_modified"),
                max_json_depth=self.settings.max_json_depth,
            )
        except Exception as exc:
            reason = reason_of(exc)
            self._failure(source, url, reason if url in reason else f"{url}: {reason}", summary)
            return exc
        summary.documents += 1
        summary.not_modified += poll.not_modified
        if not poll.complete:
            known.pop("etag", None)
            known.pop("last_modified", None)
            summary.error(f"{source.id}: {url}: broken document ({poll.error})")
            self._outcome(url, source.id, f"{url}: broken document, kept what could be read ({poll.error})")
        elif not poll.not_modified:
            known["etag"], known["last_modified"], known["lastmod"] = poll.etag, poll.last_modified, stamp
        return poll

    async def _rediscover(self, source: Source, url: str, reason: str) -> list[str]:
        """A feed or sitemap that is gone (404, 410, not a feed): rediscover the source's documents from its
        home page and sitemaps, save them, record what changed, and return the new ones to poll now."""
        try:
            repair = await source_registry.rediscover_feeds(self.fetcher, source, url, reason)
        except Exception as exc:  # a failing home page must not end the source's pass
            self._note(url, source.id, f"{url}: rediscovery failed: {reason_of(exc)}")
            return []
        self._note(url, source.id, repair.note())
        if not repair.found:
            return []
        repair.apply(source)
        await self._db(self.store.upsert_source, source)
        return [*repair.feeds, *repair.sitemaps]

    def _queue_children(
        self, source: Source, poll: FeedPoll, chain: Chain, queue: deque[tuple[str, dict, str | None, Chain]]
    ) -> None:
        """Queue the new or changed child sitemaps of an index (newest first, within the depth limit)."""
        if not poll.children:
            return
        known = chain[-1]
        depth = max(1, self.settings.crawl_sitemap_depth)
        if len(chain) >= depth:  # its children would sit deeper than the limit
            self._outcome(
                poll.url,
                source.id,
                f"{poll.url}: sitemap index at the depth limit ({depth} levels); its children are not read",
            )
            return
        children = known.setdefault("children", {})
        newest = sorted(
            poll.children, key=lambda c: c.lastmod.timestamp() if c.lastmod else 0.0, reverse=True
        )
        picked = 0
        for child in newest:
            child_stamp = child.lastmod.isoformat() if child.lastmod else None
            if child_stamp is not None and children.get(child.url, {}).get("lastmod") == child_stamp:
                continue
            if picked == MAX_CHILD_SITEMAPS:
                forget_validators(chain)  # the rest of the changed children: read on the next pass
                return
            picked += 1
            queue.append((child.url, children, child_stamp, chain))

    # -- pages ---------------------------------------------------------------------------------------

    async def _fetch_all(
        self, source: Source, todo: dict[str, Planned], crawl: CrawlState, summary: CrawlSummary
    ) -> None:
        """Fetch and extract the articles in `todo` with a few workers, storing them in batches."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        for url in todo:
            queue.put_nowait(url)
        batch: list[tuple[str, Article, bool]] = []  # (URL, article, is it the feed entry's stand-in)
        workers_count = max(
            1, min(len(todo), self.settings.per_host_concurrency * 2 + 2, self.settings.global_concurrency)
        )

        async def flush() -> None:
            while batch:
                chunk, batch[:] = list(batch), []
                refused = await self._db(self._write, [article for _, article, _ in chunk], summary)
                for index, reason in refused:
                    url, _, stand_in = chunk[index]
                    self._refused(source, url, todo[url], stand_in, reason, crawl.retry, summary, batch)

        async def worker() -> None:
            while not self.stop.is_set():
                try:
                    url = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                article, stand_in = await self._article(
                    source, url, todo[url], crawl.aliases, crawl.retry, summary
                )
                if article is not None:
                    batch.append((url, article, stand_in))
                    if len(batch) >= WRITE_BATCH:
                        await flush()

        tasks = [asyncio.create_task(worker()) for _ in range(workers_count)]
        stopper = asyncio.create_task(self._cancel_after_stop(tasks))
        try:
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            stopper.cancel()
        if self.stop.is_set() and not queue.empty() or any(t.cancelled() for t in tasks):
            summary.interrupted = True
        await flush()
        for outcome in outcomes:  # workers catch everything but a store failure: that one ends the pass
            if isinstance(outcome, Exception):
                raise outcome

    def _refused(
        self,
        source: Source,
        url: str,
        planned: Planned,
        stand_in: bool,
        reason: str,
        retries: dict[str, dict],
        summary: CrawlSummary,
        batch: list[tuple[str, Article, bool]],
    ) -> None:
        """An article the store would not take: named in the fetch log, its stand-in tried, retried later."""
        reason = f"{url}: not stored: {reason}"
        if stand_in:
            self._failure(source, url, reason, summary)
            if url in retries:
                retries[url]["stored"] = False
            return
        replacement = self._failed(source, url, planned, retries, summary, reason)
        if replacement is not None:
            batch.append((url, replacement, True))

    async def _cancel_after_stop(self, tasks: list[asyncio.Task]) -> None:
        """When asked to stop, give in-flight fetches a grace period, then cancel them (nothing half-stored)."""
        await self.stop.wait()
        await asyncio.sleep(STOP_GRACE)
        for task in tasks:
            task.cancel()

    async def _article(
        self,
        source: Source,
        url: str,
        planned: Planned,
        aliases: dict[str, str],
        retries: dict[str, dict],
        summary: CrawlSummary,
    ) -> tuple[Article | None, bool]:
        """Fetch and extract one article inside a boundary; on any failure its stand-in (once) and a retry.

        Returns the article to store (or None) and whether it is the feed entry's partial stand-in.
        """
        retry = planned.retry
        try:
            article = await fetch_article(self.fetcher, url, source.id, planned.entry)
        except RobotsDisallowedError:
            summary.disallowed += 1
            retries.pop(url, None)
            return (None, False) if retry else (partial_article(planned.entry, source.id), True)
        except (FetchError, ExtractError) as exc:
            stand_in = self._failed(source, url, planned, retries, summary, reason_of(exc))
            return stand_in, True
        except AkhbarError as exc:  # unsafe URL and the like: never retried
            self._failure(source, url, str(exc), summary)
            summary.failed += 1
            retries.pop(url, None)
            return None, False
        except Exception as exc:  # a bug or an unforeseen page: recorded and retried, never the pass's end
            stand_in = self._failed(source, url, planned, retries, summary, f"{url}: {reason_of(exc)}")
            return stand_in, True
        summary.fetched += 1
        if retry and retry.get("stored"):
            article.url = url  # the stand-in's identity: one article stays one article
        elif article.url != url:
            aliases[url] = article.url
        retries.pop(url, None)
        return article, False

    def _failed(
        self,
        source: Source,
        url: str,
        planned: Planned,
        retries: dict[str, dict],
        summary: CrawlSummary,
        reason: str,
    ) -> Article | None:
        """A page that could not be had: named in the fetch log, retried with backoff, its stand-in stored once."""
        self._failure(source, url, reason, summary)
        retry = planned.retry
        if (retry or {}).get("attempts", 0) >= MAX_RETRY_ATTEMPTS:
            retries.pop(url, None)
            summary.failed += 1
            return None
        already = bool(retry and retry.get("stored"))
        stand_in = None if already else partial_article(planned.entry, source.id, url)
        self._retry_later(url, planned, retries, stored=already or stand_in is not None)
        if stand_in is not None:
            summary.partial += 1
        elif not already:
            summary.failed += 1
        return stand_in

    def _retry_later(self, url: str, planned: Planned, retries: dict[str, dict], stored: bool) -> None:
        """Schedule the next attempt at a page, with a delay doubling per attempt."""
        attempts = (planned.retry or {}).get("attempts", 0) + 1
        delay = min(MAX_RETRY_DELAY, self.settings.partial_retry_base * 2 ** (attempts - 1))
        retries[url] = {
            "entry": entry_to_dict(planned.entry),
            "attempts": attempts,
            "next_at": time.time() + delay,
            "stored": stored,
        }


async def crawl_pass(
    store: Store,
    settings: Settings,
    sources: list[Source] | None = None,
    *,
    force: bool = False,
    stop: asyncio.Event | None = None,
    on_source: Callable[[Source, CrawlSummary], None] | None = None,
) -> CrawlSummary:
    """One pass over the due sources (or the given ones when `force`)."""
    async with Crawler(store, settings, stop=stop, on_source=on_source) as crawler:
        return await crawler.run_pass(sources, force=force)


async def crawl_forever(
    store: Store,
    settings: Settings,
    stop: asyncio.Event,
    on_pass: Callable[[CrawlSummary], None] | None = None,
    on_source: Callable[[Source, CrawlSummary], None] | None = None,
    idle: float = 5.0,
) -> None:
    """Pass after pass until `stop` is set; in-flight work finishes (or is cancelled unstored) on stop."""
    async with Crawler(store, settings, stop=stop, on_source=on_source) as crawler:
        while not stop.is_set():
            summary = await crawler.run_pass()
            if on_pass is not None and (summary.sources or summary.errors):
                on_pass(summary)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=idle)
