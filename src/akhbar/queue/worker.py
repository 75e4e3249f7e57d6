"""`akhbar worker`: take jobs from the shared queue until stopped (or until the queue is empty).

A worker runs one crawl thread (an event loop with `concurrency` poll jobs in flight, each crawling one
source with the crawler of `akhbar crawl`, sharing one polite HTTP client), one relate-lane thread
(ingest jobs: only the worker holding the lane runs them), a lease heartbeat and the scheduler. Any
number of workers may run on any number of machines.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg

from akhbar.config import Settings
from akhbar.errors import StoreError
from akhbar.fetch.crawler import Crawler
from akhbar.pipeline import Pipeline
from akhbar.queue.crawl import lane_crawler, poll_source
from akhbar.queue.jobs import DEFAULT_LEASE, Job, JobQueue, is_connection_error
from akhbar.queue.lane import LaneLost, RelateLane
from akhbar.queue.scheduler import schedule_due
from akhbar.store import Store

Handler = Callable[[Crawler, Job], Awaitable[object]]
HANDLERS: dict[str, Handler] = {"poll": poll_source}
DB_ERRORS = (psycopg.Error, StoreError)

log = logging.getLogger("akhbar.queue")


@dataclass
class WorkerReport:
    """What a worker did: jobs done and failed per kind, and the time it ran."""

    done: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line."""
        done = ", ".join(f"{kind} {n}" for kind, n in sorted(self.done.items())) or "nothing"
        failed = sum(self.failed.values())
        return f"done: {done}; failed attempts: {failed}; in {self.seconds:.1f} s"


def worker_name() -> str:
    """host:pid, to see in the jobs table who holds what."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    """A crawl loop (poll jobs), the relate lane, a lease heartbeat and the scheduler over one store."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        concurrency: int = 2,
        lease: float = DEFAULT_LEASE,
        idle_sleep: float = 0.3,
        schedule_every: float = 30.0,
        scheduler: bool = True,
        lane: bool = True,
        handlers: dict[str, Handler] | None = None,
        make_pipeline: Callable[[Store], Pipeline] = Pipeline.default,
        name: str | None = None,
    ) -> None:
        self.store, self.settings = store, settings
        self.queue = JobQueue(store)
        self.name = name or worker_name()
        self.concurrency, self.lease, self.idle_sleep = concurrency, lease, idle_sleep
        self.schedule_every, self.scheduler, self.use_lane = schedule_every, scheduler, lane
        self.handlers = dict(handlers or HANDLERS)
        self.lane = RelateLane(
            self.queue.store, self.queue, self.name, make_pipeline, batch_size=settings.batch_size
        )
        self.stop = threading.Event()
        self.report = WorkerReport()
        self._inflight: set[int] = set()
        self._lock = threading.Lock()

    # threads -------------------------------------------------------------------------------------

    def _crawl_loop(self) -> None:
        """The crawl thread: an event loop running `concurrency` job takers over one crawler."""
        asyncio.run(self._crawl_main())

    async def _crawl_main(self) -> None:
        """Take and run crawl jobs until stopped; in-flight crawls finish (or are cancelled unstored) on stop."""
        loop = asyncio.get_running_loop()
        loop.set_default_executor(
            ThreadPoolExecutor(self.concurrency + 4, thread_name_prefix="akhbar-crawl-db")
        )
        stop = asyncio.Event()
        async with lane_crawler(self.store, self.queue, self.settings, stop) as crawler:
            takers = [asyncio.create_task(self._take_jobs(crawler, stop)) for _ in range(self.concurrency)]
            while not self.stop.is_set():
                await asyncio.sleep(0.2)
            stop.set()
            await asyncio.gather(*takers, return_exceptions=True)

    async def _take_jobs(self, crawler: Crawler, stop: asyncio.Event) -> None:
        """One job taker: lease a crawl job, run it, repeat."""
        while not stop.is_set():
            try:
                job = await asyncio.to_thread(self.queue.take, self.name, list(self.handlers), self.lease)
            except DB_ERRORS as exc:
                log.warning("queue unreachable (%s); retrying", exc)
                job = None
            if job is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.idle_sleep)
                continue
            await self._run(crawler, job)

    async def _run(self, crawler: Crawler, job: Job) -> None:
        """Run one job and record its outcome."""
        with self._lock:
            self._inflight.add(job.id)
        try:
            await self.handlers[job.kind](crawler, job)
            await asyncio.to_thread(self.queue.complete, job)
            self.report.done[job.kind] += 1
        except Exception as exc:
            self.report.failed[job.kind] += 1
            log.warning("%s %s failed: %s", job.kind, job.key, exc)
            with contextlib.suppress(*DB_ERRORS):  # else the lease runs out and another attempt follows
                if is_connection_error(exc):  # a database restart does not use up the job's attempts
                    await asyncio.to_thread(self.queue.put_back, [job], self.name)
                else:
                    await asyncio.to_thread(self.queue.fail, job, f"{type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._inflight.discard(job.id)

    def _lane_loop(self) -> None:
        """Hold (or wait for) the relate lane and run ingest batches."""
        while not self.stop.is_set():
            try:
                if not self.lane.holding():
                    self.stop.wait(1.0)
                    continue
                taken = self.lane.run_batch(self.lease)
                self.report.done["ingest"] += taken
                if not taken:
                    self.stop.wait(self.idle_sleep)
            except LaneLost as exc:
                log.warning("%s", exc)
            except DB_ERRORS as exc:
                log.warning("relate lane: database unreachable (%s); retrying", exc)
                self.lane.release()
                self.stop.wait(1.0)
        self.lane.release()

    def _heartbeat_loop(self) -> None:
        """Renew the leases of running jobs so a long job is not taken twice."""
        while not self.stop.wait(self.lease / 3):
            with self._lock:
                ids = list(self._inflight)
            with contextlib.suppress(*DB_ERRORS):
                self.queue.extend(ids, self.name, self.lease)

    def _scheduler_loop(self) -> None:
        """Enqueue due sources now and then."""
        while not self.stop.is_set():
            try:
                schedule_due(self.store, self.queue)
            except DB_ERRORS as exc:
                log.warning("scheduler: %s", exc)
            self.stop.wait(self.schedule_every)

    # running -------------------------------------------------------------------------------------

    def idle(self) -> bool:
        """True when no job is queued or running anywhere and this worker runs none."""
        with self._lock:
            if self._inflight:
                return False
        try:
            return self.queue.pending() == 0
        except DB_ERRORS:
            return False

    def run(self, until_idle: bool = False) -> WorkerReport:
        """Run until stop is set (or, with until_idle, until the queue stays empty)."""
        started = time.perf_counter()
        targets = [self._crawl_loop, self._heartbeat_loop]
        if self.use_lane:
            targets.append(self._lane_loop)
        if self.scheduler:
            targets.append(self._scheduler_loop)
        threads = [threading.Thread(target=t, name=f"akhbar-{t.__name__}", daemon=True) for t in targets]
        for thread in threads:
            thread.start()
        try:
            quiet = 0
            while not self.stop.wait(0.5):
                quiet = quiet + 1 if until_idle and self.idle() else 0
                if quiet >= 3:
                    self.stop.set()
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(timeout=self.lease)
            self.report.seconds = time.perf_counter() - started
        return self.report
