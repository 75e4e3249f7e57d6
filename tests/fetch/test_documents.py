"""Feeds and sitemaps a site controls: JSON nesting refused before parsing, surrogates dropped, sitemaps in
linear time with only the cut-off element dropped."""

from __future__ import annotations

import asyncio
import json

import pytest

from akhbar.config import load_settings
from akhbar.errors import ExtractError, TruncatedBodyError
from akhbar.extract.feeds import json_depth, load_json, parse_feed
from akhbar.extract.sitemaps import parse_sitemap
from akhbar.fetch.client import Fetcher
from akhbar.fetch.feeds import fetch_article
from akhbar.models import Article
from akhbar.replay.faults import huge_sitemap, json_feed
from sources.loopback_site import LoopbackSite, Page


@pytest.mark.parametrize(
    ("text", "depth"),
    [('{"a": 1}', 1), ("[]", 1), ("3", 0), ('{"a": [1, {"b": "[[[\\"["}]}', 3), ('["]]]]", [[]]]', 3)],
)
def test_json_depth_counts_brackets_outside_strings(text: str, depth: int) -> None:
    assert json_depth(text.encode()) == depth


def test_deep_json_is_refused_before_parsing() -> None:
    with pytest.raises(ExtractError, match="nested 100001 levels deep"):
        load_json(b"[" * 100_001 + b"]" * 100_001)
    deep_feed = json_feed([("http://s.example/a", "t")], "s", "deep", 100_000)
    with pytest.raises(ExtractError, match="JSON feed: JSON nested"):
        parse_feed(deep_feed, "http://s.example/")
    assert load_json(b"[" * 64 + b"]" * 64, max_depth=64)


def test_lone_surrogates_are_dropped_from_json_feeds() -> None:
    body = json_feed(
        [("http://s.example/a", "first"), ("http://s.example/b", "second")], "site", "surrogate", 0
    )
    assert "\ud800" in json.loads(body)["items"][0]["title"]
    feed = parse_feed(body, "http://s.example/")
    assert [e.title for e in feed.entries] == ["first", "second"] and feed.title == "site"
    for entry in feed.entries:
        entry.title.encode("utf-8")


def test_json_feed_items_of_the_wrong_shape_are_skipped() -> None:
    body = json.dumps(
        {
            "items": [
                1,
                {"url": 5},
                {"url": "javascript:x"},
                {"url": "http://s.example/ok", "authors": "x", "tags": "y"},
            ]
        }
    )
    assert [e.url for e in parse_feed(body.encode()).entries] == ["http://s.example/ok"]


def test_cut_sitemap_drops_only_the_element_it_broke_off_in() -> None:
    whole = huge_sitemap([("http://s.example/real", "2020-01-01")], "http://s.example/p/", 30_000)
    assert len(parse_sitemap(whole).entries) == 30_000
    cut = huge_sitemap([("http://s.example/real", "2020-01-01")], "http://s.example/p/", 30_000, cut=True)
    parsed = parse_sitemap(cut)
    numbers = [int(e.url.rsplit("/", 1)[1]) for e in parsed.entries[1:]]
    assert not parsed.complete and numbers == list(range(len(numbers)))
    assert f"/p/{numbers[-1] + 1}</loc>" not in cut.decode()  # the next one was the cut-off one


def test_a_page_without_closing_tags_is_whole_and_a_length_lie_is_refused() -> None:
    """Only the transport decides that a page was cut: HTML lets a whole page leave out `</body></html>`."""
    open_ended = (
        "<html><head><title>خبر</title></head><body><h1>خبر</h1><p>" + "نص المقال كاملا " * 200
    ).encode()
    pages = {
        "/robots.txt": Page(b"", 404),
        "/open": Page(open_ended),
        "/lie": Page(open_ended + b"</p></body></html>", length=100),
    }
    settings = load_settings(env={"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0"})

    async def run() -> Article:
        async with Fetcher(settings) as fetcher:
            with pytest.raises(TruncatedBodyError):
                await fetch_article(fetcher, site.base_url + "/lie", "s")
            return await fetch_article(fetcher, site.base_url + "/open", "s")

    with LoopbackSite(pages) as site:
        article = asyncio.run(run())
    assert not article.partial and "نص المقال كاملا" in article.text
