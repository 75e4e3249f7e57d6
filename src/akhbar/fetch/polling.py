"""Adaptive polling: how long to wait before polling a source again, learnt from how often it publishes."""

from __future__ import annotations

import random
from dataclasses import dataclass

SMOOTHING = 0.3
TARGET_NEW_ITEMS = 2.0
QUIET_GROWTH = 1.5


@dataclass(frozen=True)
class PollPolicy:
    """Bounds of the polling interval (seconds) and the jitter applied to it (a fraction)."""

    minimum: float = 120.0
    maximum: float = 6 * 3600.0
    jitter: float = 0.1

    def clamp(self, seconds: float) -> float:
        """The interval within the bounds."""
        return max(self.minimum, min(self.maximum, seconds))


def observe_rate(rate: float | None, new_items: int, elapsed: float) -> float:
    """Updated publishing rate (items per second): an exponential moving average over polls."""
    if elapsed <= 0:
        return rate or 0.0
    seen = new_items / elapsed
    return seen if rate is None else SMOOTHING * seen + (1 - SMOOTHING) * rate


def next_interval(
    rate: float | None,
    previous: float | None,
    new_items: int,
    policy: PollPolicy,
    default: float,
    rng: random.Random,
) -> float:
    """Seconds until the next poll: about TARGET_NEW_ITEMS expected items, longer after quiet polls, jittered."""
    if rate and rate > 0:
        base = TARGET_NEW_ITEMS / rate
        if new_items == 0 and previous:
            base = max(base, previous * QUIET_GROWTH)
    elif previous:
        base = previous * QUIET_GROWTH if new_items == 0 else previous
    else:
        base = default
    base = policy.clamp(base)
    spread = base * policy.jitter
    return policy.clamp(base + rng.uniform(-spread, spread))
