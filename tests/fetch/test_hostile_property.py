"""Property: whatever mix of broken feeds, sitemaps and pages a hostile replay serves, a pass ends within its
bound, every good article is stored once and in full, and every bad document is named in the fetch log."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fetch.crawl_helpers import make_settings
from tests.fetch.test_hostile import PASS_BOUND, fetch_errors

from akhbar.fetch import crawl_pass
from akhbar.replay import ReplayServer
from akhbar.sources import sources_from_manifest
from akhbar.store import open_store

FEED_FAULTS = (None, "json_surrogate", "json_deep", "malformed_feed")
SITEMAP_FAULTS = (None, "self_index", "huge_sitemap", "huge_sitemap_cut")
#: Pages that cannot be had: each must be named in the fetch log.
BAD_PAGES = ("empty_page", "redirect_chain", "length_lie", "deep_html", "notfound")
#: Pages whose extraction may fail (or, once the extractor copes, succeed): stored once either way.
ODD_PAGES = ("jsonld_surrogate", "jsonld_deep")
#: Documents that are broken as served: each must be named in the fetch log.
BAD_DOCUMENTS = frozenset({"json_deep", "malformed_feed", "self_index", "huge_sitemap_cut"})

SourceFaults = tuple[str | None, str | None, str | None]
per_source = st.tuples(
    st.sampled_from(FEED_FAULTS),
    st.sampled_from(SITEMAP_FAULTS),
    st.sampled_from((None, *BAD_PAGES, *ODD_PAGES)),
)


def plan_faults(
    manifest: dict, base: str, chosen: list[SourceFaults]
) -> tuple[str, dict[str, str], dict[str, str]]:
    """The fault spec for the chosen faults, the faulted documents (URL -> fault) and pages (URL -> fault).

    A spec holds one rule per fault, so a fault chosen for several sources hits the last of them only.
    """
    targets: dict[str, str] = {}
    for source, (feed, sitemap, page) in zip(manifest["sources"], chosen, strict=False):
        article = next(a["url"] for a in manifest["articles"] if a["source"] == source["name"])
        for fault, url in ((feed, source["feeds"][0]), (sitemap, source["sitemaps"][0]), (page, article)):
            if fault:
                targets[fault] = url
    documents = {
        url: fault for fault, url in targets.items() if fault in FEED_FAULTS or fault in SITEMAP_FAULTS
    }
    pages = {url: fault for fault, url in targets.items() if url not in documents}
    rules = [f"{fault}={url.removeprefix(base)}" for fault, url in targets.items()]
    return ",".join([*rules, "huge_sitemap_size=3000", "deep_levels=20000"]), documents, pages


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=st.lists(per_source, min_size=4, max_size=14))
def test_a_hostile_mix_never_stops_the_pass_or_loses_a_good_article(
    replay_server: ReplayServer, chosen: list[SourceFaults]
) -> None:
    replay_server.set_faults(None)
    manifest = replay_server.manifest()
    spec, documents, pages = plan_faults(manifest, replay_server.base_url, chosen)
    replay_server.set_faults(spec)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'akhbar.db'}")
        try:
            for source in sources_from_manifest(manifest):
                store.upsert_source(source)
            crawl = crawl_pass(store, make_settings(crawl_max_new_urls="30"))
            summary = asyncio.run(asyncio.wait_for(crawl, timeout=PASS_BOUND))
            stored = list(store.iter_articles())
            errors = fetch_errors(store)
        finally:
            store.close()
            replay_server.set_faults(None)
    assert summary.sources == len(manifest["sources"]) and not summary.interrupted
    urls = [a.url for a in stored]
    assert len(urls) == len(set(urls)), "an article stored twice"
    by_url = {a.url: a for a in stored}
    for article in manifest["articles"]:
        url = article["url"]
        if url not in pages:
            assert url in by_url and not by_url[url].partial, url  # every good article, in full
        elif pages[url] in BAD_PAGES:
            assert errors.get(url), (pages[url], url)  # every bad page named
        elif by_url.get(url) is None or by_url[url].partial:
            assert errors.get(url), (pages[url], url)
    for url, fault in documents.items():
        if fault in BAD_DOCUMENTS:
            assert errors.get(url), (fault, url)  # every bad feed or sitemap named
