"""The HTML pages over a real sample store: content, Arabic RTL, escaping, errors, caching headers."""

from __future__ import annotations

import re
from urllib.parse import quote

from webtest_helpers import XSS_TITLE


def page(client, url: str, status: int = 200) -> str:
    """GET a page, check status, HTML type and the RTL root, return its text."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="ar" dir="rtl">' in response.text
    return response.text


def test_home_shows_top_stories_and_latest_articles(client, web_data):
    html = page(client, "/")
    assert "أهم القصص" in html and "آخر الأخبار" in html
    assert 'class="story-card"' in html and "التغطية الكاملة" in html
    assert html.count('class="item"') == 20
    assert 'rel="next"' in html


def some_category(store) -> str:
    """A category some recent article has."""
    return next(a.category for a in store.latest_articles(limit=100) if a.category and "<" not in a.category)


def test_home_category_filter_keeps_only_that_category(client, web_data):
    category = some_category(web_data.store)
    html = page(client, "/?category=" + quote(category))
    assert 'aria-current="page">' in html
    ids = [
        int(i)
        for i in re.findall(r'class="item-title" href="/articles/(\d+)"', html.split('id="latest-h"')[1])
    ]
    assert ids
    for article in web_data.store.get_articles(ids):
        assert article.category == category


def test_latest_pages_follow_the_cursor(client):
    first = page(client, "/")
    next_link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = page(client, next_link)
    ids_one = set(re.findall(r'href="/articles/(\d+)"', first.split('id="latest-h"')[1]))
    ids_two = set(re.findall(r'href="/articles/(\d+)"', second))
    assert ids_two and not ids_one & ids_two


def test_story_page_groups_by_outlet_with_timeline(client, web_data):
    html = page(client, f"/stories/{web_data.story_id}")
    story = web_data.store.get_story(web_data.story_id)
    assert "التغطية الكاملة" in html and "التسلسل الزمني" in html and "حسب المصدر" in html
    for article_id in story.article_ids:
        assert f'href="/articles/{article_id}"' in html
    assert html.count('class="outlet-group"') == len(story.sources)


def test_article_page_has_the_seed_page_parts(client, web_data):
    article_id = web_data.korea_ids[0]
    article = web_data.store.get_article(article_id)
    html = page(client, f"/articles/{article_id}")
    paragraphs = [p for p in article.text.splitlines() if p.strip()]
    assert html.count("<p>") >= len(paragraphs)
    assert "المصدر:" in html
    assert f'href="/sources/{quote(article.source)}"' in html
    assert 'class="original"' in html
    assert re.search(r"(الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد) \d+ (أبريل|مايو) 2018", html)
    assert "كلمات دلالية" in html and f'href="/tags/{quote(web_data.tag_slug)}"' in html
    if article.story_id:
        assert f'href="/stories/{article.story_id}"' in html and "التغطية الكاملة" in html


def test_article_page_renders_without_story_or_tags(client, web_data):
    plain = (
        web_data.store.latest_articles(limit=1, source="aleqtisadiya")
        or web_data.store.latest_articles(limit=50)[-1:]
    )
    html = page(client, f"/articles/{plain[0].id}")
    assert "المصدر:" in html


def test_hostile_title_and_text_come_out_inert(client, web_data):
    for url in (
        f"/articles/{web_data.xss_id}",
        "/",
        "/sources/evil",
        "/sources",
        "/search?q=" + quote("عنوان خبيث"),
    ):
        html = page(client, url)
        assert "<script>" not in html, url
        assert "<img src=x" not in html, url
        assert 'href="javascript:' not in html, url
    html = page(client, f"/articles/{web_data.xss_id}")
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html or "&lt;script&gt;" in html
    assert XSS_TITLE not in html


def test_javascript_original_url_is_not_a_link(client, web_data):
    article_id = web_data.store.article_id_for_url("javascript:alert(1)")
    html = page(client, f"/articles/{article_id}")
    assert 'class="original" href="#"' in html


def test_tag_page_lists_articles_with_the_tag(client, web_data):
    html = page(client, f"/tags/{quote(web_data.tag_slug)}")
    tagged = web_data.store.articles_with_tag(web_data.tag_slug, limit=5)
    assert tagged
    for article in tagged:
        assert f'href="/articles/{article.id}"' in html


def test_sources_list_and_source_page_with_health(client):
    html = page(client, "/sources")
    for source in ("BBC", "CNN", "alarabia", "skynews", "france24"):
        assert f'href="/sources/{source}"' in html
    html = page(client, "/sources/BBC")
    assert "بي بي سي عربي" in html and "حالة المصدر" in html
    assert "ConnectError: no route to host" in html
    assert html.count('class="item"') == 20


def test_search_folds_persian_letters_and_highlights(client):
    html = page(client, "/search?q=" + quote("کوریا الشمالیة"))
    assert "نتيجة" in html
    assert re.search(r"<mark>كوريا</mark>", html)
    assert 'class="result"' in html


def test_search_filters_and_pages(client):
    html = page(client, "/search?q=" + quote("كوريا") + "&source=BBC")
    sources = re.findall(r'class="outlet" href="/sources/([^"]+)"', html.split('class="results"')[1])
    assert sources and set(sources) == {"BBC"}
    html = page(client, "/search?q=" + quote("في") + "&page=2")
    assert "صفحة 2" in html or "لا نتائج" in html
    html = page(client, "/search?q=" + quote("كوريا") + "&since=2030-01-01")
    assert "لا نتائج" in html


def test_search_bad_input_is_a_clear_arabic_error(client):
    page(client, "/search?q=" + "ك" * 10_000, status=400)
    page(client, "/search?q=x&page=0", status=400)
    page(client, "/search?q=x&page=abc", status=400)
    html = page(client, "/search?q=x&since=yesterday", status=400)
    assert "التاريخ" in html
    html = page(client, "/search")
    assert 'name="q"' in html


def test_unknown_ids_are_arabic_404_pages(client):
    for url in (
        "/articles/999999",
        "/stories/999999",
        "/tags/no-such-tag",
        "/sources/no-such-source",
        "/no/such/page",
        "/articles/abc",
    ):
        response = client.get(url)
        assert response.status_code in (404, 400), url
        assert '<html lang="ar" dir="rtl">' in response.text
        assert "Traceback" not in response.text


def test_bad_cursor_is_a_400_page(client):
    for cursor in ("zzz", "dDoyMDE4|1", "bm9wZQ", "%%%", "x" * 500):
        response = client.get("/latest", params={"before": cursor})
        assert response.status_code == 400, cursor


def test_pages_carry_security_and_cache_headers(client, web_data):
    response = client.get(f"/articles/{web_data.korea_ids[0]}")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    etag = response.headers["etag"]
    assert response.headers["last-modified"].endswith("GMT")
    again = client.get(f"/articles/{web_data.korea_ids[0]}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    since = client.get(
        f"/articles/{web_data.korea_ids[0]}", headers={"If-Modified-Since": response.headers["last-modified"]}
    )
    assert since.status_code == 304


def test_pages_reference_only_local_resources(client, web_data):
    for url in ("/", f"/articles/{web_data.korea_ids[0]}", "/docs"):
        html = client.get(url).text
        assert not re.search(r'\b(?:src|url\()\s*=?\s*"?https?://', html), url
        assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="https?://', html), url


def test_static_css_is_served(client):
    response = client.get("/static/akhbar.css")
    assert response.status_code == 200 and "mark" in response.text
    assert response.headers["content-type"].startswith("text/css")


def test_server_error_is_an_arabic_500_without_trace(web_data, settings):
    from fastapi.testclient import TestClient

    from akhbar.web import create_app

    class BrokenStore:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise RuntimeError("secret internal detail")

            return fail

    app = create_app(BrokenStore(), settings)  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as broken:
        response = broken.get("/articles/1")
        assert response.status_code == 500
        assert "خطأ في الخادم" in response.text and "secret internal detail" not in response.text
        api = broken.get("/api/v1/articles/1")
        assert api.status_code == 500
        assert api.headers["content-type"] == "application/problem+json"
        assert "secret" not in api.text
