"""robots.txt by RFC 9309 (protego) over real HTTP on loopback, and the Crawl-delay cap."""

from __future__ import annotations

import asyncio

import pytest

from akhbar.config import load_settings
from akhbar.errors import RobotsDisallowedError
from akhbar.fetch.client import Fetcher
from akhbar.fetch.politeness import Politeness
from akhbar.fetch.robots import parse_robots
from sources.loopback_site import LoopbackSite, Page

ROBOTS = b"""User-agent: *
Disallow: /*?print=
Disallow: /*/amp$
Disallow: /search*
Disallow: /
Allow: /news/
Sitemap: /news/sitemap.xml
"""
PAGE = Page(b"<html><body>page</body></html>")
CASES = [
    ("/news/2024/story?print=1", False),  # wildcard inside the path
    ("/news/2024/story/amp", False),  # `$` anchors the end
    ("/news/2024/story/amp/more", True),  # ... so a longer path is not matched
    ("/search?q=x", False),  # trailing `*`
    ("/searching", False),
    ("/news/2024/story", True),  # Allow: /news/ is longer than Disallow: /, so it wins
    ("/about", False),
]


def settings(**extra: str):
    """Loopback allowed, no delay, no retries."""
    env = {"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0", "AKHBAR_RETRIES": "0"}
    env.update({f"AKHBAR_{k.upper()}": v for k, v in extra.items()})
    return load_settings(env=env)


def test_rfc9309_rules_over_http() -> None:
    pages = {"/robots.txt": Page(ROBOTS, content_type="text/plain")} | {path: PAGE for path, _ in CASES}
    with LoopbackSite(pages) as site:

        async def run() -> dict[str, bool]:
            outcome = {}
            async with Fetcher(settings()) as fetcher:
                for path, _ in CASES:
                    try:
                        outcome[path] = (await fetcher.fetch(site.base_url + path)).ok
                    except RobotsDisallowedError:
                        outcome[path] = False
            return outcome

        outcome = asyncio.run(run())
        assert outcome == dict(CASES)
        fetched = [p for p in site.paths() if p != "/robots.txt"]
        assert fetched == [path for path, allowed in CASES if allowed]
        assert site.paths().count("/robots.txt") == 1


def test_agent_groups_and_sitemaps() -> None:
    rules = parse_robots(
        "User-agent: Akhbar\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n"
        "Sitemap: https://x.example/s.xml\n",
        60,
    )
    agent = "Akhbar/0.1 (+https://github.com/akhbar/akhbar; news aggregator)"
    assert rules.allowed("https://x.example/news/1", agent)
    assert not rules.allowed("https://x.example/private/1", agent)
    assert not rules.allowed("https://x.example/news/1", "OtherBot/1.0")
    assert rules.sitemaps() == ["https://x.example/s.xml"]


def test_a_huge_crawl_delay_is_capped_and_reported() -> None:
    robots = Page(b"User-agent: *\nCrawl-delay: 100000\n", content_type="text/plain")
    with LoopbackSite({"/robots.txt": robots, "/a": PAGE, "/b": PAGE}) as site:
        log: list = []

        async def run() -> Fetcher:
            async with Fetcher(settings(max_crawl_delay="0.05"), on_result=log.append) as fetcher:
                for path in ("/a", "/b"):
                    assert (await fetcher.fetch(site.base_url + path, source="s")).ok
                return fetcher

        fetcher = asyncio.run(asyncio.wait_for(run(), timeout=60))  # a bound on a hang, not a timing
        assert set(fetcher.politeness.host_delays.values()) == {0.05}
        notes = [r for r in log if r.error and "Crawl-delay" in r.error]
        assert len(notes) == 1 and notes[0].source == "s" and "100000 s capped at 0.05 s" in notes[0].error


@pytest.mark.parametrize(
    ("asked", "applied"), [(None, 1.0), (0.5, 1.0), (5.0, 5.0), (1e9, 30.0), (float("nan"), 1.0)]
)
def test_politeness_keeps_delays_between_the_setting_and_the_cap(asked, applied) -> None:
    politeness = Politeness(delay=1.0, max_delay=30.0)
    assert politeness.set_host_delay("h", asked) == applied
