"""The crawler against replay over real HTTP: completeness under every fault, politeness, conditional GET."""

from __future__ import annotations

import asyncio

import pytest
from tests.fetch.crawl_helpers import register

from akhbar.fetch import Crawler, crawl_forever, crawl_pass
from akhbar.replay import FAULTS, HOSTILE, ReplayServer
from akhbar.text import normalize

FAULT_PARAMS = "seed=3,retry_after=1,hang_seconds=3,drip_rate=2000,big_body_size=3000000,bomb_size=60000000"


def stored_urls(store) -> list[str]:
    """Every stored article URL (with repeats, if there were any)."""
    return [a.url for a in store.iter_articles()]


def complete(store, manifest: dict) -> bool:
    """True when every manifest article is stored in full."""
    expected = {a["url"] for a in manifest["articles"]}
    full = {a.url for a in store.iter_articles() if not a.partial}
    return expected <= full


def test_first_pass_stores_every_article_once_and_politely(
    replay: ReplayServer, store, crawl_settings
) -> None:
    manifest = register(store, replay)
    settings = crawl_settings()

    async def run() -> Crawler:
        async with Crawler(store, settings) as crawler:
            summary = await crawler.run_pass()
            assert summary.partial == 0 and summary.failed == 0, summary.errors
        return crawler

    crawler = asyncio.run(run())
    urls = stored_urls(store)
    assert sorted(urls) == sorted(a["url"] for a in manifest["articles"])
    assert all(not a.partial for a in store.iter_articles())
    in_flight = crawler.fetcher.politeness.max_in_flight()
    assert in_flight and max(in_flight.values()) <= settings.per_host_concurrency
    disallowed = [d for s in manifest["sources"] for d in s["disallow"]]
    paths = [e["path"] for e in replay.request_log()]
    base = manifest["base_url"]
    assert not [p for p in paths if any((base + p).startswith(d) for d in disallowed)]
    assert all(e["user_agent"] == settings.user_agent for e in replay.request_log())
    health = store.source_health(manifest["sources"][0]["name"])
    assert health.fetches > 0 and health.last_success is not None


def test_titles_and_dates_match_the_corpus(replay: ReplayServer, store, crawl_settings) -> None:
    manifest = register(store, replay)
    asyncio.run(crawl_pass(store, crawl_settings()))
    by_url = {a.url: a for a in store.iter_articles()}
    for item in manifest["articles"]:
        article = by_url[item["url"]]
        assert normalize(article.title) == normalize(item["title"])
        if item["published"]:
            assert article.published is not None
            assert article.published.date().isoformat() == item["published"][:10]


def test_windows_1256_pages_decode(replay: ReplayServer, store, crawl_settings) -> None:
    manifest = register(store, replay)
    asyncio.run(crawl_pass(store, crawl_settings()))
    cp1256 = {s["name"] for s in manifest["sources"] if s["charset"].startswith("cp1256")}
    assert cp1256, "the test corpus must include windows-1256 sources"
    texts = {replay.base_url + a.path: a.text for a in replay.catalog.by_path.values()}
    checked = 0
    for article in store.iter_articles():
        if article.source in cp1256:
            expected = normalize(texts[article.url]).split()
            assert normalize(article.text).split() == expected
            checked += 1
    assert checked >= 4


def test_re_polls_are_conditional_and_get_304(replay: ReplayServer, store, crawl_settings) -> None:
    register(store, replay)
    settings = crawl_settings()
    asyncio.run(crawl_pass(store, settings))
    replay.clear_log()
    summary = asyncio.run(crawl_pass(store, settings, force=True))
    log = replay.request_log()
    feeds = [e for e in log if e["kind"] in ("rss", "atom", "sitemap")]
    assert feeds and all(e["conditional"] and e["status"] == 304 for e in feeds)
    assert summary.not_modified == len(feeds)
    assert not [e for e in log if e["kind"] == "article"]


def test_due_sources_only_without_force(replay: ReplayServer, store, crawl_settings) -> None:
    register(store, replay)
    settings = crawl_settings(poll_min="3600")
    asyncio.run(crawl_pass(store, settings))
    again = asyncio.run(crawl_pass(store, settings))
    assert again.sources == 0


