"""Opaque pagination cursors: a (published, id) position in a time-ordered list, or an offset."""

from __future__ import annotations

import base64
import binascii
import re

from akhbar.web.errors import BadCursorError
from akhbar.web.params import MAX_ID

MAX_OFFSET = 1000
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)
ROW_ID = re.compile(r"[1-9]\d{0,18}", re.ASCII)  # at most 19 digits; MAX_ID bounds it exactly
OFFSET = re.compile(r"\d{1,4}", re.ASCII)


def _encode(text: str) -> str:
    """Text as URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def _decode(cursor: str) -> str:
    """The inverse of _encode, with a typed error for anything malformed."""
    if len(cursor) > 100:
        raise BadCursorError("cursor too long")
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursorError("malformed cursor") from None


def time_cursor(published: str | None, article_id: int | None) -> str | None:
    """The cursor after an article at (published, id); None when the article has no date."""
    if not published or article_id is None:
        return None
    return _encode(f"t:{published}|{article_id}")


def read_time_cursor(cursor: str | None) -> tuple[str, int] | None:
    """A time cursor as the store's (published, id) `before` position."""
    if not cursor:
        return None
    kind, _, rest = _decode(cursor).partition(":")
    published, _, raw_id = rest.partition("|")
    if kind != "t" or not STAMP.fullmatch(published) or not ROW_ID.fullmatch(raw_id) or int(raw_id) > MAX_ID:
        raise BadCursorError("malformed cursor")
    return published, int(raw_id)


def offset_cursor(offset: int) -> str | None:
    """The cursor of a position in a ranked list (None past the last allowed page)."""
    return _encode(f"o:{offset}") if 0 < offset <= MAX_OFFSET else None


def read_offset_cursor(cursor: str | None) -> int:
    """An offset cursor as a list position."""
    if not cursor:
        return 0
    kind, _, raw = _decode(cursor).partition(":")
    if kind != "o" or not OFFSET.fullmatch(raw) or int(raw) > MAX_OFFSET:
        raise BadCursorError("malformed cursor")
    return int(raw)


def next_time_cursor(items: list[dict], limit: int) -> str | None:
    """The cursor after the last item of a full page (None on the last page)."""
    if len(items) < limit or not items:
        return None
    last = items[-1]
    return time_cursor(last.get("published"), last.get("id"))
