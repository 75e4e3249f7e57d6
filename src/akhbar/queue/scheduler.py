"""The scheduler: enqueue a poll job for every enabled source that is due."""

from __future__ import annotations

from datetime import UTC, datetime

from akhbar.fetch.state import CrawlState
from akhbar.queue.jobs import JobQueue
from akhbar.store import Store


def due_sources(store: Store, now: datetime | None = None) -> list[str]:
    """Ids of the enabled sources whose next poll time has come (or was never set)."""
    now = now or datetime.now(UTC)
    due = []
    for source in store.list_sources():
        if not source.enabled:
            continue
        if CrawlState.from_json(store.source_state(source.id)).is_due(now):
            due.append(source.id)
    return due


def schedule_due(store: Store, queue: JobQueue, now: datetime | None = None) -> int:
    """Enqueue a poll job per due source (one per source at a time); returns how many were queued."""
    return sum(
        queue.enqueue("poll", f"poll:{source_id}", {"source": source_id}, again=True)
        for source_id in due_sources(store, now)
    )
