"""Feeds to article entries: RSS, Atom (feedparser) and JSON Feed."""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate

import feedparser
import lxml.html

from akhbar.errors import ExtractError
from akhbar.extract.urls import canonical_url
from akhbar.text import parse_date, scrub

#: JSON Feeds nest 3 levels (feed, items, item fields) and JSON-LD about 10: 64 rejects only hostile
#: documents, far below the ~1,000 levels where Python's json module raises RecursionError.
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
)


@dataclass(slots=True)
class FeedEntry:
    """One item of a feed or sitemap: where the article is, and what the feed says about it."""

    url: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    author: str | None = None
    category: str | None = None
    image: str | None = None


@dataclass
class ParsedFeed:
    """The entries of a feed; `complete` is False when the document was cut short or broken."""

    entries: list[FeedEntry] = field(default_factory=list)
    title: str = ""
    complete: bool = True
    error: str | None = None


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment (feed summaries), whitespace collapsed; markup is never kept."""
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return " ".join(fragment.split())
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    return " ".join(root.text_content().split())


def _struct_time(value: object) -> datetime | None:
    """A feedparser time tuple as an aware UTC datetime."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def _entry_date(entry: dict) -> datetime | None:
    """The publication date of a feedparser entry (parsed, or its raw text through parse_date)."""
    for name in ("published", "updated", "created"):
        parsed = _struct_time(entry.get(f"{name}_parsed"))
        if parsed is not None:
            return parsed
        raw = entry.get(name)
        if raw:
            found = parse_date(str(raw))
            if found is not None:
                return found
    return None


def _entry_link(entry: dict, base: str | None) -> str | None:
    """The article link of an entry: its alternate link, else a permalink guid."""
    link = entry.get("link")
    if not link:
        for item in entry.get("links", []):
            if item.get("rel", "alternate") == "alternate" and item.get("href"):
                link = item["href"]
                break
    if not link and entry.get("guidislink") and entry.get("id"):
        link = entry["id"]
    if not link:
        return None
    try:
        url = canonical_url(link, base)
    except ValueError:
        return None
    return url if url.startswith(("http://", "https://")) else None


def _entry_image(entry: dict) -> str | None:
    """An image from media:content, media:thumbnail or an image enclosure."""
    for key in ("media_content", "media_thumbnail"):
        for item in entry.get(key) or []:
            if item.get("url"):
                return item["url"]
    for item in entry.get("enclosures") or []:
        if str(item.get("type", "")).startswith("image/") and item.get("href"):
            return item["href"]
    return None


def _feedparser_entries(data: bytes, base: str | None) -> ParsedFeed:
    """RSS or Atom through feedparser (which survives broken XML and keeps what it could read)."""
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    result = ParsedFeed(title=html_to_text(parsed.feed.get("title", "")))
    if parsed.bozo:
        result.complete = False
        result.error = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"
    last_kept: dict | None = None
    for entry in parsed.entries:
        url = _entry_link(entry, base)
        if url is None:
            continue
        last_kept = entry
        tags = entry.get("tags") or []
        result.entries.append(
            FeedEntry(
                url=url,
                title=html_to_text(entry.get("title", "")),
                summary=html_to_text(entry.get("summary", "") or entry.get("description", "")),
                published=_entry_date(entry),
                author=entry.get("author") or None,
                category=(tags[0].get("term") if tags else None) or None,
                image=_entry_image(entry),
            )
        )
    if not result.entries and parsed.bozo and not parsed.get("version"):
        raise ExtractError(f"not a feed: {result.error}")
    if not result.complete and last_kept is not None and not link_is_whole(data, last_kept):
        result.entries.pop()  # the entry the document broke off in carries a cut-off link
    return result


def link_is_whole(data: bytes, entry: dict) -> bool:
    """True when an entry's link appears in the document followed by the end of its element or attribute."""
    return text_is_whole(data, entry.get("link") or "", (b"<", b'"', b"'"))


def text_is_whole(data: bytes, text: str, ends: tuple[bytes, ...] = (b"<",)) -> bool:
    """True when a text read from an XML document appears in it (as is, or with `&` escaped) followed by one
    of `ends`: the end of its element or attribute, which a value cut off with its document lacks."""
    raw = text.encode("utf-8")
    return bool(raw) and any(
        form + end in data for form in (raw, raw.replace(b"&", b"&amp;")) for end in ends
    )


def json_depth(data: bytes) -> int:
    """How deep a JSON document's arrays and objects nest, in linear time and without recursion."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate(_BRACKET_STEP[b] for b in brackets), default=0)


def load_json(data: bytes, max_depth: int = MAX_JSON_DEPTH) -> object:
    """A JSON document, refused (ExtractError) when broken or nested deeper than `max_depth`."""
    depth = json_depth(data)
    if depth > max_depth:
        raise ExtractError(f"JSON nested {depth} levels deep (limit {max_depth})")
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ExtractError(f"broken JSON: {exc}") from exc


def json_text(value: object) -> str:
    """A JSON value as text, scrubbed of the lone surrogates a `\\ud800` escape can smuggle in."""
    return scrub(str(value)) if value is not None else ""


def _json_feed(data: bytes, base: str | None, max_depth: int = MAX_JSON_DEPTH) -> ParsedFeed:
    """A JSON Feed (jsonfeed.org, versions 1 and 1.1)."""
    try:
        doc = load_json(data, max_depth)
    except ExtractError as exc:
        raise ExtractError(f"JSON feed: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise ExtractError("not a JSON feed: no items list")
    result = ParsedFeed(title=html_to_text(json_text(doc.get("title", ""))))
    for item in doc["items"]:
        entry = _json_entry(item, base) if isinstance(item, dict) else None
        if entry is not None:
            result.entries.append(entry)
    return result


def _json_entry(item: dict, base: str | None) -> FeedEntry | None:
    """One JSON Feed item as an entry (None without a usable http(s) link)."""
    link = item.get("url") or item.get("external_url")
    if not isinstance(link, str):
        return None
    try:
        url = canonical_url(json_text(link), base)
    except ValueError:
        return None
    if not url.startswith(("http://", "https://")):
        return None
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    tags = item.get("tags") or []
    author = (
        authors[0].get("name")
        if isinstance(authors, list) and authors and isinstance(authors[0], dict)
        else None
    )
    return FeedEntry(
        url=url,
        title=html_to_text(json_text(item.get("title") or "")),
        summary=html_to_text(
            json_text(item.get("summary") or item.get("content_html") or item.get("content_text") or "")
        ),
        published=parse_date(json_text(item.get("date_published") or item.get("date_modified") or "")),
        author=json_text(author) or None if author else None,
        category=json_text(tags[0]) or None if isinstance(tags, list) and tags else None,
        image=json_text(item["image"]) if isinstance(item.get("image"), str) else None,
    )


def looks_like_json(data: bytes) -> bool:
    """True when a body starts (after a BOM and spaces) with a JSON object."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def parse_feed(data: bytes, base: str | None = None, max_json_depth: int = MAX_JSON_DEPTH) -> ParsedFeed:
    """Entries of an RSS, Atom or JSON feed body (bytes: the XML declares its own encoding)."""
    if looks_like_json(data):
        return _json_feed(data, base, max_json_depth)
    return _feedparser_entries(data, base)
