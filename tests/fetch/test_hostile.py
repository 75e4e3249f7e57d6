"""Hostile sites over real HTTP (replay faults): every pass ends, nothing good is lost or stored twice, and
the bad document is named in the fetch log."""

from __future__ import annotations

import asyncio

from tests.fetch.crawl_helpers import register

from akhbar.fetch import crawl_pass
from akhbar.fetch.crawler import CrawlSummary
from akhbar.replay import ReplayServer

#: A pass over the small corpus takes a few seconds; a hang is what this bound catches.
PASS_BOUND = 120.0


def one_pass(store, settings, force: bool = False) -> CrawlSummary:
    """One crawl pass, which must end within its bound."""
    return asyncio.run(asyncio.wait_for(crawl_pass(store, settings, force=force), timeout=PASS_BOUND))


def fetch_errors(store) -> dict[str, list[str]]:
    """The fetch log's failures: URL -> reasons (HTTP status when no reason was given)."""
    rows = store.rows(
        "SELECT url, status, error FROM fetch_log WHERE error IS NOT NULL OR status IS NULL OR status >= 400"
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["url"], []).append(row["error"] or f"HTTP {row['status']}")
    return found


def assert_each_stored_once(store, manifest: dict) -> None:
    """Every published article stored, none twice."""
    urls = [a.url for a in store.iter_articles()]
    assert len(urls) == len(set(urls))
    assert {a["url"] for a in manifest["articles"]} <= set(urls)


def path_of(replay: ReplayServer, url: str) -> str:
    """The path of a replay URL."""
    return url.removeprefix(replay.base_url)


def source_entry(manifest: dict, name: str) -> dict:
    """One source of the manifest."""
    return next(s for s in manifest["sources"] if s["name"] == name)


def serve_huge_sitemap(store, replay: ReplayServer, fault: str) -> tuple[dict, str]:
    """Register the sources and make CNN's sitemap a 100,000-URL one (`fault`); the manifest and that sitemap."""
    manifest = register(store, replay)
    sitemap = source_entry(manifest, "CNN")["sitemaps"][0]
    replay.set_faults(f"{fault}={path_of(replay, sitemap)},huge_sitemap_size=100000")
    return manifest, sitemap


#: Body caps that let a 100,000-URL sitemap through.
HUGE_BODIES = {"max_body_bytes": str(8 << 20), "max_decompressed_bytes": str(16 << 20)}


def article_of(manifest: dict, name: str) -> str:
    """The URL of one article of a source."""
    return next(a["url"] for a in manifest["articles"] if a["source"] == name)


def test_self_listing_sitemap_index_is_read_once(replay: ReplayServer, store, crawl_settings) -> None:
    manifest = register(store, replay)
    sitemap = source_entry(manifest, "BBC")["sitemaps"][0]
    replay.set_faults(f"self_index={path_of(replay, sitemap)}")
    one_pass(store, crawl_settings())
    assert_each_stored_once(store, manifest)
    reads = [e for e in replay.request_log() if e["path"].startswith(path_of(replay, sitemap))]
    assert len(reads) == 3  # the index, its looping twin, the real sitemap: each once
    assert any("listed again" in reason for reason in fetch_errors(store)[sitemap])


def test_sitemap_depth_limit_is_named(replay: ReplayServer, store, crawl_settings) -> None:
    manifest = register(store, replay)
    sitemap = source_entry(manifest, "BBC")["sitemaps"][0]
    replay.set_faults(f"self_index={path_of(replay, sitemap)}")
    one_pass(store, crawl_settings(crawl_sitemap_depth="1"))
    assert_each_stored_once(store, manifest)  # through the feed
    assert any("depth limit (1 levels)" in reason for reason in fetch_errors(store)[sitemap])
    assert len([e for e in replay.request_log() if e["path"].startswith(path_of(replay, sitemap))]) == 1


def test_self_listing_index_does_not_hold_a_stopped_pass(replay: ReplayServer, store, crawl_settings) -> None:
    register(store, replay)
    replay.set_faults("self_index,latency=0.05")

    async def stopped() -> CrawlSummary:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.3, stop.set)
        return await asyncio.wait_for(crawl_pass(store, crawl_settings(), stop=stop), timeout=PASS_BOUND)

    assert asyncio.run(stopped()).interrupted


def test_huge_sitemap_is_queued_a_slice_per_pass_and_nothing_is_lost(
    replay: ReplayServer, store, crawl_settings
) -> None:
    manifest, sitemap = serve_huge_sitemap(store, replay, "huge_sitemap")
    settings = crawl_settings(crawl_max_new_urls="20", crawl_max_retries="5", **HUGE_BODIES)
    first = one_pass(store, settings)
    assert_each_stored_once(store, manifest)
    assert first.deferred >= 50_000 - 20 - len(
        manifest["articles"]
    )  # the protocol's 50,000 URLs, less a pass
    assert any("protocol's limit" in r for r in fetch_errors(store)[sitemap])
    state = store.source_state("CNN")
    assert len(state["retry"]) == 5  # the pages that do not exist, capped, oldest dropped
    dropped = [
        url for url, reasons in fetch_errors(store).items() if any("retry dropped" in r for r in reasons)
    ]
    assert dropped and all("/cnn/huge/" in url for url in dropped)
    replay.clear_log()
    one_pass(store, settings, force=True)
    again = [e for e in replay.request_log() if e["path"] == path_of(replay, sitemap)]
    assert again and again[0]["status"] == 200  # read in full again: the rest of it was left for this pass
    assert_each_stored_once(store, manifest)


