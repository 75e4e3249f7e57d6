"""Rows of the store's tables as the models, and back: the one mapping both backends use."""

from __future__ import annotations

import json
from typing import Any

from akhbar.models import Article, Source, Tag
from akhbar.times import from_iso, iso

#: A row as both backends return it: column name to value.
Row = dict[str, Any]

#: The articles columns that make an Article (tags are read separately).
ARTICLE_FIELDS = (
    "id",
    "url",
    "source_id",
    "title",
    "text",
    "summary",
    "author",
    "category",
    "language",
    "image",
    "published",
    "fetched",
    "partial",
    "version",
    "story_id",
    "duplicate_group",
    "published_offset",
)
ARTICLE_COLUMNS = ", ".join(ARTICLE_FIELDS)


def article_columns(alias: str) -> str:
    """ARTICLE_COLUMNS qualified by a table alias (for joins)."""
    return ", ".join(f"{alias}.{name}" for name in ARTICLE_FIELDS)


def row_to_article(row: Row) -> Article:
    """An articles row as an Article (without tags)."""
    return Article(
        id=row["id"],
        url=row["url"],
        source=row["source_id"],
        title=row["title"],
        text=row["text"],
        summary=row["summary"],
        author=row["author"],
        category=row["category"],
        language=row["language"],
        image=row["image"],
        published=from_iso(row["published"]),
        fetched=from_iso(row["fetched"]),
        partial=bool(row["partial"]),
        version=row["version"],
        story_id=row["story_id"],
        duplicate_group=row["duplicate_group"],
        published_offset=row["published_offset"],
    )


def article_values(article: Article, digest: str) -> tuple[Any, ...]:
    """An Article's content as articles columns: title, text, summary, author, category, language, image,
    published, published_offset, fetched, partial, content_hash (what an insert and an update both write)."""
    return (
        article.title,
        article.text,
        article.summary,
        article.author,
        article.category,
        article.language,
        article.image,
        iso(article.published),
        article.published_offset,
        iso(article.fetched),
        int(article.partial),
        digest,
    )


def row_to_source(row: Row) -> Source:
    """A sources row as a Source."""
    return Source(
        id=row["id"],
        name=row["name"],
        home=row["home"],
        feeds=json.loads(row["feeds"]),
        sitemaps=json.loads(row["sitemaps"]),
        language=row["language"],
        country=row["country"],
        poll_interval=row["poll_interval"],
        enabled=bool(row["enabled"]),
    )


def source_values(source: Source) -> tuple[Any, ...]:
    """A Source's settings as sources columns: id, name, home, feeds, sitemaps, language, country, poll_interval, enabled."""
    return (
        source.id,
        source.name,
        source.home,
        json.dumps(source.feeds),
        json.dumps(source.sitemaps),
        source.language,
        source.country,
        source.poll_interval,
        int(source.enabled),
    )


def row_to_tag(row: Row, score: float | None = None) -> Tag:
    """A tags row (slug, name, type, key and `score` unless given) as a Tag."""
    return Tag(
        slug=row["slug"],
        name=row["name"],
        type=row["type"],
        key=row["key"],
        score=row["score"] if score is None else score,
    )
