"""Atom feed routes: home, tag, source, story and search."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from akhbar.models import Article
from akhbar.times import iso
from akhbar.web.atom import FeedEntry, atom_feed
from akhbar.web.caching import cached
from akhbar.web.errors import ApiError
from akhbar.web.formatting import category_name
from akhbar.web.params import MAX_QUERY, Category, in_id_range

router = APIRouter(include_in_schema=False)

FEED_SIZE = 30
ATOM = "application/atom+xml; charset=utf-8"


def base_of(request: Request) -> str:
    """The site's absolute base URL from the settings (never the request's Host header), no trailing slash."""
    return str(request.app.state.base_url)


def entries(request: Request, articles: list[Article]) -> list[FeedEntry]:
    """Feed entries of articles (summary = the start of the text)."""
    name = request.app.state.names.name
    return [
        FeedEntry(
            id=a.id,
            title=a.title,
            source_name=name(a.source),
            published=iso(a.published),
            original_url=a.url,
            summary=(a.summary or a.text or "").strip(),
        )
        for a in articles
        if a.id is not None
    ]


def feed(request: Request, title: str, page: str, items: list[FeedEntry]) -> Response:
    """An Atom response with caching headers."""
    base = base_of(request)
    self_url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    body = atom_feed(f"{title} — أخبار", base + page, self_url, items, base)
    newest = max((e.published for e in items if e.published), default=None)
    return cached(request, body, ATOM, newest)


@router.get("/feed.xml")
def home_feed(request: Request, category: Category = None) -> Response:
    """Latest articles."""
    articles = request.app.state.store.latest_articles(limit=FEED_SIZE, category=category)
    title = f"آخر الأخبار: {category_name(category)}" if category else "آخر الأخبار"
    return feed(request, title, "/", entries(request, articles))


@router.get("/tags/{slug}/feed.xml")
def tag_feed(request: Request, slug: str) -> Response:
    """Latest articles with a tag."""
    store = request.app.state.store
    tag = store.get_tag(slug)
    if tag is None:
        raise ApiError(404, "لم نجد هذه الكلمة الدلالية.")
    return feed(
        request, tag.name, f"/tags/{slug}", entries(request, store.articles_with_tag(slug, limit=FEED_SIZE))
    )


@router.get("/sources/{source_id}/feed.xml")
def source_feed(request: Request, source_id: str) -> Response:
    """Latest articles of an outlet."""
    store = request.app.state.store
    articles = store.latest_articles(limit=FEED_SIZE, source=source_id)
    if not articles and store.get_source(source_id) is None:
        raise ApiError(404, "لم نجد هذا المصدر.")
    return feed(
        request, request.app.state.names.name(source_id), f"/sources/{source_id}", entries(request, articles)
    )


@router.get("/stories/{story_id}/feed.xml")
def story_feed(request: Request, story_id: int) -> Response:
    """Every article of a story, newest first."""
    store = request.app.state.store
    story = store.get_story(story_id) if in_id_range(story_id) else None
    if story is None:
        raise ApiError(404, "لم نجد هذه القصة.")
    articles = list(reversed(store.get_articles(story.article_ids)))[: FEED_SIZE * 2]
    return feed(request, story.title, f"/stories/{story_id}", entries(request, articles))


@router.get("/search/feed.xml")
def search_feed(request: Request, q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY)]) -> Response:
    """The best results of a search."""
    store = request.app.state.store
    page = store.search(q, limit=FEED_SIZE)
    articles = store.get_articles([h.id for h in page.hits])
    return feed(request, f"بحث: {q}", f"/search?q={quote(q)}", entries(request, articles))
