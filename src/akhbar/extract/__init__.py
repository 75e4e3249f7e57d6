"""Extract: article URLs from feeds and sitemaps, canonical URLs, and HTML pages to Articles."""

from akhbar.extract.article import extract_article, extract_page, partial_article
from akhbar.extract.feeds import FeedEntry, ParsedFeed, parse_feed
from akhbar.extract.metadata import PageMetadata
from akhbar.extract.sitemaps import ParsedSitemap, parse_sitemap
from akhbar.extract.urls import canonical_url, strip_tracking

__all__ = [
    "FeedEntry",
    "PageMetadata",
    "ParsedFeed",
    "ParsedSitemap",
    "canonical_url",
    "extract_article",
    "extract_page",
    "partial_article",
    "parse_feed",
    "parse_sitemap",
    "strip_tracking",
]
