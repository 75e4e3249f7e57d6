"""Atom feeds (well-formed Atom 1.0 with the required elements), /healthz and /metrics."""

from __future__ import annotations

from urllib.parse import quote
from xml.etree import ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(client, url: str) -> ET.Element:
    """Fetch a feed and check the Atom 1.0 rules a validator checks first."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert response.headers["etag"]
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "author/" + ATOM + "name"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://testserver/articles/")
    return root


def test_every_feed_is_atom(client, web_data):
    home = atom(client, "/feed.xml")
    assert len(home.findall(f"{ATOM}entry")) == 30
    assert atom(client, f"/tags/{quote(web_data.tag_slug)}/feed.xml").findall(f"{ATOM}entry")
    assert atom(client, "/sources/CNN/feed.xml").findall(f"{ATOM}entry")
    assert atom(client, f"/stories/{web_data.story_id}/feed.xml").findall(f"{ATOM}entry")
    search = atom(client, "/search/feed.xml?q=" + quote("کوریا"))
    assert search.findall(f"{ATOM}entry")


def test_feed_escapes_hostile_titles(client, web_data):
    root = atom(client, "/sources/evil/feed.xml")
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert any(t and t.startswith("<script>") for t in titles)  # kept as text, escaped in the XML


def test_feed_errors(client):
    assert client.get("/tags/none/feed.xml").status_code == 404
    assert client.get("/stories/999999/feed.xml").status_code == 404
    assert client.get("/sources/none/feed.xml").status_code == 404
    assert client.get("/search/feed.xml").status_code == 400
    assert client.get("/search/feed.xml?q=" + "x" * 10_000).status_code == 400


def test_healthz(client, web_data):
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "articles": web_data.store.article_count()}


def test_metrics_count_requests_and_crawl_outcomes(client, web_data):
    client.get("/")
    client.get(f"/articles/{web_data.korea_ids[0]}")
    text = client.get("/metrics").text
    assert 'akhbar_http_requests_total{method="GET",route="/",status="200"}' in text
    assert 'akhbar_http_request_duration_seconds_bucket{route="/articles/{article_id}",le="+Inf"}' in text
    assert f"akhbar_articles {web_data.store.article_count()}" in text
    assert 'akhbar_crawl_fetches_total{source="BBC",outcome="error"} 1' in text
    assert 'akhbar_crawl_fetches_total{source="BBC",outcome="ok"} 1' in text
    names = [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")]
    assert len(names) == len(set(names))
