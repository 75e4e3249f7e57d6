"""Polling one feed or sitemap, and fetching one article page: the crawler's two unit jobs.

Both take a Fetcher and return plain data, so a distributed worker can run them as separate jobs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from akhbar.errors import ExtractError, FetchError
from akhbar.extract.article import extract_article
from akhbar.extract.feeds import MAX_JSON_DEPTH, FeedEntry, ParsedFeed, parse_feed
from akhbar.extract.sitemaps import ChildSitemap, ParsedSitemap, is_sitemap, parse_sitemap
from akhbar.fetch.client import Fetcher, Response
from akhbar.models import Article

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.5"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
HTML_PAGE = (
    b"<!doctype html",
    b"<html",
)  # how a page starts; a feed or sitemap starts with <?xml, <rss, <urlset or {
HTML_SNIFF = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<div", b"<p")


@dataclass
class FeedPoll:
    """What one poll of a feed or sitemap found; `validators` are to be sent on the next poll."""

    url: str
    entries: list[FeedEntry] = field(default_factory=list)
    children: list[ChildSitemap] = field(default_factory=list)
    not_modified: bool = False
    complete: bool = True
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


def looks_like_html(response: Response) -> bool:
    """True when a body is HTML (by its type, or by sniffing when the type is wrong or missing)."""
    kind = response.content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    head = response.body[:1024].lstrip().lower()
    return head.startswith(HTML_SNIFF) or b"<html" in head


async def poll_feed(
    fetcher: Fetcher,
    url: str,
    *,
    source: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    max_json_depth: int = MAX_JSON_DEPTH,
) -> FeedPoll:
    """Fetch a feed or sitemap (conditionally) and read its entries or child sitemaps."""
    response = await fetcher.fetch(
        url, source=source, etag=etag, last_modified=last_modified, accept=FEED_ACCEPT
    )
    if response.not_modified:
        return FeedPoll(url, not_modified=True, etag=etag, last_modified=last_modified)
    if not response.ok:
        raise FetchError(f"{url}: HTTP {response.status}")
    if response.body[:1024].lstrip().lower().startswith(HTML_PAGE):
        raise ExtractError(f"{url}: not a feed but an HTML page (moved?)")
    poll = FeedPoll(url, etag=response.etag, last_modified=response.last_modified)
    parsed = await asyncio.to_thread(parse_document, response.body, response.url, max_json_depth)
    if isinstance(parsed, ParsedSitemap):
        poll.entries, poll.children = parsed.entries, parsed.children
    else:
        poll.entries = parsed.entries
    poll.complete, poll.error = parsed.complete, parsed.error
    return poll


def parse_document(body: bytes, url: str, max_json_depth: int = MAX_JSON_DEPTH) -> ParsedSitemap | ParsedFeed:
    """A sitemap or a feed body read (in linear time; run it off the event loop)."""
    if is_sitemap(body):
        return parse_sitemap(body, url)
    return parse_feed(body, url, max_json_depth)


async def fetch_article(fetcher: Fetcher, url: str, source: str, entry: FeedEntry | None = None) -> Article:
    """Fetch one article page and extract it (FetchError or ExtractError when that cannot be done).

    A body unlike its Content-Length is refused by the fetcher (TruncatedBodyError), so the crawler stores
    the feed entry's stand-in and fetches the page again later. Extraction runs off the event loop, which
    the web server may share.
    """
    response = await fetcher.fetch(url, source=source, accept=HTML_ACCEPT)
    if not response.ok:
        raise FetchError(f"{url}: HTTP {response.status}")
    if not response.body.strip():
        raise ExtractError(f"{url}: empty page (0 bytes)")
    if not looks_like_html(response):
        raise ExtractError(f"{url}: not an HTML page ({response.content_type or 'no type'})")
    return await asyncio.to_thread(extract_article, response.text(), response.url, source, entry)
