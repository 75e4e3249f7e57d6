"""HTTP caching: a strong ETag over the body and Last-Modified, answering conditional requests with 304."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response

from akhbar.web.formatting import parse_moment


def etag_of(body: bytes) -> str:
    """A strong ETag for a body."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def http_date(moment: datetime) -> str:
    """A datetime as an HTTP date."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """True when the client's copy is current (If-None-Match first, then If-Modified-Since)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since and last_modified is not None:
        try:
            client = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if client.tzinfo is None:
            client = client.replace(tzinfo=UTC)
        return last_modified.replace(microsecond=0) <= client
    return False


def cached(request: Request, body: str | bytes, media_type: str, last_modified: object = None,
           status_code: int = 200, max_age: int = 60) -> Response:
    """A response with ETag, Last-Modified and Cache-Control, or 304 when the client's copy is current."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    etag = etag_of(raw)
    moment = parse_moment(last_modified) if last_modified else None  # type: ignore[arg-type]
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    if moment is not None:
        headers["Last-Modified"] = http_date(moment)
    if status_code == 200 and not_modified(request, etag, moment):
        return Response(status_code=304, headers=headers)
    return Response(raw, status_code=status_code, media_type=media_type, headers=headers)


def newest(*values: object) -> datetime | None:
    """The latest of several datetimes or ISO texts (None when there is none)."""
    moments = [m for m in (parse_moment(v) for v in values if v) if m]  # type: ignore[arg-type]
    return max(moments) if moments else None
