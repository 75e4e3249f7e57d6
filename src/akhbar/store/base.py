"""The storage interface every backend implements (SQLite embedded, PostgreSQL for scale-out)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

from akhbar.models import Article, FetchResult, SearchHit, Source, Story, Tag

WriteStatus = Literal["imported", "updated", "unchanged"]


@dataclass
class WriteOutcome:
    """What writing one article did, and the id it has in the store."""

    article_id: int
    status: WriteStatus


@dataclass
class SearchPage:
    """One page of search results and the number of matching articles."""

    hits: list[SearchHit]
    total: int


@dataclass
class SourceHealth:
    """A source's fetch record, from the fetch log."""

    source_id: str
    last_success: datetime | None
    last_error: datetime | None
    last_error_message: str | None
    fetches: int
    errors: int
    mean_fetch_seconds: float | None
    articles: int
    articles_per_day: float


@runtime_checkable
class Store(Protocol):
    """Storage of sources, articles, tags, stories, duplicate groups and the fetch log."""

    url: str

    def close(self) -> None:
        """Release the connection(s)."""

    def transaction(self) -> AbstractContextManager[None]:
        """A transaction: everything inside is written together or not at all (nestable)."""

    # sources
    def upsert_source(self, source: Source) -> None:
        """Add a source or replace its settings."""

    def get_source(self, source_id: str) -> Source | None:
        """One source by id."""

    def list_sources(self) -> list[Source]:
        """Every source, by id."""

    def delete_source(self, source_id: str) -> bool:
        """Remove a source (its articles stay); True if it existed."""

    def source_state(self, source_id: str) -> dict[str, Any]:
        """The crawler's saved state for a source (ETags, rates, next poll)."""

    def save_source_state(self, source_id: str, state: dict[str, Any], next_poll_at: datetime | None) -> None:
        """Save the crawler's state for a source."""

    # articles
    def write_articles(self, articles: Sequence[Article]) -> list[WriteOutcome]:
        """Insert new articles, version changed ones, skip unchanged ones; sets article.id."""

    def get_article(self, article_id: int) -> Article | None:
        """One article with its tags."""

    def get_articles(self, article_ids: Sequence[int]) -> list[Article]:
        """Several articles by id, in the given order, missing ones left out (no tags)."""

    def article_id_for_url(self, url: str) -> int | None:
        """The id of the article stored under this canonical URL."""

    def article_ids_for_external(self, external_ids: Sequence[str]) -> dict[str, int]:
        """Map corpus ids to store ids."""

    def article_versions(self, article_id: int) -> list[dict[str, Any]]:
        """Earlier versions of an article, oldest first."""

    def latest_articles(
        self,
        limit: int = 20,
        before: tuple[str, int] | None = None,
        source: str | None = None,
        category: str | None = None,
        story_id: int | None = None,
    ) -> list[Article]:
        """Newest articles first, after the (published, id) cursor `before`."""

    def iter_articles(self, batch_size: int = 1000) -> Iterator[Article]:
        """Every article in publication order."""

    def article_count(self) -> int:
        """How many articles are stored."""

    def stats(self) -> dict[str, Any]:
        """Articles per source, date range and store size."""

    # search and term statistics
    def search(
        self,
        query: str,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchPage:
        """Ranked full-text search over the analyzer's terms, with highlighted snippets."""

    def match_terms(self, term_groups: Sequence[Sequence[str]], limit: int = 50,
                    exclude: Sequence[int] = ()) -> list[tuple[int, float]]:
        """Article ids ranked by BM25 for any of the terms (a "more like this" query); higher is better."""

    def term_document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """In how many articles each term occurs."""

    def set_article_enrichment(self, article_id: int, language: str | None, category: str | None) -> None:
        """Set an article's detected language and category (a None leaves that field as it is)."""

    # tags
    def set_article_tags(self, article_id: int, tags: Sequence[Tag]) -> None:
        """Replace an article's tags (ordered, best first)."""

    def article_tags(self, article_id: int) -> list[Tag]:
        """An article's tags, best first."""

    def get_tag(self, slug: str) -> Tag | None:
        """One tag by slug."""

    def articles_with_tag(self, slug: str, limit: int = 20, before: tuple[str, int] | None = None) -> list[Article]:
        """Newest articles carrying a tag."""

    # stories and duplicates
    def save_story(self, story: Story, central_article_id: int | None = None) -> int:
        """Create (id 0) or update a story; returns its id."""

    def assign_story(self, article_id: int, story_id: int) -> None:
        """Put an article in a story."""

    def get_story(self, story_id: int) -> Story | None:
        """One story with its article ids and outlets."""

    def top_stories(self, limit: int = 20, since: datetime | None = None,
                    category: str | None = None) -> list[Story]:
        """Stories ranked by outlets covering them and recency."""

    def save_duplicate_group(self, group_id: int, canonical_article_id: int, member_ids: Sequence[int]) -> int:
        """Create (id 0) or extend a duplicate group; returns its id."""

    def duplicate_group_canonical(self, group_id: int) -> int | None:
        """The canonical (earliest) article of a duplicate group."""

    def merge_stories(self, into_id: int, from_id: int) -> None:
        """Move every article of story `from_id` into `into_id` and mark `from_id` as merged into it."""

    # relate stage state
    def article_terms(self, article_ids: Sequence[int]) -> dict[int, tuple[list[str], list[str]]]:
        """The analyzer's (title terms, body terms) of articles, as indexed."""

    def document_frequencies(self) -> tuple[int, dict[str, int]]:
        """The number of articles and, for every indexed term, in how many articles it occurs."""

    def save_signature(self, article_id: int, published: datetime | None, body_hash: str,
                       minhash: bytes | None) -> None:
        """Record an article's duplicate signature (exact body hash and MinHash)."""

    def articles_with_body_hash(self, body_hash: str) -> list[int]:
        """Ids of the articles with this body hash, oldest first."""

    def recent_signatures(self, since: datetime) -> list[tuple[int, datetime, bytes]]:
        """(article id, published, MinHash) of the articles published since a time, in publication order."""

    def save_article_profile(self, article_id: int, profile: str) -> None:
        """Save the relate stage's profile of an article (JSON text)."""

    def article_profiles(self, article_ids: Sequence[int]) -> dict[int, str]:
        """The relate profiles of articles that have one."""

    def story_members(self, story_ids: Sequence[int]) -> list[tuple[int, int, int | None, datetime | None]]:
        """(article id, story id, duplicate group, published) of every article of these stories."""

    def save_story_state(self, story_id: int, last_seen: datetime | None, state: str) -> None:
        """Save the relate stage's clustering state of a story (JSON text)."""

    def recent_story_states(self, since: datetime) -> list[tuple[int, str]]:
        """(story id, state) of the unmerged stories last seen since a time, oldest first."""

    # fetch log and stage state
    def log_fetch(self, result: FetchResult) -> None:
        """Record one fetch outcome."""

    def source_health(self, source_id: str) -> SourceHealth:
        """A source's fetch and article record."""

    def get_state(self, name: str) -> str | None:
        """A stage's saved state (JSON text)."""

    def set_state(self, name: str, value: str) -> None:
        """Save a stage's state."""
