"""The JSON API under /api/v1: the pages' data, cursor pagination, problem+json errors, admin writes.

The admin token of every write is checked before routing, by akhbar.web.guard.WriteGuardMiddleware.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from akhbar import views
from akhbar.errors import FetchError, UnsafeURLError
from akhbar.models import Source
from akhbar.web.caching import cached, newest
from akhbar.web.cursor import (
    next_time_cursor,
    offset_cursor,
    read_offset_cursor,
    read_time_cursor,
)
from akhbar.web.errors import ApiError
from akhbar.web.params import MAX_QUERY, Category, Cursor, day, in_id_range

router = APIRouter(prefix="/api/v1", tags=["api"])

Limit = Annotated[int, Query(ge=1, le=100, description="Items per page (1–100).")]
SOURCE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class SourceIn(BaseModel):
    """A source to add (or replace) through the admin API."""

    id: str = Field(pattern=SOURCE_ID, description="Short id, e.g. `bbc`.")
    name: str = Field(min_length=1, max_length=200)
    home: str | None = Field(default=None, max_length=2000, pattern=r"^https?://")
    feeds: list[Annotated[str, Field(max_length=2000, pattern=r"^https?://")]] = Field(
        default_factory=list, max_length=50
    )
    sitemaps: list[Annotated[str, Field(max_length=2000, pattern=r"^https?://")]] = Field(
        default_factory=list, max_length=50
    )
    language: str = Field(default="ar", max_length=16)
    country: str | None = Field(default=None, max_length=8)
    poll_interval: float = Field(default=900.0, ge=60, le=7 * 86400)
    enabled: bool = True


def json_response(
    request: Request, data: Any, last_modified: str | datetime | None = None, status_code: int = 200
) -> Response:
    """JSON (Arabic kept as UTF-8) with ETag and Last-Modified."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return cached(request, body, "application/json", last_modified, status_code)


@router.get("/articles", summary="Latest articles")
def list_articles(
    request: Request,
    limit: Limit = 20,
    cursor: Cursor = None,
    source: Annotated[str | None, Query(max_length=200)] = None,
    category: Category = None,
) -> Response:
    """Newest articles first; `next` is the cursor of the following page (null on the last)."""
    articles = request.app.state.store.latest_articles(
        limit=limit, before=read_time_cursor(cursor), source=source, category=category
    )
    items = [views.article_summary(a) for a in articles]
    return json_response(
        request,
        {"results": items, "next": next_time_cursor(items, limit)},
        items[0]["published"] if items else None,
    )


@router.get("/articles/{article_id}", summary="One article")
def get_article(request: Request, article_id: int) -> Response:
    """An article with its text, tags, story, read-also and similar articles."""
    data = views.article_view(request.app.state.store, article_id) if in_id_range(article_id) else None
    if data is None:
        raise ApiError(404, f"no article {article_id}", "Not Found")
    return json_response(request, data, data["published"])


@router.get("/stories", summary="Top stories")
def list_stories(
    request: Request, limit: Limit = 20, cursor: Cursor = None, category: Category = None
) -> Response:
    """Stories ranked by outlets covering them and recency."""
    offset = read_offset_cursor(cursor)
    stories = request.app.state.store.top_stories(limit=offset + limit + 1, category=category)[offset:]
    items = [views.story_summary(s) for s in stories[:limit]]
    following = offset_cursor(offset + limit) if len(stories) > limit else None
    return json_response(
        request, {"results": items, "next": following}, newest(*(s["last_seen"] for s in items))
    )


@router.get("/stories/{story_id}", summary="One story (full coverage)")
def get_story(request: Request, story_id: int) -> Response:
    """A story with every article, as a timeline and grouped by outlet."""
    data = views.story_view(request.app.state.store, story_id) if in_id_range(story_id) else None
    if data is None:
        raise ApiError(404, f"no story {story_id}", "Not Found")
    return json_response(request, data, data["last_seen"])


