"""Atom feeds (well-formed Atom 1.0 with the required elements), /healthz and /metrics."""

from __future__ import annotations

from urllib.parse import quote
from xml.etree import ElementTree as ET

from webtest_helpers import BASE_URL

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
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(f"{BASE_URL}/articles/")
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


def test_micro_cache_reuses_answers_and_forgets_after_writes(web_data, settings):
    from fastapi.testclient import TestClient
    from webtest_helpers import ADMIN_TOKEN

    from akhbar.web import create_app

    app = create_app(web_data.store, settings, cache_seconds=60)
    with TestClient(app) as cached_client:
        first = cached_client.get("/api/v1/sources")
        again = cached_client.get("/api/v1/sources")
        assert again.content == first.content and app.state.answers.hits == 1
        assert again.headers["content-security-policy"].count("default-src") == 1
        assert (
            cached_client.get("/api/v1/sources", headers={"If-None-Match": first.headers["etag"]}).status_code
            == 304
        )
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        assert (
            cached_client.post(
                "/api/v1/sources", json={"id": "cachetest", "name": "م"}, headers=auth
            ).status_code
            == 201
        )
        after = cached_client.get("/api/v1/sources").json()
        assert "cachetest" in {s["id"] for s in after["results"]}
        assert cached_client.delete("/api/v1/sources/cachetest", headers=auth).status_code == 204
        assert cached_client.get("/api/v1/articles/999999").status_code == 404
        assert cached_client.get("/api/v1/articles/999999").status_code == 404  # errors are never cached
        metrics = cached_client.get("/metrics").text
        assert 'akhbar_web_cache_total{result="hit"}' in metrics
        assert 'route="/api/v1/sources"' in metrics


def test_micro_cache_off(web_data, settings):
    from fastapi.testclient import TestClient

    from akhbar.web import create_app

    app = create_app(web_data.store, settings, cache_seconds=0)
    with TestClient(app) as uncached:
        uncached.get("/")
        uncached.get("/")
        assert app.state.answers.hits == 0
