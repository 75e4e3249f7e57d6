"""The source registry's helpers: the default outlets, feed discovery for `akhbar sources add`, replay manifests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import urljoin, urlsplit

from lxml import etree

from akhbar.config import Settings
from akhbar.errors import ExtractError, FetchError
from akhbar.extract.article import parse_html
from akhbar.extract.feeds import looks_like_json, parse_feed
from akhbar.extract.metadata import clean, meta_tags
from akhbar.extract.sitemaps import is_sitemap, parse_sitemap
from akhbar.extract.urls import canonical_url, host_of
from akhbar.fetch.client import Fetcher
from akhbar.fetch.feeds import FEED_ACCEPT, looks_like_html
from akhbar.fetch.safety import check_url
from akhbar.models import Source
from akhbar.store import Store

TITLE_SEPARATORS = re.compile(r"\s+[-|–—:·•»]\s+|\s*[|–—•»]\s*|\s+::\s+")
# Title parts that name a page of a site, never the site ("آخر الأخبار - فرانس 24": the site is the other part).
GENERIC_TITLES = frozenset(
    p.casefold()
    for p in (
        "آخر الأخبار",
        "أخر الأخبار",
        "اخر الاخبار",
        "الأخبار",
        "أخبار",
        "الرئيسية",
        "الصفحة الرئيسية",
        "الأخبار العاجلة",
        "عاجل",
        "آخر الأخبار العاجلة",
        "home",
        "homepage",
        "home page",
        "latest news",
        "news",
        "breaking news",
        "top stories",
        "latest",
        "accueil",
        "actualités",
        "startseite",
        "nachrichten",
    )
)
GONE_STATUS = re.compile(r"\bHTTP (?:404|410)\b")
MAX_JSON_LD = (
    256 * 1024
)  # a publisher block sits in the first few KB of a JSON-LD script; past this, none is read
FEED_LINK_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "text/xml",
    "application/xml",
)
COMMON_FEED_PATHS = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feed/",
    "/rss/",
    "/sitemap-news.xml",
    "/news-sitemap.xml",
)


def default_sources() -> list[Source]:
    """The Arabic outlets that ship with Akhbar (data file default_sources.json)."""
    raw = resources.files("akhbar.sources").joinpath("default_sources.json").read_text(encoding="utf-8")
    return [
        Source(
            id=s["id"],
            name=s["name"],
            home=s.get("home"),
            feeds=list(s.get("feeds", [])),
            sitemaps=list(s.get("sitemaps", [])),
            language=s.get("language", "ar"),
            country=s.get("country"),
        )
        for s in json.loads(raw)["sources"]
    ]


def install_defaults(store: Store) -> int:
    """Add the default sources the store does not have yet; returns how many were added."""
    known = {s.id for s in store.list_sources()}
    added = 0
    for source in default_sources():
        if source.id not in known:
            store.upsert_source(source)
            added += 1
    return added


def home_prefix(url: str) -> str:
    """A site's home as a prefix: scheme://host[:port]/path/ (a last segment with a dot is a file, dropped)."""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    if not path.endswith("/"):
        head, _, last = path.rpartition("/")
        path = head + "/" if "." in last else path + "/"
    return f"{parts.scheme.lower()}://{host_of(url)}{path}"


def _site_key(url: str) -> tuple[str, str]:
    """(host[:port] without www., path prefix) of a URL: the same site over http and https, with or without www."""
    parts = urlsplit(home_prefix(url))
    return parts.netloc.removeprefix("www."), parts.path


def source_id_for(url: str) -> str:
    """A source id from a site's host (no port) and path prefix: https://www.bbc.com/arabic -> bbc-com-arabic."""
    host = (urlsplit(url).hostname or "source").lower().removeprefix("www.")
    path = _site_key(url)[1]
    return re.sub(r"[^a-z0-9]+", "-", f"{host} {path}").strip("-") or "source"


def site_of(source: Source) -> tuple[str, str] | None:
    """A source's site as `_site_key` gives it: its home, else its first feed's or sitemap's whole host."""
    home = source.home or next((origin_home(u) for u in [*source.feeds, *source.sitemaps]), None)
    return _site_key(home) if home is not None else None


class Owners:
    """The sources articles are matched against, each one's site worked out once (a crawl pass's batches)."""

    def __init__(self, sources: list[Source]) -> None:
        self.sites = [(site, source) for source in sources if (site := site_of(source)) is not None]

    def of(self, url: str) -> Source | None:
        """The source an article URL belongs to: same host, and the longest home path prefix it starts with."""
        host, path = _site_key(url)[0], urlsplit(url).path or "/"
        best: tuple[int, Source] | None = None
        for (site_host, prefix), source in self.sites:
            if site_host == host and path.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), source)
        return best[1] if best else None


def owner_of(url: str, sources: list[Source]) -> Source | None:
    """The source an article URL belongs to: same host, and the longest home path prefix the URL starts with."""
    return Owners(sources).of(url)


