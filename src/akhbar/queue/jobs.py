"""The work queue: jobs in a PostgreSQL table, taken with FOR UPDATE SKIP LOCKED under a lease.

Every job has an idempotency key: enqueuing a key that is already queued or running does nothing, so
any number of schedulers and workers may enqueue the same work. A job whose worker died (its lease ran
out) is taken again by another worker; a job that keeps failing is retried with exponential backoff
until `max_attempts`, then left `failed` with its last error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from akhbar.errors import ConfigError, StoreError
from akhbar.store import Store
from akhbar.store.postgres import PostgresStore

DEFAULT_LEASE = 120.0
BACKOFF_BASE = 5.0
BACKOFF_CAP = 600.0


@dataclass
class Job:
    """One job as taken by a worker."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


def queue_store(store: Store) -> PostgresStore:
    """The store, if it can hold the queue (PostgreSQL); a clear error otherwise."""
    if not isinstance(store, PostgresStore):
        raise ConfigError("the work queue needs a PostgreSQL store (AKHBAR_DB=postgresql://…)")
    return store


def is_connection_error(exc: BaseException) -> bool:
    """True when an error means the database went away (restart, network cut), not that the job is bad."""
    if isinstance(exc, StoreError) and exc.__cause__ is not None:
        exc = exc.__cause__
    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))


def backoff(attempts: int) -> float:
    """Seconds to wait before retrying a job that failed `attempts` times."""
    return min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** max(0, attempts - 1))


