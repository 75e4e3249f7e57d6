"""The JSON API: data mirrors the pages, cursor pagination, limits, problem+json errors, admin writes."""

from __future__ import annotations

from webtest_helpers import ADMIN_TOKEN, XSS_TITLE, problem


def test_articles_cursor_pagination_walks_without_overlap(client, web_data):
    seen: list[int] = []
    cursor = None
    for _ in range(5):
        params = {"limit": 50, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/articles", params=params).json()
        seen += [item["id"] for item in body["results"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) >= 200
    dates = [a.published for a in web_data.store.get_articles(seen)]
    assert dates == sorted(dates, reverse=True)


def test_articles_filters(client, web_data):
    body = client.get("/api/v1/articles", params={"source": "CNN", "limit": 5}).json()
    assert body["results"] and {r["source"] for r in body["results"]} == {"CNN"}
    category = next(a.category for a in web_data.store.latest_articles(limit=100) if a.category)
    body = client.get("/api/v1/articles", params={"category": category, "limit": 5}).json()
    assert body["results"] and {r["category"] for r in body["results"]} == {category}


def test_article_detail_has_tags_story_read_also_similar(client, web_data):
    article_id = web_data.korea_ids[0]
    body = client.get(f"/api/v1/articles/{article_id}").json()
    for key in (
        "id",
        "title",
        "text",
        "source",
        "source_name",
        "url",
        "published",
        "tags",
        "story",
        "read_also",
        "similar",
    ):
        assert key in body
    assert body["id"] == article_id
    assert any(t["slug"] == web_data.tag_slug for t in body["tags"])


def test_hostile_title_is_plain_json_data(client, web_data):
    body = client.get(f"/api/v1/articles/{web_data.xss_id}").json()
    assert body["title"] == XSS_TITLE
    assert client.get(f"/api/v1/articles/{web_data.xss_id}").headers["content-type"] == "application/json"


def test_stories_list_and_detail(client, web_data):
    body = client.get("/api/v1/stories", params={"limit": 2}).json()
    assert body["results"]
    assert all({"id", "title", "sources", "articles", "last_seen"} <= set(s) for s in body["results"])
    if body["next"]:
        more = client.get("/api/v1/stories", params={"limit": 2, "cursor": body["next"]}).json()
        assert not {s["id"] for s in more["results"]} & {s["id"] for s in body["results"]}
    story = client.get(f"/api/v1/stories/{web_data.story_id}").json()
    assert story["id"] == web_data.story_id
    assert story["timeline"] and story["by_source"]
    assert sum(len(g["articles"]) for g in story["by_source"]) == len(story["timeline"])


def test_tag_endpoint(client, web_data):
    body = client.get(f"/api/v1/tags/{web_data.tag_slug}", params={"limit": 3}).json()
    assert body["tag"]["slug"] == web_data.tag_slug
    assert 0 < len(body["results"]) <= 3
    if body["next"]:
        more = client.get(
            f"/api/v1/tags/{web_data.tag_slug}", params={"limit": 3, "cursor": body["next"]}
        ).json()
        assert not {a["id"] for a in more["results"]} & {a["id"] for a in body["results"]}


def test_sources_list_and_detail(client):
    body = client.get("/api/v1/sources").json()
    ids = {s["id"] for s in body["results"]}
    assert {"BBC", "CNN", "alarabia"} <= ids
    detail = client.get("/api/v1/sources/BBC").json()
    assert detail["source"]["name"] == "بي بي سي عربي"
    assert detail["health"]["fetches"] == 2 and detail["health"]["errors"] == 1
    assert detail["results"]


def test_search_finds_persian_spelling_and_pages(client):
    body = client.get("/api/v1/search", params={"q": "کوریا الشمالیة", "limit": 3}).json()
    assert body["total"] >= 3 and len(body["results"]) == 3
    assert any("<mark>" in r["snippet"] for r in body["results"])
    assert body["next"]
    more = client.get(
        "/api/v1/search", params={"q": "کوریا الشمالیة", "limit": 3, "cursor": body["next"]}
    ).json()
    assert not {r["id"] for r in more["results"]} & {r["id"] for r in body["results"]}
    filtered = client.get("/api/v1/search", params={"q": "كوريا", "source": "BBC"}).json()
    assert filtered["results"] and {r["source"] for r in filtered["results"]} == {"BBC"}


def test_bad_input_gets_problem_json(client):
    problem(client.get("/api/v1/articles/999999"), 404)
    problem(client.get("/api/v1/stories/999999"), 404)
    problem(client.get("/api/v1/tags/nothing-here"), 404)
    problem(client.get("/api/v1/sources/nothing-here"), 404)
    problem(client.get("/api/v1/articles/abc"), 422)
    problem(client.get("/api/v1/articles", params={"cursor": "not-a-cursor"}), 400)
    problem(
        client.get("/api/v1/articles", params={"cursor": "bzo1"}), 400
    )  # an offset cursor where a time one goes
    problem(client.get("/api/v1/stories", params={"cursor": "dDp4"}), 400)
    problem(client.get("/api/v1/articles", params={"limit": 0}), 422)
    problem(client.get("/api/v1/articles", params={"limit": 101}), 422)
    problem(client.get("/api/v1/search", params={"q": "ك" * 10_000}), 422)
    problem(client.get("/api/v1/search"), 422)
    problem(client.get("/api/v1/search", params={"q": "x", "since": "never"}), 422)
    problem(client.get("/api/v1/nothing"), 404)


def test_api_caching_headers(client):
    response = client.get("/api/v1/articles", params={"limit": 5})
    etag = response.headers["etag"]
    assert (
        client.get("/api/v1/articles", params={"limit": 5}, headers={"If-None-Match": etag}).status_code
        == 304
    )
    assert (
        client.get("/api/v1/articles", params={"limit": 6}, headers={"If-None-Match": etag}).status_code
        == 200
    )


def test_source_writes_need_the_admin_token(client):
    new = {
        "id": "newsrc",
        "name": "مصدر جديد",
        "home": "https://example.com",
        "feeds": ["https://example.com/rss"],
    }
    problem(client.post("/api/v1/sources", json=new), 401)
    problem(client.post("/api/v1/sources", json=new, headers={"Authorization": "Bearer wrong"}), 401)
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    problem(client.post("/api/v1/sources", json={**new, "id": "bad id!"}, headers=auth), 422)
    problem(client.post("/api/v1/sources", json={**new, "feeds": ["javascript:x"]}, headers=auth), 422)
    created = client.post("/api/v1/sources", json=new, headers=auth)
    assert created.status_code == 201 and created.json()["name"] == "مصدر جديد"
    assert "newsrc" in {s["id"] for s in client.get("/api/v1/sources").json()["results"]}
    problem(client.delete("/api/v1/sources/newsrc"), 401)
    assert client.delete("/api/v1/sources/newsrc", headers=auth).status_code == 204
    problem(client.delete("/api/v1/sources/newsrc", headers=auth), 404)


def test_writes_are_disabled_without_a_token(web_data):
    from fastapi.testclient import TestClient

    from akhbar.config import Settings
    from akhbar.web import create_app

    with TestClient(create_app(web_data.store, Settings(admin_token=None))) as no_token:
        body = problem(
            no_token.post(
                "/api/v1/sources", json={"id": "x", "name": "x"}, headers={"Authorization": "Bearer "}
            ),
            403,
        )
        assert "disabled" in body["detail"]
        problem(no_token.delete("/api/v1/sources/BBC", headers={"Authorization": "Bearer x"}), 403)


def test_openapi_and_local_docs(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/tags/{slug}",
        "/api/v1/sources",
        "/api/v1/search",
    ):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/api/v1/sources"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert "<script>" not in docs.text  # no inline script
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/docs-init.js").status_code == 200
