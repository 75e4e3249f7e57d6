"""Sitemaps to article entries: urlsets (with Google News tags) and sitemap indexes."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from akhbar.errors import ExtractError
from akhbar.extract.feeds import FeedEntry, text_is_whole
from akhbar.extract.urls import canonical_url
from akhbar.text import parse_date

#: The sitemaps.org protocol's limit of URLs in one sitemap: anything past it is not a sitemap's to list.
MAX_SITEMAP_URLS = 50_000


@dataclass(slots=True)
class ChildSitemap:
    """A sitemap named by a sitemap index."""

    url: str
    lastmod: datetime | None = None


@dataclass
class ParsedSitemap:
    """A urlset's entries or an index's child sitemaps; `complete` is False for broken XML."""

    entries: list[FeedEntry] = field(default_factory=list)
    children: list[ChildSitemap] = field(default_factory=list)
    complete: bool = True
    error: str | None = None


def _local(tag: object) -> str:
    """An element's tag without its namespace."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str:
    """The stripped text of the first descendant with one of these local names."""
    for node in element.iter():
        if _local(node.tag) in names and node.text and node.text.strip():
            return node.text.strip()
    return ""


def is_sitemap(data: bytes) -> bool:
    """True when an XML body is a sitemap (urlset or sitemapindex) rather than a feed."""
    head = data[:2048]
    return b"<urlset" in head or b"<sitemapindex" in head


def parse_sitemap(data: bytes, base: str | None = None) -> ParsedSitemap:
    """Entries (with news:title and news:publication_date) or child sitemaps of a sitemap body.

    Read as a stream: each <url> or <sitemap> is dropped from the tree once read, so a 100,000-URL
    sitemap never holds its whole tree (about 48 MB) in memory.
    """
    reader = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    )
    result = ParsedSitemap()
    last_loc = {"url": "", "sitemap": ""}
    root: etree._Element | None = None
    try:
        for event, element in reader:
            if root is None:
                root = element
                if _local(root.tag) not in ("urlset", "sitemapindex"):
                    raise ExtractError(f"not a sitemap: root element <{_local(root.tag)}>")
                continue
            if event != "end" or element.getparent() is not root:
                continue
            if not _read_item(element, base, result, last_loc):
                result.complete = False
                result.error = f"over {MAX_SITEMAP_URLS:,} URLs (the protocol's limit): the rest ignored"
                return result
            element.clear()
            while element.getprevious() is not None:
                del root[0]
    except etree.XMLSyntaxError as exc:
        if root is None:
            raise ExtractError(f"broken sitemap: {exc}") from exc
        result.complete, result.error = False, str(exc)
    if root is None:
        raise ExtractError("empty or unreadable sitemap")
    if reader.error_log and result.complete:
        result.complete, result.error = False, str(reader.error_log[0])
    if not result.complete:  # only the element the document broke off in (the last) may carry a cut-off URL
        if result.entries and not text_is_whole(data, last_loc["url"]):
            result.entries.pop()
        if result.children and not text_is_whole(data, last_loc["sitemap"]):
            result.children.pop()
    return result


def _read_item(
    item: etree._Element, base: str | None, result: ParsedSitemap, last_loc: dict[str, str]
) -> bool:
    """Add one <url> or <sitemap> to the result; False once the protocol's URL limit is reached."""
    name = _local(item.tag)
    loc = _child_text(item, "loc")
    if not loc or name not in last_loc:
        return True
    try:
        url = canonical_url(loc, base)
    except ValueError:
        return True
    if not url.startswith(("http://", "https://")):
        return True
    if len(result.entries) + len(result.children) == MAX_SITEMAP_URLS:
        return False
    last_loc[name] = loc
    if name == "sitemap":
        result.children.append(ChildSitemap(url, parse_date(_child_text(item, "lastmod"))))
    else:
        published = _child_text(item, "publication_date") or _child_text(item, "lastmod")
        result.entries.append(
            FeedEntry(
                url=url,
                title=_child_text(item, "title"),
                published=parse_date(published) if published else None,
            )
        )
    return True
