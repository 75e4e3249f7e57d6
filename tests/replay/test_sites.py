"""The replayed sites over HTTP: pages, feeds, sitemaps, robots.txt, charsets, manifest."""

from __future__ import annotations

import json
import re
import urllib.robotparser
from html import escape
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser
import httpx
import lxml.etree
import lxml.html
import pytest

from akhbar.replay import ReplayServer, profile_for
from akhbar.replay.printed import EGYPTIAN_MONTHS, LEVANTINE_MONTHS

from .conftest import PER_SOURCE, SOURCES

BODY_CLASS = {
    "orbit": "story-body__inner",
    "cnn": "article-content",
    "f24": "t-content__body",
    "sky": "article-body",
    "arabiya": "article-body",
    "portal": "news-text",
    "gulf": "entry-content",
}
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def decode(response: httpx.Response, source: str) -> str:
    """Decode a page the way the site means it (header charset, else the meta tag)."""
    return response.content.decode(profile_for(source).encoding)


def page_tree(response: httpx.Response, source: str) -> lxml.html.HtmlElement:
    """Parse an article page."""
    return lxml.html.fromstring(decode(response, source))


def by_class(tree: lxml.html.HtmlElement, name: str) -> list:
    """Elements whose class list contains `name` (what `.name` selects in CSS)."""
    return tree.xpath(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


def articles_of(manifest: dict, source: str) -> list[dict]:
    """The manifest's articles of one source."""
    return [a for a in manifest["articles"] if a["source"] == source]


def test_manifest_lists_every_source_and_article(replay: ReplayServer) -> None:
    data = httpx.get(replay.url("/_replay/manifest")).json()
    assert data == json.loads(json.dumps(replay.manifest()))
    assert {s["name"] for s in data["sources"]} == set(SOURCES)
    titles = {s["name"]: s["title"] for s in data["sources"]}
    assert titles["BBC"] == "بي بي سي عربي" and titles["CNN"] == "سي إن إن بالعربية"
    assert titles["skynews"] == "سكاي نيوز عربية" and titles["okaz"] == "عكاظ"
    assert len(data["articles"]) == len(SOURCES) * PER_SOURCE
    assert len({a["url"] for a in data["articles"]}) == len(data["articles"])
    for source in data["sources"]:
        assert source["home"] == f"{replay.base_url}/{source['slug']}/"
        assert source["feeds"] and source["sitemaps"]


def test_article_pages_carry_title_body_and_boilerplate(replay: ReplayServer, by_id: dict) -> None:
    manifest = replay.manifest()
    with httpx.Client() as client:
        for source in SOURCES:
            profile = profile_for(source)
            for entry in articles_of(manifest, source)[-4:]:
                record = by_id[entry["id"]]
                response = client.get(entry["url"])
                assert response.status_code == 200
                tree = page_tree(response, source)
                assert tree.get("lang") == "ar" and tree.get("dir") == "rtl"
                assert [h.text_content() for h in tree.xpath("//h1")] == [record["title"]]
                assert tree.findtext(".//title") == f"{record['title']} - {profile.title}"
                paras = [
                    p.text_content() for p in tree.xpath(f"//div[@class='{BODY_CLASS[profile.layout]}']/p")
                ]
                assert paras == [line.strip() for line in record["text"].split("\n") if line.strip()]
                canonical = tree.xpath("//link[@rel='canonical']/@href")
                assert canonical == ([entry["url"]] if profile.canonical else [])
                for tag in ("nav", "footer", "figcaption"):
                    assert tree.xpath(f"//{tag}"), f"{source} page has no {tag}"
                for name in ("share", "cookie-consent", "breadcrumb", "ad"):
                    assert by_class(tree, name), f"{source} page has no .{name}"
                assert tree.xpath("//script[not(@type)]"), "inline scripts expected"
                assert profile.title in response.content.decode(profile.encoding)


def test_related_and_read_also_link_to_real_older_articles(replay: ReplayServer) -> None:
    manifest = replay.manifest()
    urls = {a["url"] for a in manifest["articles"]}
    entry = articles_of(manifest, "skynews")[-1]
    tree = page_tree(httpx.get(entry["url"]), "skynews")
    related = [urljoin(entry["url"], h) for h in tree.xpath("//aside[@class='related']//a/@href")]
    read_also = [urljoin(entry["url"], h) for h in tree.xpath("//div[@class='read-also']/a/@href")]
    assert len(related) == 4 and len(read_also) == 1
    assert set(related + read_also) <= urls and entry["url"] not in related
    assert by_class(tree, "comment")


def test_metadata_varies_by_source(replay: ReplayServer) -> None:
    manifest = replay.manifest()

    def tree_of(source: str) -> tuple[lxml.html.HtmlElement, dict]:
        entry = articles_of(manifest, source)[-1]
        return page_tree(httpx.get(entry["url"]), source), entry

    tree, entry = tree_of("BBC")
    data = json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["@type"] == "NewsArticle" and data["datePublished"] == entry["published"]
    assert not tree.xpath("//meta[@property='og:title']")

    tree, entry = tree_of("CNN")
    assert tree.xpath("//meta[@property='og:title']/@content")[0] == entry["title"]
    assert tree.xpath("//meta[@property='article:published_time']/@content") == [entry["published"]]
    assert tree.xpath("//time/@datetime") == [entry["published"]]

    tree, entry = tree_of("okaz")  # printed date only
    assert not tree.xpath("//time | //script[@type='application/ld+json'] | //meta[@property]")
    printed = by_class(tree, "date")[0].text_content()
    day = int(entry["published"][8:10])
    assert f"{day} {EGYPTIAN_MONTHS[int(entry['published'][5:7]) - 1]} {entry['published'][:4]}" in printed

    tree, entry = tree_of("alriyadh")  # Arabic-Indic digits
    printed = by_class(tree, "date")[0].text_content()
    assert re.search("[٠-٩]{4}", printed) and not re.search("[0-9]", printed)

    tree, entry = tree_of("alarabia")  # Levantine month names
    printed = by_class(tree, "date")[0].text_content()
    assert LEVANTINE_MONTHS[int(entry["published"][5:7]) - 1] in printed


def test_charset_cases(replay: ReplayServer) -> None:
    manifest = replay.manifest()

    def fetch(source: str) -> tuple[httpx.Response, dict]:
        entry = articles_of(manifest, source)[-1]
        return httpx.get(entry["url"]), entry

    response, entry = fetch("alriyadh")  # windows-1256 with a correct header
    assert response.headers["content-type"] == "text/html; charset=windows-1256"
    assert escape(entry["title"]) in response.text  # httpx follows the header
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")

    response, entry = fetch("almadina")  # windows-1256 declared only in a meta tag
    assert response.headers["content-type"] == "text/html"
    assert b'content="text/html; charset=windows-1256"' in response.content
    assert escape(entry["title"]) in response.content.decode("cp1256")

    response, entry = fetch("CNN")  # wrong header, corrected by <meta charset>
    assert response.headers["content-type"] == "text/html; charset=iso-8859-1"
    assert escape(entry["title"]) not in response.text and b'<meta charset="utf-8">' in response.content
    assert escape(entry["title"]) in response.content.decode("utf-8")


def test_characters_outside_windows_1256_survive_as_references(replay: ReplayServer, by_id: dict) -> None:
    entry = next(
        a
        for a in articles_of(replay.manifest(), "alriyadh")
        if "ٱ" in by_id[a["id"]]["text"] or "ی" in by_id[a["id"]]["text"]
    )
    html = httpx.get(entry["url"]).content.decode("cp1256")
    assert "&#1649;" in html or "&#1740;" in html
    text = by_class(lxml.html.fromstring(html), "entry-content")[0].text_content()
    assert ("ٱ" in text) or ("ی" in text)


@pytest.mark.parametrize("source", SOURCES)
def test_rss_feed_parses_with_latest_items(replay: ReplayServer, source: str) -> None:
    site = next(s for s in replay.manifest()["sources"] if s["name"] == source)
    response = httpx.get(site["feeds"][0])
    assert response.status_code == 200 and "rss+xml" in response.headers["content-type"]
    feed = feedparser.parse(response.content, response_headers=dict(response.headers))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == site["title"]
    expected = articles_of(replay.manifest(), source)[::-1]
    assert [e.title for e in feed.entries] == [a["title"] for a in expected]
    for entry, article in zip(feed.entries, expected, strict=True):
        if profile_for(source).tracking:
            assert parse_qs(urlsplit(entry.link).query)["utm_source"] == ["rss"]
            assert entry.link.split("?")[0] == article["url"]
        else:
            assert entry.link == article["url"]


def test_atom_feeds_on_some_sources(replay: ReplayServer) -> None:
    with_atom = [s for s in replay.manifest()["sources"] if len(s["feeds"]) > 1]
    assert {s["name"] for s in with_atom} >= {"BBC", "france24", "okaz"}
    for site in with_atom:
        feed = feedparser.parse(httpx.get(site["feeds"][1]).content)
        assert not feed.bozo and feed.version == "atom10"
        assert len(feed.entries) == PER_SOURCE and feed.entries[0].published


def test_news_sitemap_lists_every_article(replay: ReplayServer) -> None:
    manifest = replay.manifest()
    for site in manifest["sources"]:
        root = lxml.etree.fromstring(httpx.get(site["sitemaps"][0]).content)
        locs = root.xpath("//sm:url/sm:loc/text()", namespaces=NS)
        assert sorted(locs) == sorted(a["url"] for a in articles_of(manifest, site["name"]))
        assert root.xpath("//news:news/news:publication/news:name/text()", namespaces=NS)[0] == site["title"]


def test_robots_disallows_print_versions_linked_from_pages(replay: ReplayServer) -> None:
    robots_text = httpx.get(replay.url("/robots.txt")).text
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(robots_text.splitlines())
    manifest = replay.manifest()
    for source in ("BBC", "okaz", "sabq"):
        entry = articles_of(manifest, source)[-1]
        tree = page_tree(httpx.get(entry["url"]), source)
        links = [urljoin(entry["url"], h) for h in tree.xpath("//a/@href | //link[@rel='amphtml']/@href")]
        blocked = [u for u in links if not parser.can_fetch("akhbar", u)]
        assert blocked, f"{source} pages should link to a disallowed version"
        assert httpx.get(blocked[0]).status_code == 200  # it exists: only robots.txt keeps crawlers out
        assert parser.can_fetch("akhbar", entry["url"])
    for site in manifest["sources"]:
        assert f"Sitemap: {site['sitemaps'][0]}" in robots_text


def test_home_page_links_latest_articles(replay: ReplayServer) -> None:
    manifest = replay.manifest()
    site = next(s for s in manifest["sources"] if s["name"] == "france24")
    tree = lxml.html.fromstring(httpx.get(site["home"]).text)
    links = {urljoin(site["home"], h) for h in tree.xpath("//ul[@class='latest']//a/@href")}
    assert links == {a["url"] for a in articles_of(manifest, "france24")}
    assert site["title"] in tree.findtext(".//title")


def test_unknown_paths_are_404(replay: ReplayServer) -> None:
    assert httpx.get(replay.url("/nosuchsite/")).status_code == 404
    assert httpx.get(replay.url("/bbc/arabic/sports-1")).status_code == 404


def test_root_sections_static_and_info_pages(replay: ReplayServer) -> None:
    manifest = replay.manifest()
    with httpx.Client() as client:
        root = lxml.html.fromstring(client.get(replay.url("/")).text)
        assert {urljoin(replay.base_url, h) for h in root.xpath("//li/a/@href")} == {
            s["home"] for s in manifest["sources"]
        }
        home = next(s["home"] for s in manifest["sources"] if s["name"] == "CNN")
        tree = lxml.html.fromstring(client.get(home).text)
        menu = [urljoin(home, h) for h in tree.xpath("//nav//a/@href")]
        footer = [urljoin(home, h) for h in tree.xpath("//footer//a/@href")]
        for url in menu + footer:
            assert client.get(url).status_code == 200, url
        sport = lxml.html.fromstring(client.get(home + "section/sports").content.decode("utf-8"))
        titles = {a["title"] for a in manifest["articles"] if a["source"] == "CNN"}
        assert {h.text_content() for h in sport.xpath("//ul[@class='latest']//h3")} <= titles
        image = client.get(home + "static/img/1.jpg")
        assert image.status_code == 200 and image.headers["content-type"] == "image/gif"
        assert client.get(replay.url("/cnn")).status_code == 301
