"""The HTML pages: home, story, article, tag, source, sources and search."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from akhbar import views
from akhbar.web.caching import cached, newest
from akhbar.web.cursor import next_time_cursor, read_time_cursor
from akhbar.web.errors import ApiError
from akhbar.web.params import MAX_QUERY, Category, Cursor, day, in_id_range

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 10
MAX_SEARCH_PAGE = 50


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    last_modified: str | datetime | None = None,
) -> Response:
    """Render a template into a cached HTML response."""
    state = request.app.state
    body = state.templates.get_template(template).render(request=request, outlet=state.names.name, **context)
    return cached(request, body, "text/html; charset=utf-8", last_modified)


def not_found(what: str) -> ApiError:
    """A 404 with an Arabic message."""
    return ApiError(404, f"لم نجد {what}.")


@router.get("/")
def home(request: Request, category: Category = None) -> Response:
    """Top stories and the latest articles, optionally of one category."""
    store = request.app.state.store
    data = views.home_view(store, category=category or None, latest=PAGE_SIZE)
    cursor = next_time_cursor(data["latest"], PAGE_SIZE)
    modified = newest(
        *(a["published"] for a in data["latest"][:1]), *(s["last_seen"] for s in data["stories"])
    )
    return render(request, "home.html", {**data, "category": category, "next": cursor}, modified)


@router.get("/latest")
def latest(request: Request, category: Category = None, before: Cursor = None) -> Response:
    """Older articles, page by page."""
    store = request.app.state.store
    articles = store.latest_articles(
        limit=PAGE_SIZE, before=read_time_cursor(before), category=category or None
    )
    items = [views.article_summary(a) for a in articles]
    return render(
        request,
        "latest.html",
        {"articles": items, "category": category, "next": next_time_cursor(items, PAGE_SIZE)},
        items[0]["published"] if items else None,
    )


@router.get("/stories/{story_id}")
def story(request: Request, story_id: int) -> Response:
    """Full coverage of a story: by outlet and as a timeline."""
    data = views.story_view(request.app.state.store, story_id) if in_id_range(story_id) else None
    if data is None:
        raise not_found("هذه القصة")
    return render(request, "story.html", {"story": data}, data["last_seen"])


@router.get("/articles/{article_id}")
def article(request: Request, article_id: int) -> Response:
    """One article with its source, tags, read-also, similar articles and its story."""
    data = views.article_view(request.app.state.store, article_id) if in_id_range(article_id) else None
    if data is None:
        raise not_found("هذا المقال")
    return render(request, "article.html", {"article": data}, data["published"])


@router.get("/tags/{slug}")
def tag(request: Request, slug: str, before: Cursor = None) -> Response:
    """Newest articles with a tag."""
    if len(slug) > 200:
        raise not_found("هذه الكلمة الدلالية")
    data = views.tag_view(request.app.state.store, slug, limit=PAGE_SIZE, before=read_time_cursor(before))
    if data is None:
        raise not_found("هذه الكلمة الدلالية")
    cursor = next_time_cursor(data["results"], PAGE_SIZE)
    modified = data["results"][0]["published"] if data["results"] else None
    return render(request, "tag.html", {**data, "next": cursor}, modified)


@router.get("/sources")
def sources(request: Request) -> Response:
    """Every outlet with its number of articles."""
    return render(request, "sources.html", {"sources": views.sources_view(request.app.state.store)})


@router.get("/sources/{source_id}")
def source(request: Request, source_id: str, before: Cursor = None) -> Response:
    """An outlet: its health and newest articles."""
    if len(source_id) > 200:
        raise not_found("هذا المصدر")
    data = views.source_view(
        request.app.state.store, source_id, limit=PAGE_SIZE, before=read_time_cursor(before)
    )
    if data is None:
        raise not_found("هذا المصدر")
    cursor = next_time_cursor(data["results"], PAGE_SIZE)
    modified = data["results"][0]["published"] if data["results"] else None
    return render(request, "source.html", {**data, "next": cursor}, modified)


@router.get("/search")
def search(
    request: Request,
    q: Annotated[str, Query(max_length=MAX_QUERY)] = "",
    source: Annotated[str, Query(max_length=200)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_SEARCH_PAGE)] = 1,
) -> Response:
    """Search form and ranked results with highlighted snippets, page by page."""
    store = request.app.state.store
    context: dict[str, Any] = {
        "q": q,
        "source": source,
        "since": since,
        "until": until,
        "page": page,
        "hits": [],
        "total": 0,
        "pages": 0,
        "outlets": request.app.state.names.outlets(),
    }
    if q.strip():
        result = store.search(
            q,
            source=source or None,
            since=day(since),
            until=day(until, end=True),
            limit=SEARCH_PAGE_SIZE,
            offset=(page - 1) * SEARCH_PAGE_SIZE,
        )
        pages = min(MAX_SEARCH_PAGE, -(-result.total // SEARCH_PAGE_SIZE))
        context.update(hits=[views.search_hit_data(h) for h in result.hits], total=result.total, pages=pages)
    return render(request, "search.html", context)


@router.get("/favicon.ico")
def favicon() -> Response:
    """The icon, from the static folder."""
    return RedirectResponse("/static/favicon.svg", status_code=301)
