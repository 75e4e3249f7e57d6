"""A source's crawl state: validators, aliases, pending retries, publishing rate and next poll time.

Stored as a JSON object in the store's `sources.state` column (the store keeps `next_poll_at` in a
column of its own and hands it back inside the dict). Old stored states are plain dicts with the same
keys; unknown keys are kept untouched so a newer state read by older code loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from akhbar.times import parse_moment

KNOWN_KEYS = ("feeds", "aliases", "retry", "rate", "interval", "last_poll", "next_poll_at")


def _number(value: object) -> float | None:
    """A float from a stored number (None for anything else)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def retry_due(record: dict) -> float:
    """When a pending retry record is due, as a Unix time (0, at once, when its time cannot be read)."""
    return _number(record.get("next_at")) or 0.0


def _dict(value: object) -> dict:
    """A stored mapping, or a new empty one when the stored value is not a mapping."""
    return dict(value) if isinstance(value, dict) else {}


def _records(value: object) -> dict[str, dict]:
    """A stored mapping of records (feed validators, retries), without the entries that are not records."""
    return {k: v for k, v in _dict(value).items() if isinstance(v, dict)}


@dataclass
class CrawlState:
    """What the crawler remembers about one source between passes."""

    feeds: dict[str, dict] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    retry: dict[str, dict] = field(default_factory=dict)
    rate: float | None = None
    interval: float | None = None
    last_poll: float | None = None
    next_poll_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict | None) -> CrawlState:
        """A state from its stored JSON object (old free-form dicts included; bad values reset)."""
        data = data or {}
        next_poll = data.get("next_poll_at")
        return cls(
            feeds=_records(data.get("feeds")),
            aliases={k: v for k, v in _dict(data.get("aliases")).items() if isinstance(v, str)},
            retry=_records(data.get("retry")),
            rate=_number(data.get("rate")),
            interval=_number(data.get("interval")),
            last_poll=_number(data.get("last_poll")),
            next_poll_at=str(next_poll) if next_poll else None,
            extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
        )

    def to_json(self) -> dict:
        """The state as a JSON-ready object (without `next_poll_at`: the store keeps it in its column)."""
        return {
            **self.extra,
            "feeds": self.feeds,
            "aliases": self.aliases,
            "retry": self.retry,
            "rate": self.rate,
            "interval": self.interval,
            "last_poll": self.last_poll,
        }

    def is_due(self, now: datetime | None = None) -> bool:
        """True when the source should be polled (never polled, an unreadable time, or its time has come)."""
        if not self.next_poll_at:
            return True
        try:
            when = parse_moment(self.next_poll_at)
        except ValueError:
            return True
        return when is None or when <= (now or datetime.now(UTC))
