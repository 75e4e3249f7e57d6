"""Fetch: polite asynchronous HTTP (robots, per-host limits, conditional GET, retries, caps) and the crawler."""

from akhbar.fetch.client import Fetcher, Response
from akhbar.fetch.crawler import Crawler, CrawlSummary, crawl_forever, crawl_pass
from akhbar.fetch.feeds import FeedPoll, fetch_article, poll_feed

__all__ = [
    "CrawlSummary",
    "Crawler",
    "FeedPoll",
    "Fetcher",
    "Response",
    "crawl_forever",
    "crawl_pass",
    "fetch_article",
    "poll_feed",
]
