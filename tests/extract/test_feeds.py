"""Feeds and sitemaps to entries: RSS, Atom, JSON Feed, news sitemaps, indexes, broken documents."""

from __future__ import annotations

import json

import pytest

from akhbar.errors import ExtractError
from akhbar.extract.feeds import html_to_text, parse_feed
from akhbar.extract.sitemaps import is_sitemap, parse_sitemap

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>أخبار</title>
<item><title>عنوان أول</title><link>https://news.example/a/1?utm_source=rss</link>
<description>&lt;p&gt;ملخص &lt;b&gt;الخبر&lt;/b&gt;&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>
<pubDate>Fri, 13 Oct 2023 10:00:00 GMT</pubDate><dc:creator>مراسل</dc:creator><category>سياسة</category></item>
<item><title>بلا رابط</title></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<entry><title>خبر</title><link rel="alternate" href="/b/2"/><id>tag:x,2023:2</id>
<updated>2023-10-13T12:30:00+03:00</updated><summary>نص</summary></entry></feed>"""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/a/3</loc><news:news><news:publication><news:name>موقع</news:name>
<news:language>ar</news:language></news:publication><news:publication_date>2023-10-13T08:00:00Z</news:publication_date>
<news:title>عنوان الخريطة</news:title></news:news></url>
<url><loc>javascript:alert(1)</loc></url>
</urlset>"""

INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/s/2023-10-13.xml</loc><lastmod>2023-10-13</lastmod></sitemap>
<sitemap><loc>https://news.example/s/2023-10-12.xml</loc></sitemap></sitemapindex>"""


def test_rss_entries() -> None:
    feed = parse_feed(RSS.encode("utf-8"), "https://news.example/rss")
    assert feed.complete and feed.title == "أخبار"
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.url == "https://news.example/a/1"
    assert entry.title == "عنوان أول"
    assert entry.summary == "ملخص الخبر"
    assert entry.published.isoformat() == "2023-10-13T10:00:00+00:00"
    assert entry.author == "مراسل" and entry.category == "سياسة"


def test_atom_entries_resolve_relative_links_and_zones() -> None:
    entry = parse_feed(ATOM.encode("utf-8"), "https://news.example/atom.xml").entries[0]
    assert entry.url == "https://news.example/b/2"
    assert entry.published.isoformat() == "2023-10-13T09:30:00+00:00"


def test_json_feed() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [
            {
                "id": "1",
                "url": "https://news.example/j/1",
                "title": "خبر",
                "summary": "ملخص",
                "date_published": "2023-10-13T10:00:00Z",
                "authors": [{"name": "كاتب"}],
                "tags": ["اقتصاد"],
            },
            {"id": "2", "title": "no url"},
        ],
    }
    feed = parse_feed(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    assert [e.url for e in feed.entries] == ["https://news.example/j/1"]
    assert feed.entries[0].author == "كاتب" and feed.entries[0].category == "اقتصاد"


def test_broken_feed_keeps_what_it_could_read_and_says_so() -> None:
    cut = RSS[: RSS.index("<item><title>بلا")] + " & <item><title>"
    feed = parse_feed(cut.encode("utf-8"))
    assert not feed.complete and feed.error
    assert [e.title for e in feed.entries] == ["عنوان أول"]


def test_garbage_is_not_a_feed() -> None:
    with pytest.raises(ExtractError):
        parse_feed(b"{not json")
    with pytest.raises(ExtractError):
        parse_feed(b'{"items": 3}')


def test_news_sitemap_entries() -> None:
    assert is_sitemap(SITEMAP.encode())
    sitemap = parse_sitemap(SITEMAP.encode())
    assert sitemap.complete
    assert [(e.url, e.title) for e in sitemap.entries] == [("https://news.example/a/3", "عنوان الخريطة")]
    assert sitemap.entries[0].published.isoformat() == "2023-10-13T08:00:00+00:00"


def test_sitemap_index_children() -> None:
    sitemap = parse_sitemap(INDEX.encode())
    assert [c.url for c in sitemap.children] == [
        "https://news.example/s/2023-10-13.xml",
        "https://news.example/s/2023-10-12.xml",
    ]
    assert sitemap.children[0].lastmod is not None and sitemap.children[1].lastmod is None


def test_broken_sitemap_and_wrong_root() -> None:
    broken = parse_sitemap(SITEMAP[:400].encode() + b" & <url><loc>")
    assert not broken.complete
    with pytest.raises(ExtractError):
        parse_sitemap(b"<?xml version='1.0'?><html/>")


def test_html_to_text_drops_markup_and_scripts() -> None:
    assert html_to_text("<p>نص <a href='x'>رابط</a></p><script>evil()</script>") == "نص رابط"


def test_an_entry_whose_link_was_cut_off_is_dropped() -> None:
    cut = RSS[: RSS.index("/a/1") + 3] + " & <item><title>"
    assert parse_feed(cut.encode("utf-8")).entries == []
    broken = SITEMAP[: SITEMAP.index("/a/3") + 2].encode() + b" & <url>"
    assert parse_sitemap(broken).entries == []
