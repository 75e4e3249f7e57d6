"""Politeness: at most N requests in flight per host and a minimum gap between their starts, plus a global cap."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class HostGate:
    """One host's slots and the earliest time the next request may start."""

    limit: int
    semaphore: asyncio.Semaphore = field(init=False)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    in_flight: int = 0
    max_in_flight: int = 0
    requests: int = 0

    def __post_init__(self) -> None:
        self.semaphore = asyncio.Semaphore(self.limit)


class Politeness:
    """Per-host concurrency and crawl delay, and a global concurrency cap."""

    def __init__(
        self, per_host: int = 2, global_limit: int = 16, delay: float = 1.0, max_delay: float = 30.0
    ) -> None:
        if per_host < 1 or global_limit < 1:
            raise ValueError("concurrency limits must be at least 1")
        self.per_host = per_host
        self.delay = max(0.0, delay)
        self.max_delay = max(self.delay, max_delay)
        self.global_semaphore = asyncio.Semaphore(global_limit)
        self.gates: dict[str, HostGate] = {}
        self.host_delays: dict[str, float] = {}

    def gate(self, host: str) -> HostGate:
        """The gate of a host (created on first use)."""
        if host not in self.gates:
            self.gates[host] = HostGate(self.per_host)
        return self.gates[host]

    def set_host_delay(self, host: str, delay: float | None) -> float:
        """A host-specific delay (robots.txt Crawl-delay), between the configured one and `max_delay`; returns it."""
        if delay is None or delay != delay:  # absent or NaN
            return self.host_delays.get(host, self.delay)
        self.host_delays[host] = min(self.max_delay, max(self.delay, delay))
        return self.host_delays[host]

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Wait for a free slot on the host and globally, and for the host's delay; hold them inside."""
        gate = self.gate(host)
        delay = self.host_delays.get(host, self.delay)
        async with gate.semaphore:
            async with gate.lock:
                wait = gate.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                gate.next_start = time.monotonic() + delay
            async with self.global_semaphore:
                gate.in_flight += 1
                gate.requests += 1
                gate.max_in_flight = max(gate.max_in_flight, gate.in_flight)
                try:
                    yield
                finally:
                    gate.in_flight -= 1

    def max_in_flight(self) -> dict[str, int]:
        """The most requests ever in flight at once, per host."""
        return {host: gate.max_in_flight for host, gate in self.gates.items()}
