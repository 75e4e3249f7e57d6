"""HTML page to Article: metadata (extract.metadata) and the main text (extract.body).

The main text is the article's prose blocks, found by density scoring with teaser rails scored out
and every sibling block of a split body kept; trafilatura is asked only when too little is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.etree
from lxml import html as lxml_html

from akhbar.errors import ExtractError
from akhbar.extract.body import body_text
from akhbar.extract.feeds import FeedEntry
from akhbar.extract.metadata import EARLIEST_PUBLISHED, FUTURE_SLACK, PageMetadata, plausible, read_metadata
from akhbar.models import Article
from akhbar.text.hygiene import XML_UNSAFE
from akhbar.times import DAY_FORMAT, as_utc, parse_day

XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


@dataclass
class Extraction:
    """A page's main text (paragraphs joined by newlines), its metadata and how the text was found."""

    text: str
    metadata: PageMetadata
    method: str


def parse_html(html: str) -> lxml_html.HtmlElement:
    """Parse a decoded page into an lxml tree (typed error on nothing usable)."""
    if not html or not html.strip():
        raise ExtractError("empty page")
    html = XML_DECLARATION.sub("", html, count=1)
    try:
        root = lxml_html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractError(f"unreadable HTML: {exc}") from exc
    if root is None:
        raise ExtractError("unreadable HTML")
    return root


def extract_page(html: str, url: str, fetched: datetime | None = None) -> Extraction:
    """Main text and metadata of one decoded HTML page fetched at `fetched` (default now); ExtractError otherwise.

    This is the boundary for pages from the web: whatever a page does to lxml, json, trafilatura or our
    own code (ValueError, RecursionError, UnicodeError, lxml errors ...) leaves it as an ExtractError with
    its reason, so a caller that handles our errors loses nothing to an unexpected one.
    """
    try:
        return _extract_page(html, url, fetched)
    except ExtractError:
        raise
    except Exception as exc:  # noqa: BLE001 - the one place where any failure of a page becomes ours
        raise ExtractError(f"{url}: extraction failed: {type(exc).__name__}: {str(exc)[:200]}") from exc


#: Numeric character references (&#1; &#x0B;), which the parser turns into the same characters.
CHAR_REFERENCE = re.compile(r"&#(?:[xX](?P<hex>[0-9a-fA-F]{1,8})|(?P<dec>[0-9]{1,10}));?")


def _safe_reference(match: re.Match[str]) -> str:
    """A character reference kept, or a space when it names a character no lxml tree can hold."""
    code = int(match["hex"], 16) if match["hex"] else int(match["dec"])
    if code > 0x10FFFF or XML_UNSAFE.match(chr(code)):
        return " "
    return match.group()


def xml_safe(html: str) -> str:
    """A page without characters (written or referenced) that an lxml tree refuses."""
    html = XML_UNSAFE.sub(" ", html)
    return CHAR_REFERENCE.sub(_safe_reference, html) if "&#" in html else html


def _extract_page(html: str, url: str, fetched: datetime | None) -> Extraction:
    """extract_page without the boundary."""
    html = xml_safe(html)
    root = parse_html(html)
    metadata = read_metadata(root, url, fetched)
    found = body_text(root, html, url, metadata.title)
    text, method = found.text, found.method
    if metadata.published is None:
        metadata.published = htmldate_published(html, url, fetched)
        metadata.date_source = "htmldate" if metadata.published else None
    return Extraction(text=text, metadata=metadata, method=method)


def htmldate_published(html: str, url: str | None = None, fetched: datetime | None = None) -> datetime | None:
    """htmldate's plausible original publication date, extensive search included (a day, as UTC midnight).

    The last resort after the page's own metadata: a failure inside htmldate means no date, not a lost page.
    """
    from htmldate import find_date

    fetched = as_utc(fetched) if fetched else datetime.now(UTC)
    latest = fetched + FUTURE_SLACK
    try:
        found = find_date(
            html,
            original_date=True,
            extensive_search=True,
            outputformat=DAY_FORMAT,
            url=url,
            min_date=EARLIEST_PUBLISHED.replace(tzinfo=None),
            max_date=latest.replace(tzinfo=None),
        )
    except Exception:  # noqa: BLE001 - htmldate's failures on odd pages are many and untyped; the date is optional
        return None
    if not found:
        return None
    moment = parse_day(found)
    return moment if plausible(moment, fetched) else None


def extract_article(
    html: str, url: str, source: str, entry: FeedEntry | None = None, fetched: datetime | None = None
) -> Article:
    """An Article from a fetched page; the feed entry fills what the page lacks (date, title, summary)."""
    fetched = fetched or datetime.now(UTC)
    found = extract_page(html, url, fetched)
    meta = found.metadata
    title = meta.title or (entry.title if entry else "")
    if not title:
        raise ExtractError(f"{url}: no title")
    if not found.text.strip():
        raise ExtractError(f"{url}: no article text")
    published, offset = meta.published, meta.published_offset
    if published is None and entry is not None and entry.published and plausible(entry.published, fetched):
        published, offset = entry.published, None
    return Article(
        url=meta.canonical or url,
        title=title,
        text=found.text,
        source=source,
        published=published,
        summary=(entry.summary if entry and entry.summary else meta.description),
        author=meta.author or (entry.author if entry else None),
        category=meta.category or (entry.category if entry else None),
        language=meta.language,
        image=meta.image or (entry.image if entry else None),
        partial=False,
        fetched=fetched,
        published_offset=offset,
    )


def partial_article(entry: FeedEntry, source: str, url: str | None = None) -> Article | None:
    """The stand-in for an article whose page cannot be had: the feed's title and summary, marked partial."""
    if not entry.title:
        return None
    now = datetime.now(UTC)
    published = entry.published if entry.published and plausible(entry.published, now) else None
    return Article(
        url=url or entry.url,
        title=entry.title,
        text=entry.summary or entry.title,
        source=source,
        published=published,
        summary=entry.summary or None,
        author=entry.author,
        category=entry.category,
        image=entry.image,
        partial=True,
        fetched=now,
    )
