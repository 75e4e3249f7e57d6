"""Sources identified by home prefix: ids, ownership, names from the site, three sites under one host, and feeds
rediscovered when one stops working (all over real HTTP on loopback)."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import pytest
from loopback_site import LoopbackSite, Page
from typer.testing import CliRunner

from akhbar.cli import app
from akhbar.config import load_settings
from akhbar.fetch.crawler import Crawler
from akhbar.models import Source
from akhbar.replay import ReplayServer
from akhbar.sources.registry import home_prefix, owner_of, page_name, source_id_for, strip_tagline
from akhbar.store import open_store
from backends import pg_url, store_url  # noqa: F401

SITES = ("bbc", "cnn", "france24")
PER_SITE = 15  # the case: 45 published articles, of which the old ids stored 15
ENV = {"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0"}


@pytest.mark.parametrize(
    ("url", "prefix", "sid"),
    [
        ("https://www.bbc.com/arabic", "https://www.bbc.com/arabic/", "bbc-com-arabic"),
        ("https://www.france24.com/ar/", "https://www.france24.com/ar/", "france24-com-ar"),
        ("https://www.dw.com/ar/rss.xml", "https://www.dw.com/ar/", "dw-com-ar"),
        ("https://www.hespress.com/", "https://www.hespress.com/", "hespress-com"),
        ("http://127.0.0.1:8123/cnn/", "http://127.0.0.1:8123/cnn/", "127-0-0-1-cnn"),
    ],
)
def test_ids_come_from_host_and_path_prefix(url: str, prefix: str, sid: str) -> None:
    assert home_prefix(url) == prefix and source_id_for(url) == sid


def test_an_article_belongs_to_the_longest_home_prefix() -> None:
    bbc = Source(id="bbc-com", name="BBC", home="https://www.bbc.com/")
    arabic = Source(id="bbc-com-arabic", name="بي بي سي عربي", home="https://www.bbc.com/arabic")
    f24 = Source(id="france24-com-ar", name="فرانس 24", home="https://www.france24.com/ar/")
    sources = [bbc, arabic, f24]
    assert owner_of("https://www.bbc.com/arabic/articles/c1", sources) is arabic
    assert (
        owner_of("http://bbc.com/arabic/articles/c1", sources) is arabic
    )  # scheme and www. do not split a site
    assert owner_of("https://www.bbc.com/news/world-1", sources) is bbc
    assert owner_of("https://www.bbc.com/arabicxyz", sources) is bbc  # a prefix ends at a path segment
    assert owner_of("https://www.france24.com/fr/x", sources) is None
    assert owner_of("https://www.france24.com/ar/20240101-x", sources) is f24


def test_names_come_from_the_site_not_from_a_feed_title() -> None:
    assert strip_tagline("آخر الأخبار - فرانس 24") == "فرانس 24"
    assert strip_tagline("Hespress - هسبريس جريدة إلكترونية مغربية") == "Hespress"
    assert strip_tagline("أخبار العالم | سكاي نيوز عربية", ["سكاي نيوز عربية"]) == "سكاي نيوز عربية"
    url = "https://x.example/"
    assert (
        page_name(
            '<html><head><meta property="og:site_name" content="الجزيرة نت">'
            "<title>الرئيسية - الجزيرة</title></head></html>",
            url,
        )
        == "الجزيرة نت"
    )
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "publisher": {"@type": "Organization", "name": "العربية"},
    }
    assert (
        page_name(
            f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script>'
            "<title>خبر - موقع</title></head></html>",
            url,
        )
        == "العربية"
    )
    assert (
        page_name("<html><head><title>الصفحة الرئيسية | بي بي سي عربي</title></head></html>", url)
        == "بي بي سي عربي"
    )
    assert page_name("<html><head></head></html>", url) == "x.example"


@pytest.fixture(scope="module")
def three_sites(shared: Path, tmp_path_factory: pytest.TempPathFactory):
    """One replay host serving three outlets under /bbc/, /cnn/ and /france24/."""
    folder = tmp_path_factory.mktemp("three")
    paths = []
    for site in SITES:
        lines = []
        with gzip.open(shared / f"corpora/ant-v2.1/{site}.jsonl.gz", "rb") as handle:
            for raw in handle:
                record = json.loads(raw)
                if record.get("text") and record.get("title"):
                    lines.append(raw.rstrip(b"\n"))
                if len(lines) == PER_SITE:
                    break
        path = folder / f"{site}.jsonl.gz"
        path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
        paths.append(path)
    with ReplayServer(paths, on_error=lambda m: None) as server:
        yield server


def test_three_sites_under_one_host_are_three_sources(three_sites: ReplayServer, tmp_path: Path) -> None:
    manifest = three_sites.manifest()
    assert len({s["home"].split("/")[2] for s in manifest["sources"]}) == 1  # one host:port for all three
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'three.db'}"
    for entry in manifest["sources"]:
        added = runner.invoke(app, ["sources", "add", entry["home"], "--db", db], env=ENV)
        assert added.exit_code == 0, added.output
    crawled = runner.invoke(app, ["crawl", "--once", "--db", db], env=ENV)
    assert crawled.exit_code == 0, crawled.output
    store = open_store(db)
    try:
        sources = {s.id: s for s in store.list_sources()}
        assert set(sources) == {f"127-0-0-1-{s['slug']}" for s in manifest["sources"]}
        assert {s.name for s in sources.values()} == {s["title"] for s in manifest["sources"]}
        articles = list(store.iter_articles())
    finally:
        store.close()
    urls = [a.url for a in articles]
    assert sorted(urls) == sorted(a["url"] for a in manifest["articles"])  # every article, exactly once
    assert len(manifest["articles"]) == PER_SITE * len(SITES)
    listed = list(sources.values())
    for article in articles:
        assert owner_of(article.url, listed).id == article.source
    assert len({a.source for a in articles}) == len(SITES)


def test_a_feed_listing_another_sources_pages_stores_them_under_that_source(
    three_sites: ReplayServer, tmp_path: Path
) -> None:
    """A feed of the whole host lists /bbc/ pages: they belong to the /bbc/ source, the longest home prefix."""
    bbc = next(s for s in three_sites.manifest()["sources"] if s["slug"] == "bbc")
    root = bbc["home"].rsplit("/bbc/", 1)[0] + "/"
    store = open_store(f"sqlite:///{tmp_path / 'owners.db'}")
    try:
        store.upsert_source(Source(id="whole-host", name="whole host", home=root, feeds=[bbc["feeds"][0]]))
        store.upsert_source(Source(id="bbc-only", name="BBC", home=bbc["home"], enabled=False))
        settings = load_settings(ENV, toml_path=None)

        async def one_pass() -> None:
            async with Crawler(store, settings) as crawler:
                await crawler.run_pass(force=True)

        asyncio.run(one_pass())
        articles = list(store.iter_articles())
    finally:
        store.close()
    assert articles and {a.source for a in articles} == {"bbc-only"}


ARTICLE = (
    "<html><head><title>{title} - موقع الاختبار</title></head><body><article><h1>{title}</h1>"
    + "<p>"
    + "قالت مصادر رسمية إن الاجتماع ناقش تطورات الأوضاع الاقتصادية في المنطقة وسبل تعزيز التعاون. " * 12
    + "</p><p>"
    + "وأضافت المصادر أن الجانبين اتفقا على مواصلة المشاورات خلال الأسابيع المقبلة. " * 10
    + "</p></article></body></html>"
)


def rss(base: str, items: list[tuple[str, str]]) -> bytes:
    """An RSS 2.0 feed of (path, title) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{p}</link><guid>{base}{p}</guid>"
        "<pubDate>Mon, 30 Nov 2026 01:00:00 GMT</pubDate></item>"
        for p, t in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>آخر الأخبار - موقع الاختبار'
        f"</title><link>{base}/news/</link>{entries}</channel></rss>"
    ).encode()


