"""The source registry's helpers: the default outlets, feed discovery for `akhbar sources add`, replay manifests."""

from __future__ import annotations

import json
import re
from importlib import resources
from urllib.parse import urljoin, urlsplit

from akhbar.config import Settings
from akhbar.errors import ExtractError, FetchError
from akhbar.extract.article import parse_html
from akhbar.extract.feeds import looks_like_json, parse_feed
from akhbar.extract.metadata import clean, meta_tags
from akhbar.extract.sitemaps import is_sitemap, parse_sitemap
from akhbar.extract.urls import canonical_url
from akhbar.fetch.client import Fetcher
from akhbar.fetch.feeds import FEED_ACCEPT, looks_like_html
from akhbar.fetch.safety import check_url
from akhbar.models import Source
from akhbar.store import Store

FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
                   "application/rdf+xml", "text/xml", "application/xml")
COMMON_FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feed/", "/rss/",
                     "/sitemap-news.xml", "/news-sitemap.xml")


def default_sources() -> list[Source]:
    """The Arabic outlets that ship with Akhbar (data file default_sources.json)."""
    raw = resources.files("akhbar.sources").joinpath("default_sources.json").read_text(encoding="utf-8")
    return [Source(id=s["id"], name=s["name"], home=s.get("home"), feeds=list(s.get("feeds", [])),
                   sitemaps=list(s.get("sitemaps", [])), language=s.get("language", "ar"), country=s.get("country"))
            for s in json.loads(raw)["sources"]]


def install_defaults(store: Store) -> int:
    """Add the default sources the store does not have yet; returns how many were added."""
    known = {s.id for s in store.list_sources()}
    added = 0
    for source in default_sources():
        if source.id not in known:
            store.upsert_source(source)
            added += 1
    return added


def source_id_for(url: str) -> str:
    """A source id from a URL's host: www.example.co.uk -> example-co-uk."""
    host = (urlsplit(url).hostname or "source").lower().removeprefix("www.")
    return re.sub(r"[^a-z0-9]+", "-", host).strip("-") or "source"


def sources_from_manifest(manifest: dict) -> list[Source]:
    """The sources of a replay manifest (`/_replay/manifest`), ids = corpus source names."""
    return [Source(id=s["name"], name=s.get("title") or s["name"], home=s.get("home"), feeds=list(s.get("feeds", [])),
                   sitemaps=list(s.get("sitemaps", [])), language="ar") for s in manifest.get("sources", [])]


def feed_links(html: str, base: str) -> list[str]:
    """Feed URLs a page announces with <link rel="alternate" type="application/rss+xml" ...>."""
    root = parse_html(html)
    found = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = link.get("href")
        if href and "alternate" in rel and kind in FEED_LINK_TYPES:
            url = canonical_url(href, base)
            if url.startswith(("http://", "https://")) and url not in found:
                found.append(url)
    return found


def page_name(html: str, url: str) -> str:
    """The outlet's name from a page: og:site_name, else the <title>, else the host."""
    root = parse_html(html)
    metas = meta_tags(root)
    return clean(metas.get("og:site_name") or root.findtext(".//title") or "") or (urlsplit(url).hostname or url)


def classify(body: bytes) -> str:
    """'sitemap', 'feed' or 'other' for a fetched body."""
    if is_sitemap(body):
        try:
            parse_sitemap(body)
        except ExtractError:
            return "other"
        return "sitemap"
    head = body[:512].lstrip().lower()
    if looks_like_json(body) or head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head or b"<rdf" in head:
        try:
            parsed = parse_feed(body)
        except ExtractError:
            return "other"
        return "feed" if parsed.entries or parsed.title else "other"
    return "other"


async def discover_source(url: str, settings: Settings, source_id: str | None = None) -> Source:
    """A Source for a URL: a feed or sitemap URL as is, or a home page's announced or usual feeds."""
    await check_url(url, settings.allow_private_hosts)
    async with Fetcher(settings) as fetcher:
        response = await fetcher.fetch(url, accept=FEED_ACCEPT + ", text/html;q=0.8")
        if not response.ok:
            raise FetchError(f"{url}: HTTP {response.status}")
        kind = classify(response.body)
        sid = source_id or source_id_for(response.url)
        if kind == "feed":
            title = parse_feed(response.body).title or sid
            return Source(id=sid, name=title, home=origin_home(response.url), feeds=[canonical_url(response.url)])
        if kind == "sitemap":
            return Source(id=sid, name=sid, home=origin_home(response.url), sitemaps=[canonical_url(response.url)])
        if not looks_like_html(response):
            raise ExtractError(f"{url}: neither a feed, a sitemap nor an HTML page")
        html = response.text()
        source = Source(id=sid, name=page_name(html, response.url), home=canonical_url(response.url))
        for candidate in feed_links(html, response.url) or [urljoin(response.url, p) for p in COMMON_FEED_PATHS]:
            try:
                answer = await fetcher.fetch(candidate, accept=FEED_ACCEPT)
            except FetchError:
                continue
            if not answer.ok:
                continue
            kind = classify(answer.body)
            if kind == "feed":
                source.feeds.append(canonical_url(answer.url))
            elif kind == "sitemap":
                source.sitemaps.append(canonical_url(answer.url))
        if not source.feeds and not source.sitemaps:
            raise ExtractError(f"{url}: no feed or news sitemap found (give the feed URL directly)")
        return source


def origin_home(url: str) -> str:
    """The home page (scheme://host/) of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