def sources_from_manifest(manifest: dict) -> list[Source]:
    """The sources of a replay manifest (`/_replay/manifest`), ids = corpus source names."""
    return [
        Source(
            id=s["name"],
            name=s.get("title") or s["name"],
            home=s.get("home"),
            feeds=list(s.get("feeds", [])),
            sitemaps=list(s.get("sitemaps", [])),
            language="ar",
        )
        for s in manifest.get("sources", [])
    ]


def prefix_variants(prefix: str) -> list[str]:
    """A home prefix as articles may be stored: http and https, with and without www."""
    parts = urlsplit(prefix)
    host = parts.netloc.removeprefix("www.")
    return [f"{scheme}://{www}{host}{parts.path}" for scheme in ("https", "http") for www in ("", "www.")]


def claim_articles(store: Store, source: Source) -> int:
    """Move to a source the stored articles under its home prefix, unless a source with a longer prefix covers
    them (stores from before sources had paths, where the sites of one host shared one source, heal this way)."""
    if not source.home:
        return 0
    host, prefix = _site_key(source.home)
    moved = 0
    for other in store.list_sources():
        if other.id == source.id:
            continue
        site = site_of(other)
        if site is not None and site[0] == host and len(site[1]) > len(prefix) and site[1].startswith(prefix):
            continue  # a more specific site under this one keeps its own articles
        moved += sum(
            store.move_articles(other.id, source.id, p) for p in prefix_variants(home_prefix(source.home))
        )
    return moved


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


def title_parts(title: str) -> list[str]:
    """A page title cut at its separators ("آخر الأخبار - فرانس 24" -> ["آخر الأخبار", "فرانس 24"])."""
    return [part for part in (clean(p) for p in TITLE_SEPARATORS.split(title or "")) if part]


def strip_tagline(title: str, known: list[str] | tuple[str, ...] = ()) -> str:
    """The site's name in a title: a part also in `known` titles, else the shortest part that is not generic."""
    parts = title_parts(title)
    for other in known:
        shared = [p for p in parts if p in title_parts(other)]
        if shared:
            return shared[0]
    named = [p for p in parts if p.casefold() not in GENERIC_TITLES] or parts
    return min(named, key=len) if named else clean(title)


def publisher_name(root: etree._Element) -> str:
    """The JSON-LD publisher's (or WebSite's / Organization's) name of a page, if any."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text[:MAX_JSON_LD])
        except (ValueError, RecursionError):
            continue
        for item in (
            data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        ):
            if not isinstance(item, dict):
                continue
            publisher = item.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                return clean(publisher["name"])
            if item.get("@type") in ("WebSite", "NewsMediaOrganization", "Organization") and isinstance(
                item.get("name"), str
            ):
                return clean(item["name"])
    return ""


def page_name(html: str, url: str, known: list[str] | tuple[str, ...] = ()) -> str:
    """The outlet's name from its page: og:site_name, the JSON-LD publisher, application-name, the title
    without its tagline (a part shared with `known` titles first), else the host."""
    root = parse_html(html)
    metas = meta_tags(root)
    for name in (metas.get("og:site_name"), publisher_name(root), metas.get("application-name")):
        if name and clean(name):
            return clean(name)
    return strip_tagline(root.findtext(".//title") or "", known) or (urlsplit(url).hostname or url)


def feed_home(body: bytes, url: str) -> str | None:
    """The site a feed names as its own (RSS channel link, Atom alternate link, JSON Feed home_page_url)."""
    link: str | None = None
    if looks_like_json(body):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return None
        link = data.get("home_page_url") if isinstance(data, dict) else None
    else:
        try:
            root = etree.fromstring(
                body, etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
            )
        except etree.XMLSyntaxError:
            return None
        if root is None:
            return None
        for element in root.iter("{*}link", "link"):
            parent = element.getparent()
            if parent is not None and etree.QName(parent).localname in ("channel", "feed"):
                link = (
                    element.text
                    if element.text and element.text.strip()
                    else (element.get("href") if element.get("rel", "alternate") == "alternate" else None)
                )
                if link:
                    break
    if not isinstance(link, str) or not link.strip():
        return None
    home = urljoin(url, link.strip())
    return home if urlsplit(home).scheme in ("http", "https") and host_of(home) == host_of(url) else None


def classify(body: bytes) -> str:
    """'sitemap', 'feed' or 'other' for a fetched body."""
    if is_sitemap(body):
        try:
            parse_sitemap(body)
        except ExtractError:
            return "other"
        return "sitemap"
    head = body[:512].lstrip().lower()
    if (
        looks_like_json(body)
        or head.startswith(b"<?xml")
        or b"<rss" in head
        or b"<feed" in head
        or b"<rdf" in head
    ):
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
        if kind in ("feed", "sitemap"):
            home = (feed_home(response.body, response.url) if kind == "feed" else None) or origin_home(
                response.url
            )
            feed_title = parse_feed(response.body).title if kind == "feed" else ""
            source = Source(id=source_id or source_id_for(home), name="", home=home)
            (source.feeds if kind == "feed" else source.sitemaps).append(canonical_url(response.url))
            source.name = (
                await _home_name(fetcher, home, [feed_title] if feed_title else [])
                or strip_tagline(feed_title)
                or source.id
            )
            return source
        if not looks_like_html(response):
            raise ExtractError(f"{url}: neither a feed, a sitemap nor an HTML page")
        html = response.text()
        home = canonical_url(response.url)
        source = Source(id=source_id or source_id_for(home), name=page_name(html, response.url), home=home)
        candidates = feed_links(html, response.url) + await robots_sitemaps(fetcher, home)
        if not candidates:
            candidates = [urljoin(home_prefix(home), p.lstrip("/")) for p in COMMON_FEED_PATHS]
        source.feeds, source.sitemaps = await _working_documents(fetcher, candidates)
        if not source.feeds and not source.sitemaps:
            raise ExtractError(f"{url}: no feed or news sitemap found (give the feed URL directly)")
        return source


async def _home_name(fetcher: Fetcher, home: str, known: list[str]) -> str:
    """The site's name from its home page ('' when the page cannot be had)."""
    try:
        response = await fetcher.fetch(home, accept="text/html")
    except FetchError:
        return ""
    if not response.ok or not looks_like_html(response):
        return ""
    return page_name(response.text(), response.url, known)