@router.get("/tags/{slug}", summary="One tag and its articles")
def get_tag(request: Request, slug: str, limit: Limit = 20, cursor: Cursor = None) -> Response:
    """A tag and its newest articles."""
    data = views.tag_view(request.app.state.store, slug, limit=limit, before=read_time_cursor(cursor))
    if data is None:
        raise ApiError(404, f"no tag {slug[:100]!r}", "Not Found")
    return json_response(
        request,
        {**data, "next": next_time_cursor(data["results"], limit)},
        data["results"][0]["published"] if data["results"] else None,
    )


@router.get("/sources", summary="Every source")
def list_sources(request: Request) -> Response:
    """Registered sources and outlets known from the archive, with article counts."""
    return json_response(request, {"results": views.sources_view(request.app.state.store)})


@router.get("/sources/{source_id}", summary="One source with its health")
def get_source(request: Request, source_id: str, limit: Limit = 20, cursor: Cursor = None) -> Response:
    """A source, its fetch health and its newest articles."""
    data = views.source_view(request.app.state.store, source_id, limit=limit, before=read_time_cursor(cursor))
    if data is None:
        raise ApiError(404, f"no source {source_id[:100]!r}", "Not Found")
    return json_response(request, {**data, "next": next_time_cursor(data["results"], limit)})


async def refuse_unsafe_urls(source: SourceIn, allow_private: bool) -> None:
    """A 422 for any URL the crawler would refuse (akhbar.fetch.safety.check_url: private, loopback, ...).

    A host that does not resolve now is accepted: the crawler checks every address again when it fetches.
    """
    # Imported here on purpose: akhbar.fetch's package init loads the whole crawler (314 modules, +22 MB of
    # RSS in every web worker, measured), and only admin writes need this check.
    from akhbar.fetch.safety import check_url

    for url in (source.home, *source.feeds, *source.sitemaps):
        if not url:
            continue
        try:
            await check_url(url, allow_private=allow_private)
        except UnsafeURLError as exc:
            raise ApiError(422, str(exc)) from None
        except FetchError:
            continue


def save_source(request: Request, source: SourceIn) -> dict[str, Any]:
    """Store a source and return it as saved."""
    store = request.app.state.store
    store.upsert_source(Source(**source.model_dump()))
    request.app.state.names.forget()
    return views.source_data(store.get_source(source.id))


@router.post("/sources", status_code=201, summary="Add or replace a source (admin)")
async def add_source(request: Request, source: SourceIn) -> Response:
    """Needs `Authorization: Bearer $AKHBAR_ADMIN_TOKEN`; URLs to private or local addresses are refused."""
    await refuse_unsafe_urls(source, request.app.state.settings.allow_private_hosts)
    saved = await run_in_threadpool(save_source, request, source)
    return json_response(request, saved, status_code=201)


@router.delete("/sources/{source_id}", status_code=204, summary="Remove a source (admin)")
def delete_source(request: Request, source_id: str) -> Response:
    """Needs `Authorization: Bearer $AKHBAR_ADMIN_TOKEN`; the source's articles stay."""
    if not request.app.state.store.delete_source(source_id):
        raise ApiError(404, f"no source {source_id[:100]!r}", "Not Found")
    request.app.state.names.forget()
    return Response(status_code=204)


@router.get("/search", summary="Search articles")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY, description="Words, in any spelling.")],
    source: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Response:
    """Ranked results with highlighted snippets (escaped HTML with `<mark>`); `next` is the following page."""
    offset = read_offset_cursor(cursor)
    try:
        start, end = day(since), day(until, end=True)
    except ApiError:
        raise ApiError(422, "since/until must be YYYY-MM-DD") from None
    page = request.app.state.store.search(
        q, source=source, since=start, until=end, limit=limit, offset=offset
    )
    following = offset_cursor(offset + limit) if offset + limit < page.total else None
    return json_response(
        request,
        {"results": [views.search_hit_data(h) for h in page.hits], "total": page.total, "next": following},
    )
