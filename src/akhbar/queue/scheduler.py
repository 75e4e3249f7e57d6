"""The scheduler: enqueue a poll job for every enabled source that is due."""

from __future__ import annotations

from datetime import UTC, datetime

from akhbar.queue.jobs import JobQueue
from akhbar.store import Store
from akhbar.times import from_iso


def parse_time(value: object) -> datetime | None:
    """A saved poll time (stored text or ISO 8601) as an aware datetime."""
    if not value or not isinstance(value, str):
        return None
    try:
        return from_iso(value)
    except ValueError:
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def due_sources(store: Store, now: datetime | None = None) -> list[str]:
    """Ids of the enabled sources whose next poll time has come (or was never set)."""
    now = now or datetime.now(UTC)
    due = []
    for source in store.list_sources():
        if not source.enabled:
            continue
        next_poll = parse_time(store.source_state(source.id).get("next_poll_at"))
        if next_poll is None or next_poll <= now:
            due.append(source.id)
    return due


def schedule_due(store: Store, queue: JobQueue, now: datetime | None = None) -> int:
    """Enqueue a poll job per due source (one per source at a time); returns how many were queued."""
    return sum(queue.enqueue("poll", f"poll:{source_id}", {"source": source_id}, again=True)
               for source_id in due_sources(store, now))
