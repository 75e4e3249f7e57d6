"""What each page shows, as plain data: used by `akhbar show`, the web pages and the JSON API alike."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from akhbar.models import Article, SearchHit, Source, Story, Tag
from akhbar.relate.similar import related_for
from akhbar.store import SourceHealth, Store
from akhbar.times import iso, local_iso


def tag_data(tag: Tag) -> dict[str, Any]:
    """A tag as JSON-ready data."""
    return {"slug": tag.slug, "name": tag.name, "type": tag.type, "score": round(tag.score, 4)}


def article_summary(article: Article) -> dict[str, Any]:
    """The short form of an article, for lists."""
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": iso(article.published),
        "category": article.category,
        "story_id": article.story_id,
    }


def story_summary(story: Story) -> dict[str, Any]:
    """The short form of a story, for lists."""
    return {
        "id": story.id,
        "title": story.title,
        "sources": story.sources,
        "articles": len(story.article_ids),
        "first_seen": iso(story.first_seen),
        "last_seen": iso(story.last_seen),
    }


def related_articles(store: Store, article: Article) -> tuple[dict | None, list[dict]]:
    """Read-also and similar entries of an article (the relate stage's choice)."""
    read_also, similar = related_for(store, article)
    return (article_summary(read_also) if read_also else None), [article_summary(a) for a in similar]


def article_view(store: Store, article_id: int) -> dict[str, Any] | None:
    """Everything the article page shows: body, source, tags, story, read-also and similar."""
    article = store.get_article(article_id)
    if article is None:
        return None
    source = store.get_source(article.source)
    story = store.get_story(article.story_id) if article.story_id else None
    read_also, similar = related_articles(store, article)
    return {
        **article_summary(article),
        "published_local": local_iso(article.published, article.published_offset),
        "text": article.text,
        "summary": article.summary,
        "author": article.author,
        "language": article.language,
        "image": article.image,
        "partial": article.partial,
        "version": article.version,
        "source_name": source.name if source else article.source,
        "tags": [tag_data(t) for t in article.tags],
        "story": story_summary(story) if story else None,
        "read_also": read_also,
        "similar": similar,
    }


def search_hit_data(hit: SearchHit) -> dict[str, Any]:
    """A search result as JSON-ready data (snippet is escaped HTML with <mark>)."""
    return {
        "id": hit.id,
        "title": hit.title,
        "source": hit.source,
        "published": iso(hit.published),
        "snippet": hit.snippet,
        "score": hit.score,
        "url": hit.url,
    }


def source_data(source: Source) -> dict[str, Any]:
    """A source's settings as JSON-ready data."""
    return {
        "id": source.id,
        "name": source.name,
        "home": source.home,
        "feeds": list(source.feeds),
        "sitemaps": list(source.sitemaps),
        "language": source.language,
        "country": source.country,
        "poll_interval": source.poll_interval,
        "enabled": source.enabled,
    }


def health_data(health: SourceHealth) -> dict[str, Any]:
    """A source's fetch record as JSON-ready data."""
    mean = health.mean_fetch_seconds
    return {
        "last_success": iso(health.last_success),
        "last_error": iso(health.last_error),
        "last_error_message": health.last_error_message,
        "fetches": health.fetches,
        "errors": health.errors,
        "mean_fetch_seconds": round(mean, 3) if mean is not None else None,
        "articles": health.articles,
        "articles_per_day": health.articles_per_day,
    }


def source_names(store: Store) -> dict[str, str]:
    """Display names of the registered sources by id."""
    return {source.id: source.name for source in store.list_sources()}


def sources_view(store: Store) -> list[dict[str, Any]]:
    """Every outlet: registered sources and outlets known only from their articles, with article counts."""
    counts: dict[str, int] = store.stats().get("sources", {})
    registered = {source.id: source_data(source) for source in store.list_sources()}
    for source_id in counts:
        registered.setdefault(
            source_id, {**source_data(Source(id=source_id, name=source_id)), "registered": False}
        )
    rows = [
        {"registered": True, **data, "article_count": counts.get(sid, 0)} for sid, data in registered.items()
    ]
    return sorted(rows, key=lambda row: (-row["article_count"], row["id"]))


def source_view(
    store: Store, source_id: str, limit: int = 20, before: tuple[str, int] | None = None
) -> dict[str, Any] | None:
    """The source page: its settings, health and newest articles; None for an unknown outlet."""
    source = store.get_source(source_id)
    articles = store.latest_articles(limit=limit, before=before, source=source_id)
    if source is None and not articles and not store.latest_articles(limit=1, source=source_id):
        return None
    data = source_data(source) if source else source_data(Source(id=source_id, name=source_id))
    return {
        "source": {**data, "registered": source is not None},
        "health": health_data(store.source_health(source_id)),
        "results": [article_summary(a) for a in articles],
    }


def tag_view(
    store: Store, slug: str, limit: int = 20, before: tuple[str, int] | None = None
) -> dict[str, Any] | None:
    """The tag page: the tag (score = number of articles) and its newest articles; None if unknown."""
    tag = store.get_tag(slug)
    if tag is None:
        return None
    articles = store.articles_with_tag(slug, limit=limit, before=before)
    return {
        "tag": {**tag_data(tag), "articles": int(tag.score)},
        "results": [article_summary(a) for a in articles],
    }


def story_view(store: Store, story_id: int) -> dict[str, Any] | None:
    """Full coverage of a story: every article as a timeline (oldest first) and grouped by outlet."""
    story = store.get_story(story_id)
    if story is None:
        return None
    timeline = [article_summary(a) for a in store.get_articles(story.article_ids)]
    by_source: dict[str, list[dict[str, Any]]] = {}
    for item in timeline:
        by_source.setdefault(item["source"], []).append(item)
    return {
        **story_summary(story),
        "timeline": timeline,
        "by_source": [{"source": source, "articles": items} for source, items in by_source.items()],
    }


def home_view(
    store: Store, category: str | None = None, stories: int = 12, latest: int = 20
) -> dict[str, Any]:
    """The home page: top stories of the last two days of news (ranked by outlets and recency) and the latest articles."""
    newest = store.latest_articles(limit=latest, category=category)
    since = None
    if newest and newest[0].published:
        since = newest[0].published - timedelta(days=2)
    top = store.top_stories(limit=stories, since=since, category=category)
    return {
        "stories": [story_summary(s) for s in top],
        "latest": [article_summary(a) for a in newest],
    }
