"""HTTP caching: a strong ETag over the body and Last-Modified, answering conditional requests with 304."""

from __future__ import annotations

import hashlib
from datetime import datetime

from fastapi import Request, Response

from akhbar.httpdates import http_date, not_modified
from akhbar.times import parse_moment


def etag_of(body: bytes) -> str:
    """A strong ETag for a body."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def cached(
    request: Request,
    body: str | bytes,
    media_type: str,
    last_modified: str | datetime | None = None,
    status_code: int = 200,
    max_age: int = 60,
) -> Response:
    """A response with ETag, Last-Modified and Cache-Control, or 304 when the client's copy is current."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    etag = etag_of(raw)
    moment = parse_moment(last_modified)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    if moment is not None:
        headers["Last-Modified"] = http_date(moment)
    if status_code == 200 and not_modified(request.headers, etag, moment):
        return Response(status_code=304, headers=headers)
    return Response(raw, status_code=status_code, media_type=media_type, headers=headers)


def newest(*values: str | datetime | None) -> datetime | None:
    """The latest of several datetimes or ISO texts (None when there is none)."""
    moments = [m for m in (parse_moment(v) for v in values) if m]
    return max(moments) if moments else None
