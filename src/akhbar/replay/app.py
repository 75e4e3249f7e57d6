"""The replay application: routes a request to a page, feed, sitemap or control answer (no sockets here)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar, cast
from urllib.parse import quote, unquote

from akhbar.errors import FaultSpecError
from akhbar.replay import faults as hostile
from akhbar.replay import feeds, pages
from akhbar.replay.catalog import Catalog, ReplayArticle, SiteTimeline
from akhbar.replay.clock import Clock
from akhbar.replay.faults import FaultSpec, gzip_bomb
from akhbar.replay.sites import CP1256_HEADER, CP1256_META, WRONG_HEADER, SiteProfile

T = TypeVar("T")

PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
    b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
HOME_ITEMS = 30
TOOL_PREFIXES = ("print/", "private/", "amp/")
INFO_PAGES = {"about": "من نحن", "contact": "اتصل بنا", "privacy": "سياسة الخصوصية"}
CACHE_LIMIT = 512


@dataclass
class Response:
    """An answer before faults are applied."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    kind: str = "other"
    etag: str | None = None
    last_modified: datetime | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)


def html_type(profile: SiteProfile) -> str:
    """The Content-Type header of a site's HTML pages (wrong or charset-less on purpose for some)."""
    if profile.charset == CP1256_HEADER:
        return "text/html; charset=windows-1256"
    if profile.charset == CP1256_META:
        return "text/html"
    if profile.charset == WRONG_HEADER:
        return "text/html; charset=iso-8859-1"
    return "text/html; charset=utf-8"


def xml_type(profile: SiteProfile, kind: str) -> str:
    """The Content-Type header of a site's feed (the charset header is only left out for meta-only sites)."""
    mime = {"rss": "application/rss+xml", "atom": "application/atom+xml"}.get(kind, "application/xml")
    if kind == "sitemap":
        return "application/xml; charset=utf-8"
    return mime if profile.charset == CP1256_META else f"{mime}; charset={profile.charset_name}"


def _json(data: object, status: int = 200) -> Response:
    """A JSON control answer."""
    return Response(
        status,
        json.dumps(data, ensure_ascii=False).encode("utf-8"),
        "application/json; charset=utf-8",
        kind="control",
    )


def _text(status: int, text: str, kind: str = "other") -> Response:
    """A plain-text answer."""
    return Response(status, text.encode("utf-8"), "text/plain; charset=utf-8", kind=kind)


