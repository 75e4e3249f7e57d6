"""The data Akhbar moves around: plain dataclasses, no behaviour beyond small helpers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Source:
    """A news outlet: where to find its articles and how often to look."""

    id: str
    name: str
    home: str | None = None
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    language: str = "ar"
    country: str | None = None
    poll_interval: float = 900.0
    enabled: bool = True


@dataclass
class Tag:
    """A keyword tag: `key` is the analyzer's key form, `name` the display form shown to readers."""

    slug: str
    name: str
    type: str = "topic"
    score: float = 0.0
    key: str = ""


@dataclass
class Article:
    """One news article; its identity is the canonical `url`."""

    url: str
    title: str
    text: str
    source: str
    published: datetime | None = None
    id: int | None = None
    external_id: str | None = None
    summary: str | None = None
    author: str | None = None
    category: str | None = None
    language: str | None = None
    image: str | None = None
    partial: bool = False
    fetched: datetime | None = None
    version: int = 1
    tags: list[Tag] = field(default_factory=list)
    story_id: int | None = None
    duplicate_group: int | None = None
    #: The UTC offset (minutes east) the outlet wrote `published` with, so its local time can be shown; None unknown.
    published_offset: int | None = None

    @property
    def content_hash(self) -> str:
        """Hash of what makes a new version: title and text."""
        digest = hashlib.blake2b(digest_size=16)
        digest.update(self.title.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
        digest.update(self.text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()


@dataclass
class Story:
    """Articles from any outlet about the same event."""

    id: int
    title: str
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    article_ids: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass
class FetchResult:
    """The outcome of one HTTP fetch, as written to the fetch log."""

    url: str
    status: int | None
    elapsed: float
    bytes: int = 0
    source: str | None = None
    error: str | None = None
    conditional: bool = False
    fetched_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx or 304 answer."""
        return self.status is not None and (200 <= self.status < 300 or self.status == 304)


@dataclass
class SearchHit:
    """One search result with its highlighted snippet (matches wrapped in <mark>, text escaped)."""

    id: int
    title: str
    source: str
    published: datetime | None
    snippet: str
    score: float
    url: str = ""


@dataclass
class ImportCounts:
    """What an import or crawl batch did."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, other: ImportCounts) -> None:
        """Add another batch's counts to these."""
        self.imported += other.imported
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected

    @property
    def total(self) -> int:
        """Every article seen."""
        return self.imported + self.updated + self.unchanged + self.rejected
