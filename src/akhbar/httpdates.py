"""HTTP dates and conditional requests, shared by the web site, replay and the fetcher."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


def http_date(moment: datetime) -> str:
    """A datetime as an HTTP date (RFC 9110 IMF-fixdate, whole seconds)."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    """An HTTP date as an aware datetime (naive means UTC); None when it cannot be read."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def not_modified(headers: Mapping[str, str], etag: str | None, last_modified: datetime | None) -> bool:
    """True when a conditional request's validators match (If-None-Match wins over If-Modified-Since)."""
    match = headers.get("if-none-match")
    if match is not None:
        if etag is None:
            return False
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag in tags
    since = headers.get("if-modified-since")
    if since and last_modified is not None:
        when = parse_http_date(since)
        return when is not None and last_modified.replace(microsecond=0) <= when
    return False