def sitemap(base: str, paths: list[str]) -> bytes:
    """A plain sitemap of paths."""
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    ).encode()


@pytest.mark.parametrize(
    "gone",
    [
        Page(b"gone", 404, "text/plain"),
        Page(b"gone", 410, "text/plain"),
        Page(b"", 301, headers={"Location": "/news/"}),
    ],
    ids=["404", "410", "moved-to-html"],
)
def test_a_source_whose_feed_moved_finds_it_again_and_goes_on(store, gone: Page) -> None:
    with LoopbackSite() as site:
        base = site.base_url
        items = [("/news/2026/a1", "الخبر الأول"), ("/news/2026/a2", "الخبر الثاني")]
        site.pages.update(
            {
                "/robots.txt": Page(
                    f"User-agent: *\nAllow: /\nSitemap: {base}/news/sitemap-news.xml\n"
                    f"Sitemap: {base}/sport/sitemap-news.xml\n".encode(),
                    content_type="text/plain",
                ),
                "/news/": Page(
                    f'<html><head><title>الرئيسية - موقع الاختبار</title><link rel="alternate" '
                    f'type="application/rss+xml" href="{base}/news/feeds/all.xml"></head><body></body></html>'.encode()
                ),
                "/news/feeds/all.xml": Page(rss(base, items), content_type="application/rss+xml"),
                "/news/sitemap-news.xml": Page(
                    sitemap(base, [p for p, _ in items]), content_type="application/xml"
                ),
                "/sport/sitemap-news.xml": Page(sitemap(base, ["/sport/x"]), content_type="application/xml"),
            }
            | {path: Page(ARTICLE.format(title=title).encode()) for path, title in items}
        )
        old_feed = f"{base}/news/rss.xml"  # gone now: the site moved it
        site.pages["/news/rss.xml"] = gone
        store.upsert_source(
            Source(id="test-news", name="موقع الاختبار", home=f"{base}/news/", feeds=[old_feed])
        )
        settings = load_settings(env=ENV | {"AKHBAR_RETRIES": "0", "AKHBAR_POLL_MIN": "0.01"})

        async def run():
            async with Crawler(store, settings) as crawler:
                return await crawler.run_pass(force=True)

        summary = asyncio.run(run())
    source = store.get_source("test-news")
    assert source.feeds == [f"{base}/news/feeds/all.xml"]
    assert source.sitemaps == [f"{base}/news/sitemap-news.xml"]  # the other site's sitemap is not taken
    stored = sorted(a.url for a in store.iter_articles())
    assert stored == sorted(base + p for p, _ in items) and summary.counts.imported == 2
    health = store.source_health("test-news")
    assert "rediscovered" in health.last_error_message and "all.xml" in health.last_error_message
    assert "/sport/sitemap-news.xml" not in site.paths()