class ReplayApp:
    """The replayed sites and the control endpoints, independent of the HTTP server."""

    def __init__(self, catalog: Catalog, clock: Clock | None = None, faults: FaultSpec | None = None) -> None:
        """Serve `catalog` at simulated time `clock` (None: everything published) with `faults`."""
        self.catalog = catalog
        self.clock = clock
        self.faults = faults or FaultSpec()
        self.base_url = "http://127.0.0.1"
        self.site_bases: dict[str, str] = {}
        self._log: list[dict] = []
        self._attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._cache: dict[tuple[object, ...], object] = {}
        self._bomb: dict[int, bytes] = {}

    # -- time and state ------------------------------------------------------------------------------

    def now(self) -> float | None:
        """The simulated time as epoch seconds, or None when every article is published."""
        return self.clock.now().timestamp() if self.clock is not None else None

    def attempt(self, key: str) -> int:
        """Count one more request for `key` and return its number (from 1)."""
        with self._lock:
            self._attempts[key] = self._attempts.get(key, 0) + 1
            return self._attempts[key]

    def record(self, entry: dict) -> None:
        """Append one request to the log."""
        with self._lock:
            self._log.append(entry)

    def request_log(self, since: int = 0) -> list[dict]:
        """A copy of the request log from entry `since`."""
        with self._lock:
            return [dict(e) for e in self._log[since:]]

    def clear_log(self) -> None:
        """Forget logged requests and attempt counts."""
        with self._lock:
            self._log.clear()
            self._attempts.clear()

    def bomb(self) -> bytes:
        """The gzip bomb for the current spec (made once per size)."""
        size = self.faults.bomb_size
        with self._lock:
            if size not in self._bomb:
                self._bomb[size] = gzip_bomb(size)
            return self._bomb[size]

    def _cached(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        """Memoise a rendering that depends only on `key`."""
        if key not in self._cache:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = make()
        return cast(T, self._cache[key])

    def base_of(self, slug: str) -> str:
        """The base URL of one site (its own port with per-source ports, else the server's)."""
        return self.site_bases.get(slug, self.base_url)

    # -- hostile documents (faults that replace what a site serves) ---------------------------------------

    def hostile(self, fault: str, path: str, url: str, response: Response) -> Response:
        """The document a hostile fault serves instead of `response` (unchanged for transport faults)."""
        spec, site = self.faults, self.catalog.sites.get(path[1:].partition("/")[0])
        made: bytes | None = None
        content_type = response.content_type
        if fault == "self_index":
            made = hostile.self_index(url)
        elif fault in ("huge_sitemap", "huge_sitemap_cut") and site is not None:
            made = self._cached(
                (fault, site.profile.slug, spec.huge_sitemap_size),
                lambda: hostile.huge_sitemap(
                    self._real_items(site, dated=True),
                    f"{self.base_of(site.profile.slug)}/{site.profile.slug}/huge/",
                    spec.huge_sitemap_size,
                    cut=fault == "huge_sitemap_cut",
                ),
            )
        elif fault in ("json_surrogate", "json_deep") and site is not None:
            items = self._real_items(site, dated=False, limit=feeds.FEED_ITEMS)
            made = hostile.json_feed(items, site.profile.title, fault[len("json_") :], spec.deep_levels)
            content_type = "application/feed+json"
        elif fault in ("jsonld_surrogate", "jsonld_deep"):
            made = hostile.with_jsonld(response.body, fault[len("jsonld_") :], spec.deep_levels)
        elif fault == "deep_html":
            made = hostile.deep_html(response.body, spec.deep_levels)
        elif fault == "empty_page":
            made = b""
        elif fault == "crawl_delay":
            made = hostile.robots_with_delay(response.body, spec.robots_delay)
        if made is None:
            return response
        return Response(response.status, made, content_type, response.kind, headers=response.headers)

    def _real_items(self, site: SiteTimeline, dated: bool, limit: int | None = None) -> list[tuple[str, str]]:
        """The site's `limit` newest published articles (all without one) as (URL, W3C date or title)."""
        base = self.base_of(site.profile.slug)
        now = self.now()
        return [
            (base + a.path, (a.published.strftime("%Y-%m-%d") if a.published else "") if dated else a.title)
            for a in site.latest(now, site.visible_count(now) if limit is None else limit)
        ]

    # -- manifest ------------------------------------------------------------------------------------

    def source_entry(self, site: SiteTimeline, now: float | None) -> dict:
        """One source in the manifest."""
        p = site.profile
        base = self.base_of(p.slug)
        urls = [base + feeds.feed_path(p)]
        if p.atom:
            urls.append(base + feeds.atom_path(p))
        return {
            "name": p.source,
            "slug": p.slug,
            "title": p.title,
            "home": f"{base}/{p.slug}/",
            "feeds": urls,
            "sitemaps": [base + feeds.sitemap_path(p)],
            "robots": base + "/robots.txt",
            "disallow": [f"{base}/{p.slug}/{d}" for d in p.disallow],
            "charset": p.charset,
            "canonical_link": p.canonical,
            "tracking_params": p.tracking,
            "articles": site.visible_count(now),
            "total": len(site.articles),
        }

    def manifest(self, source: str | None = None, with_articles: bool = True) -> dict:
        """Ground truth: every source's entry points and every article published so far."""
        now = self.now()
        sites = [s for s in self.catalog.sites.values() if source in (None, s.profile.source, s.profile.slug)]
        data: dict[str, object] = {
            "base_url": self.base_url,
            "robots": self.base_url + "/robots.txt",
            "now": feeds.iso(datetime.fromtimestamp(now, UTC)) if now is not None else None,
            "faults": str(self.faults),
            "sources": [self.source_entry(s, now) for s in sites],
        }
        if with_articles:
            data["articles"] = [
                {
                    "source": a.source,
                    "id": a.id,
                    "url": self.base_of(s.profile.slug) + a.path,
                    "title": a.title,
                    "published": feeds.iso(a.published) if a.published else None,
                }
                for s in sites
                for a in s.articles[: s.visible_count(now)]
            ]
        return data

    # -- routing -------------------------------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes = b"",
        only: str | None = None,
    ) -> Response:
        """Answer one request (before faults and conditional handling); `only`: the one site of this port."""
        if path.startswith("/_replay/"):
            return self.control(method, path, query, body)
        if method not in ("GET", "HEAD"):
            return _text(405, "method not allowed")
        if path == "/" and only is not None:
            return Response(302, kind="home", headers=[("Location", f"/{only}/")])
        if path == "/":
            counts = [(s.profile, s.visible_count(self.now())) for s in self.catalog.sites.values()]
            return Response(200, pages.render_root(counts).encode("utf-8"), kind="home")
        if path == "/robots.txt":
            profiles = [s.profile for s in self.catalog.sites.values() if only in (None, s.profile.slug)]
            text = feeds.render_robots(profiles, self.base_of(only) if only else self.base_url)
            return Response(
                200,
                text.encode("utf-8"),
                "text/plain; charset=utf-8",
                kind="robots",
                etag=pages.etag_of("robots", len(profiles)),
            )
        slug, _, rest = path[1:].partition("/")
        site = self.catalog.sites.get(slug)
        if site is None or only not in (None, slug):
            return _text(404, "no such site")
        if not rest and not path.endswith("/"):
            return Response(301, kind="home", headers=[("Location", f"/{slug}/")])
        return self.site_resource(site, rest, path, query)

    def site_resource(self, site: SiteTimeline, rest: str, path: str, query: dict[str, str]) -> Response:
        """A resource under /<slug>/."""
        p, now = site.profile, self.now()
        base = self.base_of(p.slug)
        count = site.visible_count(now)
        latest = site.articles[count - 1] if count else None
        changed = datetime.fromtimestamp(latest.visible_at, UTC) if latest else None
        if rest == "":
            return self._listing(site, count, "آخر الأخبار", site.latest(now, HOME_ITEMS), changed, "home")
        if rest == p.feed_path:
            body = self._cached(
                ("rss", p.slug, count),
                lambda: feeds.render_rss(p, site, base, now, changed).encode(p.encoding, "xmlcharrefreplace"),
            )
            return Response(
                200, body, xml_type(p, "rss"), "rss", pages.etag_of("rss", p.slug, count), changed
            )
        if rest == "atom.xml" and p.atom:
            body = self._cached(
                ("atom", p.slug, count),
                lambda: feeds.render_atom(p, site, base, now, changed).encode(
                    p.encoding, "xmlcharrefreplace"
                ),
            )
            return Response(
                200, body, xml_type(p, "atom"), "atom", pages.etag_of("atom", p.slug, count), changed
            )
        if rest == "sitemap-news.xml":
            return self._sitemap(site, count, changed, None)
        if rest.startswith("sitemaps/news-") and rest.endswith(".xml"):
            return self._sitemap(site, count, changed, rest[len("sitemaps/news-") : -4])
        if rest.startswith("section/"):
            name = rest[len("section/") :]
            items = [a for a in site.latest(now, 2000) if a.category_slug == name][:HOME_ITEMS]
            if not items:
                items = site.latest(now, HOME_ITEMS)
            return self._listing(site, count, f"قسم {name}", items, changed, "section")
        if rest.startswith("static/"):
            if rest.endswith(".js"):
                return Response(200, b"/* replay */\n", "application/javascript", kind="static")
            return Response(200, PIXEL, "image/gif", kind="static")
        if rest in INFO_PAGES:
            return self._listing(site, 0, INFO_PAGES[rest], [], None, "page")
        for prefix in TOOL_PREFIXES:
            if rest.startswith(prefix):
                art = self.article(f"/{p.slug}/{rest[len(prefix) :]}", now)
                if art is None or prefix not in p.disallow:
                    return _text(404, "no such page", "print")
                html = pages.render_print(p, art)
                return Response(200, pages.encode_page(p, html), html_type(p), "print")
        art = self.article(path, now)
        if art is None:
            return _text(404, "no such article", "article")
        return self.article_page(site, art)

    def article(self, path: str, now: float | None) -> ReplayArticle | None:
        """The article at `path` if it is published at `now`."""
        art = self.catalog.by_path.get(path) or self.catalog.by_path.get(quote(unquote(path), safe="/"))
        if art is None or (now is not None and art.visible_at > now):
            return None
        return art

    def article_page(self, site: SiteTimeline, art: ReplayArticle) -> Response:
        """An article page with its related block and read-also link (always older articles)."""
        p = site.profile
        older = site.articles[max(0, art.position - 5) : art.position][::-1]
        base = self.base_of(p.slug)
        ctx = pages.PageContext(
            base, base + feeds.feed_path(p), older[:4], older[4] if len(older) > 4 else None
        )
        body = pages.encode_page(p, pages.render_article(p, art, ctx))
        when = datetime.fromtimestamp(art.visible_at, UTC)
        return Response(200, body, html_type(p), "article", pages.etag_of(art.path, art.number), when)

    def _listing(
        self,
        site: SiteTimeline,
        count: int,
        heading: str,
        items: list[ReplayArticle],
        changed: datetime | None,
        kind: str,
    ) -> Response:
        """A home, section or information page."""
        p = site.profile
        html = pages.render_listing(p, site, items, heading, self.base_of(p.slug) + feeds.feed_path(p))
        return Response(
            200,
            pages.encode_page(p, html),
            html_type(p),
            kind,
            pages.etag_of(kind, p.slug, heading, count),
            changed,
        )

    def _sitemap(self, site: SiteTimeline, count: int, changed: datetime | None, day: str | None) -> Response:
        """The news sitemap, the sitemap index (large sources) or one day's sitemap."""
        p, now = site.profile, self.now()
        large = len(site.articles) > feeds.SITEMAP_INDEX_THRESHOLD
        if day is not None and not large:
            return _text(404, "no such sitemap", "sitemap")
        days = self._cached(("days", p.slug, count), lambda: feeds.sitemap_days(site, now))
        if day is None and large:
            text = feeds.render_sitemap_index(p, days, self.base_of(p.slug))
        elif day is None:
            text = feeds.render_news_sitemap(p, site.articles[:count], self.base_of(p.slug))
        elif day in days:
            text = feeds.render_news_sitemap(p, days[day], self.base_of(p.slug))
        else:
            return _text(404, "no such sitemap", "sitemap")
        return Response(
            200,
            text.encode("utf-8"),
            xml_type(p, "sitemap"),
            "sitemap",
            pages.etag_of("sitemap", p.slug, day, count),
            changed,
        )

    # -- control -------------------------------------------------------------------------------------

    def control(self, method: str, path: str, query: dict[str, str], body: bytes) -> Response:
        """The /_replay/ endpoints: manifest, log, faults, clock."""
        name = path[len("/_replay/") :].rstrip("/")
        if name == "manifest":
            return _json(self.manifest(query.get("source"), query.get("articles", "1") != "0"))
        if name == "log":
            if method in ("DELETE", "POST"):
                self.clear_log()
                return _json({"cleared": True})
            since = int(query.get("since", "0") or 0)
            entries = self.request_log(since)
            return _json({"requests": entries, "next": since + len(entries)})
        if name == "faults":
            if method == "POST":
                try:
                    self.faults = FaultSpec.parse(body.decode("utf-8", "replace"))
                except FaultSpecError as exc:
                    return _json({"error": str(exc)}, 400)
            return _json({"spec": str(self.faults)})
        if name == "clock":
            now = self.now()
            return _json({"now": feeds.iso(datetime.fromtimestamp(now, UTC)) if now is not None else None})
        return _json({"error": f"no control endpoint {name!r}"}, 404)
