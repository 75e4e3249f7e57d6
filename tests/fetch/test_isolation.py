"""Isolation: a bad page, feed or saved state ends as a recorded outcome; `akhbar crawl --once` still exits 0."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

from tests.fetch.crawl_helpers import CRAWL_ENV, register

from akhbar.fetch import Crawler, crawl_pass
from akhbar.fetch.crawler import CrawlSummary
from akhbar.pipeline import Pipeline
from akhbar.replay import ReplayServer
from akhbar.sources import sources_from_manifest
from akhbar.store import open_store
from akhbar.text import normalize


def akhbar(*args: str) -> subprocess.CompletedProcess:
    """Run the akhbar command to its end."""
    return subprocess.run(
        [sys.executable, "-m", "akhbar", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **CRAWL_ENV},
    )


def test_crawl_once_with_pages_that_break_the_extractor_exits_0_and_shows_them(
    replay: ReplayServer, tmp_path
) -> None:
    manifest = replay.manifest()
    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    store = open_store(url)
    for source in sources_from_manifest(manifest):
        store.upsert_source(source)
    store.close()
    pages = {a["source"]: a["url"] for a in manifest["articles"]}
    empty, deep = pages["CNN"], pages["BBC"]
    feed = next(s["feeds"][0] for s in manifest["sources"] if s["name"] == "alarabia")
    sitemap = next(s["sitemaps"][0] for s in manifest["sources"] if s["name"] == "okaz")
    replay.set_faults(
        ",".join(
            f"{fault}={u.removeprefix(replay.base_url)}"
            for fault, u in (
                ("empty_page", empty),
                ("jsonld_deep", deep),
                ("json_surrogate", feed),
                ("self_index", sitemap),
            )
        )
    )

    crawl = akhbar("crawl", "--once", "--db", url)
    assert crawl.returncode == 0, crawl.stdout[-2000:] + crawl.stderr[-2000:]
    assert "Traceback" not in crawl.stderr

    listed = akhbar("sources", "list", "--db", url, "--json")
    assert listed.returncode == 0, listed.stderr
    health = {s["id"]: s["health"] for s in json.loads(listed.stdout)}
    assert (
        empty in health["CNN"]["last_error_message"] and "empty page" in health["CNN"]["last_error_message"]
    )
    store = open_store(url)
    try:
        stored = {a.url: a for a in store.iter_articles()}
        assert len(stored) == len([a.url for a in store.iter_articles()])  # none twice
        assert {a["url"] for a in manifest["articles"]} <= set(stored)  # nothing lost
        assert stored[empty].partial
        if stored[deep].partial:
            assert deep in (health["BBC"]["last_error_message"] or "")
    finally:
        store.close()


def test_a_corrupt_saved_state_is_repaired(replay: ReplayServer, store, crawl_settings) -> None:
    manifest = register(store, replay)
    bbc = next(s for s in manifest["sources"] if s["name"] == "BBC")
    store.save_source_state("BBC", {"feeds": {bbc["feeds"][0]: "not a record"}, "retry": {"x": 3}}, None)
    summary = asyncio.run(asyncio.wait_for(crawl_pass(store, crawl_settings()), timeout=120))
    assert summary.failed == 0 and not summary.errors
    assert {a["url"] for a in manifest["articles"]} <= {a.url for a in store.iter_articles()}
    assert isinstance(store.source_state("BBC")["feeds"][bbc["feeds"][0]], dict)


class BuggyCrawler(Crawler):
    """A crawler with a bug on one source (what the boundary is for: no real input reaches it)."""

    def _unknown(self, urls: list[str], aliases: dict[str, str]) -> list[str]:
        if any("/bbc/" in url for url in urls):
            raise ZeroDivisionError("a bug")
        return super()._unknown(urls, aliases)


def test_a_bug_on_one_source_fails_only_that_source(replay: ReplayServer, store, crawl_settings) -> None:
    manifest = register(store, replay)

    async def run() -> CrawlSummary:
        async with BuggyCrawler(store, crawl_settings()) as crawler:
            return await asyncio.wait_for(crawler.run_pass(), timeout=120)

    summary = asyncio.run(run())
    assert summary.sources == len(manifest["sources"])
    assert "crawl of source BBC failed: ZeroDivisionError: a bug" in summary.errors
    assert "ZeroDivisionError: a bug" in (store.source_health("BBC").last_error_message or "")
    others = {a["url"] for a in manifest["articles"] if a["source"] != "BBC"}
    assert others <= {a.url for a in store.iter_articles()}


class PickyStage:
    """A plugin stage that fails on one full article (a third-party stage's bug)."""

    name = "picky"

    def __init__(self, title: str) -> None:
        self.title = title

    def process(self, store, articles) -> None:
        if any(a.title == self.title and not a.partial for a in articles):
            raise ValueError("picky stage refuses this one")


def test_an_article_the_store_refuses_is_named_and_kept_as_stand_in(
    replay: ReplayServer, store, crawl_settings
) -> None:
    manifest = register(store, replay)
    victim = manifest["articles"][0]
    pipeline = Pipeline(store, [PickyStage(normalize(victim["title"]))])

    async def run() -> CrawlSummary:
        async with Crawler(store, crawl_settings(), pipeline=pipeline) as crawler:
            return await asyncio.wait_for(crawler.run_pass(), timeout=120)

    asyncio.run(run())
    stored = {a.url: a for a in store.iter_articles()}
    assert len(stored) == len(list(store.iter_articles())) == len(manifest["articles"])
    assert stored[victim["url"]].partial and not any(
        a.partial for u, a in stored.items() if u != victim["url"]
    )
    reason = store.source_health(victim["source"]).last_error_message or ""
    assert "not stored: ValueError: picky stage refuses this one" in reason
    assert victim["url"] in store.source_state(victim["source"])["retry"]