@pytest.mark.parametrize(
    "module", ["akhbar.sources", "akhbar.fetch", "akhbar.fetch.crawler", "akhbar.sources.opml"]
)
def test_each_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_opml_feeds_without_a_home_group_by_host_and_homes_split_by_path() -> None:
    from akhbar.sources import parse_opml

    opml = """<opml version="2.0"><body>
      <outline text="A" type="rss" xmlUrl="https://www.hespress.com/feed"/>
      <outline text="B" type="rss" xmlUrl="https://www.hespress.com/sport/feed"/>
      <outline text="BBC" type="rss" xmlUrl="https://feeds.bbci.co.uk/arabic/rss.xml" htmlUrl="https://www.bbc.com/arabic"/>
      <outline text="BBC News" type="rss" xmlUrl="https://feeds.bbci.co.uk/news/rss.xml" htmlUrl="https://www.bbc.com/news/"/>
    </body></opml>"""
    assert [s.id for s in parse_opml(opml)] == ["hespress-com", "bbc-com-arabic", "bbc-com-news"]


@pytest.fixture
def any_store(store_url: str):  # noqa: F811 (the fixture imported from backends)
    """A fresh store on each backend (SQLite, and PostgreSQL when it runs)."""
    opened = open_store(store_url)
    yield opened
    opened.close()


def test_a_store_from_before_paths_gives_each_site_its_articles(any_store) -> None:
    from akhbar.models import Article
    from akhbar.sources import claim_articles

    base = "http://127.0.0.1:8000"
    old = Source(id="127-0-0-1", name="فرانس 24", home=f"{base}/france24/", feeds=[f"{base}/france24/ar/rss"])
    any_store.upsert_source(old)  # the last of three adds that overwrote each other
    urls = {site: [f"{base}/{site}/2024/{i}" for i in range(3)] for site in SITES}
    any_store.write_articles(
        [
            Article(url=u, title=f"عنوان {u[-1]}", text="نص " + u, source=old.id)
            for site in SITES
            for u in urls[site]
        ]
    )
    moved = {}
    for site in SITES:
        source = Source(id=source_id_for(f"{base}/{site}/"), name=site, home=f"{base}/{site}/")
        any_store.upsert_source(source)
        moved[site] = claim_articles(any_store, source)
    assert moved == {site: 3 for site in SITES}
    by_source = {}
    for article in any_store.iter_articles():
        by_source.setdefault(article.source, []).append(article.url)
    assert {k: sorted(v) for k, v in by_source.items()} == {f"127-0-0-1-{s}": sorted(urls[s]) for s in SITES}
    assert (
        claim_articles(any_store, Source(id="root", name="r", home=f"{base}/")) == 0
    )  # never from a longer prefix