async def _working_documents(
    fetcher: Fetcher, candidates: list[str], source: str | None = None, skip: tuple[str, ...] = ()
) -> tuple[list[str], list[str]]:
    """The candidates that answer with a feed, and those that answer with a sitemap (final URLs, no repeats)."""
    feeds: list[str] = []
    sitemaps: list[str] = []
    for candidate in candidates:
        try:
            answer = await fetcher.fetch(candidate, source=source, accept=FEED_ACCEPT)
        except FetchError:
            continue
        final = canonical_url(answer.url)
        if not answer.ok or final in skip or final in feeds or final in sitemaps:
            continue
        kind = classify(answer.body)
        if kind == "feed":
            feeds.append(final)
        elif kind == "sitemap":
            sitemaps.append(final)
    return feeds, sitemaps


@dataclass
class FeedRepair:
    """What rediscovery found for a source whose feed stopped working."""

    failed: str
    reason: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """True when something new can be polled instead."""
        return bool(self.feeds or self.sitemaps)

    def note(self) -> str:
        """One line for the fetch log and the source's health."""
        if not self.found:
            return f"feed stopped working ({self.reason}); nothing found on the home page or in the sitemaps"
        return (
            f"feed stopped working ({self.reason}); rediscovered: feeds {', '.join(self.feeds) or '-'}; "
            f"sitemaps {', '.join(self.sitemaps) or '-'}"
        )

    def apply(self, source: Source) -> None:
        """Replace the failed document of a source by what was found (kept when nothing was)."""
        if not self.found:
            return
        source.feeds = [u for u in source.feeds if u != self.failed]
        source.sitemaps = [u for u in source.sitemaps if u != self.failed]
        source.feeds += [u for u in self.feeds if u not in source.feeds]
        source.sitemaps += [u for u in self.sitemaps if u not in source.sitemaps]


def feed_gone(error: Exception) -> bool:
    """True for a failure that means the document moved or died (404, 410, not a feed), not a passing one."""
    if isinstance(error, ExtractError):
        return True
    return isinstance(error, FetchError) and bool(GONE_STATUS.search(str(error)))


async def robots_sitemaps(fetcher: Fetcher, home: str) -> list[str]:
    """The `Sitemap:` lines of a site's robots.txt that lie under its home prefix (a shared host lists others')."""
    host, prefix = _site_key(home)
    try:
        rules = await fetcher.robots.rules_for(home)
    except FetchError:
        return []
    return [
        u
        for u in rules.sitemaps()
        if _site_key(u)[0] == host and (urlsplit(u).path or "/").startswith(prefix)
    ]


async def rediscover_feeds(fetcher: Fetcher, source: Source, failed: str, reason: str) -> FeedRepair:
    """Find a source's feeds again: its home page's announced feeds, its robots.txt `Sitemap:` lines under its
    home prefix, and the usual feed paths under that prefix; each candidate is fetched and kept if it works."""
    repair = FeedRepair(failed=failed, reason=reason)
    home = source.home or home_prefix(failed)
    prefix = home_prefix(home)
    candidates: list[str] = []
    try:
        response = await fetcher.fetch(home, source=source.id, accept="text/html")
        if response.ok and looks_like_html(response):
            candidates += feed_links(response.text(), response.url)
    except FetchError:
        pass
    candidates += await robots_sitemaps(fetcher, home)
    candidates += [urljoin(prefix, p.lstrip("/")) for p in COMMON_FEED_PATHS]
    unique = [c for i, c in enumerate(candidates) if c not in candidates[:i] and canonical_url(c) != failed]
    repair.feeds, repair.sitemaps = await _working_documents(
        fetcher, unique, source.id, (canonical_url(failed),)
    )
    return repair


def origin_home(url: str) -> str:
    """The home page (scheme://host/) of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