@pytest.mark.parametrize("fault", [f for f in FAULTS if f not in HOSTILE])  # hostile ones: test_hostile.py
def test_every_article_stored_once_after_fault(
    fault: str, replay: ReplayServer, store, crawl_settings
) -> None:
    manifest = register(store, replay)
    settings = crawl_settings()
    replay.set_faults(f"{fault}=0.4,{FAULT_PARAMS}")
    first = asyncio.run(crawl_pass(store, settings))
    assert first.sources == len(manifest["sources"])
    replay.set_faults(None)
    for _ in range(3):
        if complete(store, manifest):
            break
        asyncio.run(crawl_pass(store, settings, force=True))
    urls = stored_urls(store)
    assert len(urls) == len(set(urls))
    assert set(urls) == {a["url"] for a in manifest["articles"]}
    assert_all_complete(store, replay, manifest)


def assert_all_complete(store, replay: ReplayServer, manifest: dict) -> None:
    """Every article fetched in full: no retry pending, and no partial stand-in short of the corpus text.

    (A stand-in whose feed summary already was the whole text keeps its partial flag: the store sees the
    full version as unchanged.)
    """
    texts = {replay.base_url + a.path: a.text for a in replay.catalog.by_path.values()}
    for article in store.iter_articles():
        if article.partial:
            assert normalize(article.text).split() == normalize(texts[article.url]).split(), article.url
    for source in manifest["sources"]:
        assert not store.source_state(source["name"]).get("retry"), source["name"]


def test_unreachable_page_is_stored_partial_then_completed(
    replay: ReplayServer, store, crawl_settings
) -> None:
    manifest = register(store, replay)
    settings = crawl_settings()
    victim = manifest["articles"][0]["url"].removeprefix(replay.base_url)
    replay.set_faults(f"notfound={victim}")
    asyncio.run(crawl_pass(store, settings))
    partial = [a for a in store.iter_articles() if a.partial]
    assert [a.url for a in partial] == [replay.base_url + victim]
    assert partial[0].title and partial[0].text
    replay.set_faults(None)
    asyncio.run(crawl_pass(store, settings, force=True))
    article_id = store.article_id_for_url(replay.base_url + victim)
    article = store.get_article(article_id)
    assert article is not None and not article.partial
    assert len(store.article_versions(article_id)) == 1


def test_crawl_forever_stops_gracefully(replay: ReplayServer, store, crawl_settings) -> None:
    register(store, replay)
    settings = crawl_settings()
    passes = []

    async def run() -> None:
        stop = asyncio.Event()

        def on_pass(summary) -> None:
            passes.append(summary)
            stop.set()

        await asyncio.wait_for(crawl_forever(store, settings, stop, on_pass=on_pass, idle=0.05), timeout=60)

    asyncio.run(run())
    assert len(passes) == 1
    assert store.article_count() == len(replay.manifest()["articles"])


def test_a_pass_stopped_midway_loses_nothing(replay: ReplayServer, store, crawl_settings) -> None:
    manifest = register(store, replay)
    settings = crawl_settings(per_host_concurrency="1")
    replay.set_faults("latency=0.05")

    async def stopped_pass() -> object:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.8, stop.set)
        return await crawl_pass(store, settings, stop=stop)

    summary = asyncio.run(stopped_pass())
    assert summary.interrupted
    assert store.article_count() < len(manifest["articles"])
    replay.set_faults(None)
    asyncio.run(crawl_pass(store, settings, force=True))
    urls = stored_urls(store)
    assert sorted(urls) == sorted(a["url"] for a in manifest["articles"])


def test_an_unresolvable_source_is_in_its_fetch_record(store, crawl_settings) -> None:
    from akhbar.models import Source

    store.upsert_source(
        Source(
            "gone",
            "مصدر غائب",
            home="http://no-such-host.invalid/",
            feeds=["http://no-such-host.invalid/rss.xml"],
        )
    )
    settings = crawl_settings(allow_private_hosts="0", retries="0")
    asyncio.run(crawl_pass(store, settings))
    health = store.source_health("gone")
    assert health.errors >= 1 and health.last_error is not None
    assert "cannot resolve" in (health.last_error_message or "")
