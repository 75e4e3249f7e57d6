"""The relate lane: the one place where articles are written, enriched and related.

The relate stage keeps its clustering window in memory, loaded from the store once per process, so
story assignment is only consistent if one process at a time does it. The lane is that process: any
worker may hold it (a session-level PostgreSQL advisory lock on a dedicated connection), it takes
`ingest` jobs in arrival order, in batches, and writes each batch and completes its jobs in one
transaction. When the holder dies its session ends, the lock is free, and another worker takes the
lane over with a fresh pipeline that reloads the window from the store. An epoch row, bumped on every
take-over and checked inside every batch transaction, keeps a holder that lost the lock without
noticing from writing anything.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

import psycopg

from akhbar.pipeline import Pipeline
from akhbar.queue.jobs import Job, JobQueue, is_connection_error
from akhbar.queue.payloads import article_from_payload
from akhbar.store import Store
from akhbar.store.postgres import PostgresStore

LANE_LOCK = 0x616B6C61  # "akla"; the second key is the schema's hash (advisory locks are database-wide)
EPOCH_STATE = "queue.relate_lane_epoch"

log = logging.getLogger("akhbar.queue")


class LaneLost(Exception):
    """Another worker holds the relate lane now."""


class RelateLane:
    """Holds the lane lock and runs ingest batches through one pipeline."""

    def __init__(
        self,
        store: PostgresStore,
        queue: JobQueue,
        worker: str,
        make_pipeline: Callable[[Store], Pipeline] = Pipeline.default,
        batch_size: int = 200,
    ) -> None:
        self.store, self.queue, self.worker = store, queue, worker
        self.make_pipeline, self.batch_size = make_pipeline, batch_size
        self.conn: psycopg.Connection | None = None
        self.pipeline: Pipeline | None = None
        self.epoch: int = 0

    def holding(self) -> bool:
        """True if this worker holds the lane (taking it if it is free)."""
        try:
            if self.conn is not None and not self.conn.closed:
                self.conn.execute("SELECT 1")
                return True
        except psycopg.Error:
            self.release()
        try:
            conn = psycopg.connect(
                self.store.conninfo, autocommit=True, application_name=f"akhbar-lane {self.worker}"
            )
        except psycopg.Error:
            return False
        schema = self.store.schema or "public"
        locked = conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", (LANE_LOCK, schema)).fetchone()
        if not (locked and locked[0]):
            conn.close()
            return False
        self.conn = conn
        self.epoch = self._bump_epoch()
        self.pipeline = self.make_pipeline(self.store)  # fresh in-memory state, loaded from the store
        log.info("%s took the relate lane (epoch %d)", self.worker, self.epoch)
        return True

    def _bump_epoch(self) -> int:
        """Start a new lane epoch; returns it."""
        with self.store.transaction():
            current = int(self.store.get_state(EPOCH_STATE) or 0)
            self.store.set_state(EPOCH_STATE, str(current + 1))
        return current + 1

    def release(self) -> None:
        """Give the lane up (closing the lock's session frees it)."""
        if self.conn is not None:
            with contextlib.suppress(psycopg.Error):
                self.conn.close()
        self.conn, self.pipeline = None, None

    def run_batch(self, lease: float) -> int:
        """Take up to batch_size ingest jobs and process them; returns how many were taken."""
        jobs = self.queue.take_many(self.worker, "ingest", self.batch_size, lease)
        if not jobs:
            return 0
        try:
            self._ingest(jobs)
        except Exception as exc:
            self._give_up_if_lost(jobs, exc)
            # one bad article must not block the batch: retry them one by one
            log.warning("batch of %d failed (%s); retrying one by one", len(jobs), exc)
            self.pipeline = self.make_pipeline(self.store)
            for n, job in enumerate(jobs):
                try:
                    self._ingest([job])
                except Exception as single:
                    self._give_up_if_lost(jobs[n:], single)
                    self.pipeline = self.make_pipeline(self.store)
                    self.queue.fail(job, f"{type(single).__name__}: {single}")
        return len(jobs)

    def _give_up_if_lost(self, jobs: list[Job], exc: Exception) -> None:
        """Re-raise (releasing the lane) when the lane or the database was lost; the jobs go back undamaged."""
        if isinstance(exc, LaneLost):
            self.release()
            raise exc
        if is_connection_error(exc):  # nothing was written; the in-memory window may be ahead of the store
            with contextlib.suppress(psycopg.Error):
                self.queue.put_back(jobs, self.worker)
            self.release()
            raise exc

    def _ingest(self, jobs: list[Job]) -> None:
        """Write, enrich and relate the jobs' articles and complete the jobs, in one transaction."""
        assert self.pipeline is not None
        articles = [article_from_payload(job.payload["article"]) for job in jobs]
        with self.store.transaction():
            held = self.store.rows("SELECT value FROM stage_state WHERE name = ? FOR UPDATE", (EPOCH_STATE,))
            if not held or int(held[0]["value"]) != self.epoch:
                raise LaneLost(f"{self.worker} lost the relate lane")
            self.pipeline.ingest(articles)
            for job in jobs:
                self.queue.complete(job)
