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
from akhbar.extract.metadata import PageMetadata, read_metadata
from akhbar.models import Article

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


def extract_page(html: str, url: str) -> Extraction:
    """Main text and metadata of one decoded HTML page."""
    root = parse_html(html)
    metadata = read_metadata(root, url)
    found = body_text(root, html, url, metadata.title)
    text, method = found.text, found.method
    if metadata.published is None:
        metadata.published = htmldate_published(html)
        metadata.date_source = "htmldate" if metadata.published else None
    return Extraction(text=text, metadata=metadata, method=method)


def htmldate_published(html: str) -> datetime | None:
    """htmldate's guess of the original publication date (day precision, as UTC midnight)."""
    from htmldate import find_date

    try:
        found = find_date(html, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    return datetime.strptime(found, "%Y-%m-%d").replace(tzinfo=UTC)


def extract_article(html: str, url: str, source: str, entry: FeedEntry | None = None,
                    fetched: datetime | None = None) -> Article:
    """An Article from a fetched page; the feed entry fills what the page lacks (date, title, summary)."""
    found = extract_page(html, url)
    meta = found.metadata
    title = meta.title or (entry.title if entry else "")
    if not title:
        raise ExtractError(f"{url}: no title")
    if not found.text.strip():
        raise ExtractError(f"{url}: no article text")
    published = meta.published
    if published is None and entry is not None:
        published = entry.published
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
        fetched=fetched or datetime.now(UTC),
    )


def partial_article(entry: FeedEntry, source: str, url: str | None = None) -> Article | None:
    """The stand-in for an article whose page cannot be had: the feed's title and summary, marked partial."""
    if not entry.title:
        return None
    return Article(url=url or entry.url, title=entry.title, text=entry.summary or entry.title, source=source,
                   published=entry.published, summary=entry.summary or None, author=entry.author,
                   category=entry.category, image=entry.image, partial=True, fetched=datetime.now(UTC))