def test_cut_huge_sitemap_keeps_the_whole_entries(replay: ReplayServer, store, crawl_settings) -> None:
    manifest, sitemap = serve_huge_sitemap(store, replay, "huge_sitemap_cut")
    settings = crawl_settings(crawl_max_new_urls="10", **HUGE_BODIES)
    one_pass(store, settings)
    assert_each_stored_once(store, manifest)
    assert any("broken document" in r for r in fetch_errors(store)[sitemap])


def test_json_feed_with_lone_surrogates_stores_clean_text(
    replay: ReplayServer, store, crawl_settings
) -> None:
    manifest = register(store, replay)
    feed = source_entry(manifest, "alarabia")["feeds"][0]
    replay.set_faults(f"json_surrogate={path_of(replay, feed)}")
    summary = one_pass(store, crawl_settings())
    assert_each_stored_once(store, manifest)
    assert summary.documents >= len(manifest["sources"])
    for article in store.iter_articles():
        (article.title + article.text).encode("utf-8")  # no lone surrogate reached the store


def test_deep_json_feed_is_refused_and_named(replay: ReplayServer, store, crawl_settings) -> None:
    manifest = register(store, replay)
    feed = source_entry(manifest, "alarabia")["feeds"][0]
    replay.set_faults(f"json_deep={path_of(replay, feed)}")
    one_pass(store, crawl_settings())
    assert_each_stored_once(store, manifest)  # through the sitemap
    assert any("nested" in r for r in fetch_errors(store)[feed])


def test_hostile_json_ld_never_loses_the_article(replay: ReplayServer, store, crawl_settings) -> None:
    manifest = register(store, replay)
    victims = [article_of(manifest, "BBC"), article_of(manifest, "france24")]
    replay.set_faults(
        f"jsonld_surrogate={path_of(replay, victims[0])},jsonld_deep={path_of(replay, victims[1])}"
    )
    one_pass(store, crawl_settings())
    assert_each_stored_once(store, manifest)
    errors = fetch_errors(store)
    for article in store.iter_articles():
        (article.title + article.text).encode("utf-8")
        if article.url in victims and article.partial:
            assert errors[article.url], article.url  # kept from its feed entry: the failure is named


def test_bad_pages_become_stand_ins_named_in_the_fetch_log(
    replay: ReplayServer, store, crawl_settings
) -> None:
    manifest = register(store, replay)
    faults = {
        "redirect_chain": article_of(manifest, "BBC"),
        "empty_page": article_of(manifest, "CNN"),
        "deep_html": article_of(manifest, "skynews"),
    }
    replay.set_faults(",".join(f"{fault}={path_of(replay, url)}" for fault, url in faults.items()))
    summary = one_pass(store, crawl_settings())
    assert_each_stored_once(store, manifest)
    stored = {a.url: a for a in store.iter_articles()}
    errors = fetch_errors(store)
    assert "redirects" in " ".join(errors[faults["redirect_chain"]])
    assert "empty page" in " ".join(errors[faults["empty_page"]])
    assert errors[faults["deep_html"]]
    assert all(stored[url].partial for url in faults.values())
    assert summary.partial == 3
    assert all(store.source_state(s)["retry"] for s in ("BBC", "CNN", "skynews"))


def test_content_length_lie_is_kept_partial_and_fetched_again(
    replay: ReplayServer, store, crawl_settings
) -> None:
    manifest = register(store, replay)
    victim = article_of(manifest, "france24")
    replay.set_faults(f"length_lie={path_of(replay, victim)}")
    one_pass(store, crawl_settings())
    assert_each_stored_once(store, manifest)
    article = store.get_article(store.article_id_for_url(victim))
    assert article.partial
    assert any("cut" in r for r in fetch_errors(store)[victim])  # the transport sees the short body
    replay.set_faults(None)
    one_pass(store, crawl_settings(), force=True)
    article = store.get_article(store.article_id_for_url(victim))
    assert not article.partial and not store.source_state("france24")["retry"]
    assert_each_stored_once(store, manifest)


def test_documents_per_pass_are_capped(replay: ReplayServer, store, crawl_settings) -> None:
    manifest = register(store, replay)
    summary = one_pass(store, crawl_settings(crawl_max_documents="1"))
    assert_each_stored_once(store, manifest)  # every article is in its source's first feed
    extra = sum(len(s["feeds"]) + len(s["sitemaps"]) - 1 for s in manifest["sources"])
    assert summary.documents == len(manifest["sources"]) and summary.deferred == extra
    assert any("over 1 feeds and sitemaps in one pass" in e for e in summary.errors)
    assert not [e for e in replay.request_log() if e["kind"] == "sitemap"]
