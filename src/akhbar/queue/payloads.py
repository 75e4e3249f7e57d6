"""Articles as JSON job payloads, and back."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from akhbar.models import Article, Tag
from akhbar.times import from_iso, iso

DATE_FIELDS = ("published", "fetched")


def article_payload(article: Article) -> dict[str, Any]:
    """An article as JSON-ready data (what the ingest job carries)."""
    data = asdict(article)
    for name in DATE_FIELDS:
        data[name] = iso(data[name])
    data.pop("id", None)
    return data


def article_from_payload(data: dict[str, Any]) -> Article:
    """The inverse of article_payload()."""
    known = {f.name for f in fields(Article)}
    values = {k: v for k, v in data.items() if k in known}
    for name in DATE_FIELDS:
        values[name] = from_iso(values.get(name))
    values["tags"] = [Tag(**t) for t in values.get("tags") or []]
    return Article(**values)
