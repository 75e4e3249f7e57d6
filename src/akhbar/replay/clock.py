"""Simulated time for replay: a clock decides which corpus articles are published yet."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from akhbar.errors import ReplayError
from akhbar.times import parse_iso


class Clock(Protocol):
    """Anything that tells the simulated time."""

    def now(self) -> datetime:
        """The current simulated time (aware, UTC)."""
        ...


@dataclass
class ReplayClock:
    """Simulated time that starts at `start` and runs `speed` simulated seconds per real second."""

    start: datetime
    speed: float = 1.0
    _origin: float = field(default_factory=time.monotonic, repr=False)

    def now(self) -> datetime:
        """The current simulated time."""
        return self.start + timedelta(seconds=(time.monotonic() - self._origin) * self.speed)


@dataclass
class ManualClock:
    """Simulated time that moves only when told (for tests)."""

    current: datetime
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def now(self) -> datetime:
        """The current simulated time."""
        with self._lock:
            return self.current

    def set(self, when: datetime) -> None:
        """Jump to `when`."""
        with self._lock:
            self.current = when

    def advance(self, seconds: float) -> None:
        """Move `seconds` forward."""
        with self._lock:
            self.current += timedelta(seconds=seconds)


def parse_clock(spec: str, first: datetime | None = None) -> ReplayClock:
    """Parse `START[:SPEED]`; START is ISO 8601 (UTC if naive) or `start` (the corpus' first article)."""
    text = spec.strip()
    speed = 1.0
    start = _parse_start(text, first)
    if start is None and ":" in text:
        head, tail = text.rsplit(":", 1)
        try:
            speed = float(tail)
        except ValueError:
            raise ReplayError(f"--clock {spec!r}: SPEED {tail!r} is not a number") from None
        start = _parse_start(head, first)
    if start is None:
        raise ReplayError(f"--clock {spec!r}: START must be an ISO 8601 date-time or 'start'")
    if speed <= 0:
        raise ReplayError(f"--clock {spec!r}: SPEED must be positive")
    return ReplayClock(start=start, speed=speed)


def _parse_start(text: str, first: datetime | None) -> datetime | None:
    """The START part of a clock spec, or None when it does not parse."""
    if text.lower() == "start":
        return first or datetime(1970, 1, 1, tzinfo=UTC)
    try:
        return parse_iso(text)
    except ValueError:
        return None
