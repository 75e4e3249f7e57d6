"""robots.txt: fetched once per origin, cached for a while, consulted before every request.

Rules are read by protego, which follows RFC 9309: `*` and `$` in paths, the longest matching rule wins, and
Allow wins a tie with Disallow (the standard library's parser ignores wildcards and takes the first match).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from protego import Protego

from akhbar.extract.urls import origin_of

ERROR_TTL = 60.0
MAX_ROBOTS_BYTES = 512 * 1024


@dataclass
class RobotsRules:
    """One origin's rules. `allow_all`/`deny_all` stand for a missing file and an unreachable one."""

    parser: Protego | None = None
    fetched_at: float = field(default_factory=time.monotonic)
    ttl: float = 3600.0
    deny_all: bool = False
    cap_reported: bool = False

    def allowed(self, url: str, agent: str) -> bool:
        """True when the rules let `agent` fetch `url`."""
        if self.deny_all:
            return False
        return True if self.parser is None else bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        """The Crawl-delay the file asks of `agent`, if any."""
        if self.parser is None:
            return None
        try:
            delay = self.parser.crawl_delay(agent)
        except (ValueError, TypeError):
            return None
        return float(delay) if delay is not None else None

    def sitemaps(self) -> list[str]:
        """The Sitemap: lines of the file."""
        return list(self.parser.sitemaps) if self.parser is not None else []

    @property
    def expired(self) -> bool:
        """True when the rules are older than their time to live."""
        return time.monotonic() - self.fetched_at > self.ttl


def parse_robots(text: str, ttl: float) -> RobotsRules:
    """Rules from the text of a robots.txt."""
    return RobotsRules(parser=Protego.parse(text), ttl=ttl)


# Fetches a robots.txt URL: returns (status or None on network failure, body text).
RobotsFetch = Callable[[str], Awaitable[tuple[int | None, str]]]


class RobotsCache:
    """Per-origin robots rules, fetched on first use and again after `ttl` seconds."""

    def __init__(self, fetch: RobotsFetch, ttl: float = 6 * 3600.0) -> None:
        self._fetch = fetch
        self.ttl = ttl
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        """The rules of the URL's origin (fetching robots.txt when unknown or expired)."""
        origin = origin_of(url)
        rules = self._rules.get(origin)
        if rules is not None and not rules.expired:
            return rules
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            rules = self._rules.get(origin)
            if rules is None or rules.expired:
                rules = await self._load(origin)
                self._rules[origin] = rules
        return rules

    async def _load(self, origin: str) -> RobotsRules:
        """Fetch and parse an origin's robots.txt: 4xx allows everything, 5xx or no answer denies for a while."""
        status, text = await self._fetch(origin + "/robots.txt")
        if status is not None and 200 <= status < 300:
            return parse_robots(text, self.ttl)
        if status is not None and 400 <= status < 500:
            return RobotsRules(ttl=self.ttl)
        return RobotsRules(deny_all=True, ttl=min(self.ttl, ERROR_TTL))

    async def allowed(self, url: str, agent: str) -> bool:
        """True when robots.txt lets `agent` fetch `url`."""
        return (await self.rules_for(url)).allowed(url, agent)
