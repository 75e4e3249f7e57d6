"""What the stores return besides the models: write outcomes, search pages and source health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from akhbar.models import SearchHit

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
