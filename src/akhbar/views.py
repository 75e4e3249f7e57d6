"""What each page shows, as plain data: used by `akhbar show`, the web pages and the JSON API alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from akhbar.models import Article, SearchHit, Story, Tag
from akhbar.store import Store


def iso_or_none(moment: datetime | None) -> str | None:
    """A datetime as ISO 8601 UTC text."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


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
        "published": iso_or_none(article.published),
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
        "first_seen": iso_or_none(story.first_seen),
        "last_seen": iso_or_none(story.last_seen),
    }


def related_articles(store: Store, article: Article) -> tuple[dict | None, list[dict]]:
    """Read-also and similar entries of an article, from the relate stage where it is installed."""
    try:
        from akhbar.relate.similar import related_for  # type: ignore[import-not-found]
    except ModuleNotFoundError:
        return None, []
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
        "published": iso_or_none(hit.published),
        "snippet": hit.snippet,
        "score": hit.score,
        "url": hit.url,
    }