class JobQueue:
    """Enqueue, take, finish and inspect jobs in the store's `jobs` table."""

    def __init__(self, store: Store) -> None:
        self.store = queue_store(store)

    def _run(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
        """Run a statement in psycopg's placeholders (in the caller's transaction if there is one); its rows."""
        with self.store.connection() as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def enqueue(
        self,
        kind: str,
        key: str,
        payload: dict[str, Any] | None = None,
        run_at: datetime | None = None,
        again: bool = False,
        max_attempts: int = 5,
    ) -> bool:
        """Add a job unless its key is already queued or running; `again` re-queues a finished one. True if queued."""
        condition = "jobs.state IN ('done', 'failed')" if again else "false"
        rows = self._run(
            f"""INSERT INTO jobs (kind, key, payload, run_at, max_attempts) VALUES (%s, %s, %s, coalesce(%s, now()), %s)
                ON CONFLICT (key) DO UPDATE SET state = 'queued', attempts = 0, payload = excluded.payload,
                  run_at = excluded.run_at, lease_until = NULL, locked_by = NULL, last_error = NULL, finished_at = NULL
                WHERE {condition}
                RETURNING id""",
            (kind, key, Jsonb(payload or {}), run_at, max_attempts),
        )
        return bool(rows)

    def enqueue_many(self, kind: str, jobs: list[tuple[str, dict[str, Any]]]) -> int:
        """Add many jobs of one kind (key, payload) at once; existing keys are left alone. Returns how many were new."""
        if not jobs:
            return 0
        rows = self._run(
            """INSERT INTO jobs (kind, key, payload)
               SELECT %s, k, p::jsonb FROM unnest(%s::text[], %s::text[]) AS t(k, p)
               ON CONFLICT (key) DO NOTHING RETURNING id""",
            (kind, [k for k, _ in jobs], [json.dumps(p, ensure_ascii=False) for _, p in jobs]),
        )
        return len(rows)

    def take(self, worker: str, kinds: list[str] | None = None, lease: float = DEFAULT_LEASE) -> Job | None:
        """Lease the next due job of these kinds (queued, or running with an expired lease); None if there is none."""
        kind_filter = "AND kind = ANY(%(kinds)s)" if kinds else ""
        rows = self._run(
            f"""UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = %(worker)s,
                  lease_until = now() + make_interval(secs => %(lease)s)
                WHERE id = (
                  SELECT id FROM jobs
                  WHERE ((state = 'queued' AND run_at <= now()) OR (state = 'running' AND lease_until < now()))
                    {kind_filter}
                  ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id, kind, key, payload, attempts, max_attempts""",
            {"worker": worker, "lease": lease, "kinds": kinds},
        )
        if not rows:
            return None
        row = rows[0]
        return Job(row["id"], row["kind"], row["key"], row["payload"], row["attempts"], row["max_attempts"])

    def take_many(self, worker: str, kind: str, limit: int, lease: float = DEFAULT_LEASE) -> list[Job]:
        """Lease up to `limit` due jobs of one kind, oldest first."""
        rows = self._run(
            """UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = %(worker)s,
                 lease_until = now() + make_interval(secs => %(lease)s)
               WHERE id IN (
                 SELECT id FROM jobs
                 WHERE kind = %(kind)s AND ((state = 'queued' AND run_at <= now()) OR (state = 'running' AND lease_until < now()))
                 ORDER BY run_at, id LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
               RETURNING id, kind, key, payload, attempts, max_attempts""",
            {"worker": worker, "lease": lease, "kind": kind, "limit": limit},
        )
        jobs = [
            Job(r["id"], r["kind"], r["key"], r["payload"], r["attempts"], r["max_attempts"]) for r in rows
        ]
        return sorted(jobs, key=lambda job: job.id)

    def extend(self, job_ids: list[int], worker: str, lease: float = DEFAULT_LEASE) -> int:
        """Renew the leases of jobs this worker still runs; returns how many it still holds."""
        if not job_ids:
            return 0
        rows = self._run(
            """UPDATE jobs SET lease_until = now() + make_interval(secs => %s)
               WHERE id = ANY(%s) AND locked_by = %s AND state = 'running' RETURNING id""",
            (lease, job_ids, worker),
        )
        return len(rows)

    def complete(self, job: Job) -> None:
        """Mark a job done (call inside the transaction that wrote its result to make the two atomic)."""
        self._run(
            "UPDATE jobs SET state = 'done', finished_at = now(), lease_until = NULL WHERE id = %s AND state = 'running'",
            (job.id,),
        )

    def fail(self, job: Job, error: str) -> str:
        """Record a failure: retry later with backoff, or give up after max_attempts. Returns the new state."""
        final = job.attempts >= job.max_attempts
        rows = self._run(
            """UPDATE jobs SET state = %s, last_error = %s, lease_until = NULL, locked_by = NULL,
                 run_at = now() + make_interval(secs => %s), finished_at = CASE WHEN %s THEN now() END
               WHERE id = %s AND state = 'running' RETURNING state""",
            ("failed" if final else "queued", error[:2000], backoff(job.attempts), final, job.id),
        )
        return rows[0]["state"] if rows else "done"

    def put_back(self, jobs: list[Job], worker: str, delay: float = 1.0) -> int:
        """Return this worker's running jobs to the queue without counting the attempt (the database failed, not them)."""
        if not jobs:
            return 0
        rows = self._run(
            """UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), lease_until = NULL,
                 locked_by = NULL, run_at = now() + make_interval(secs => %s)
               WHERE id = ANY(%s) AND locked_by = %s AND state = 'running' RETURNING id""",
            (delay, [job.id for job in jobs], worker),
        )
        return len(rows)

    def counts(self) -> dict[str, int]:
        """How many jobs are in each state."""
        rows = self._run("SELECT state, count(*) AS n FROM jobs GROUP BY state")
        found = {"queued": 0, "running": 0, "done": 0, "failed": 0}
        found.update({row["state"]: row["n"] for row in rows})
        return found

    def pending(self) -> int:
        """Jobs not finished yet (queued or running)."""
        counts = self.counts()
        return counts["queued"] + counts["running"]

    def failures(self, limit: int = 20) -> list[dict[str, Any]]:
        """The last failed jobs with their errors."""
        return self._run(
            "SELECT id, kind, key, attempts, last_error FROM jobs WHERE state = 'failed' ORDER BY finished_at DESC LIMIT %s",
            (limit,),
        )
