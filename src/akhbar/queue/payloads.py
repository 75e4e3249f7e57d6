"""Articles and feed entries as JSON job payloads, and back."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime

from akhbar.extract.feeds import FeedEntry
from akhbar.models import Article, Tag
from akhbar.store.sqlite import from_iso, iso

DATE_FIELDS = ("published", "fetched")


def article_payload(article: Article) -> dict:
    """An article as JSON-ready data (what the ingest job carries)."""
    data = asdict(article)
    for name in DATE_FIELDS:
        data[name] = iso(data[name])
    data.pop("id", None)
    return data


def article_from_payload(data: dict) -> Article:
    """The inverse of article_payload()."""
    known = {f.name for f in fields(Article)}
    values = {k: v for k, v in data.items() if k in known}
    for name in DATE_FIELDS:
        values[name] = from_iso(values.get(name))
    values["tags"] = [Tag(**t) for t in values.get("tags") or []]
    return Article(**values)


def entry_payload(entry: FeedEntry) -> dict:
    """A feed entry as JSON-ready data."""
    data = asdict(entry)
    data["published"] = iso(entry.published)
    return data


def entry_from_payload(data: dict) -> FeedEntry:
    """The inverse of entry_payload()."""
    published = data.get("published")
    return FeedEntry(**{**data, "published": from_iso(published) if isinstance(published, str) else None})


def parse_moment(value: str | None) -> datetime | None:
    """A stored time text as a datetime."""
    return from_iso(value)
