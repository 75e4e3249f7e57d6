"""Query and path parameters shared by the pages, the API and the feeds, with their limits."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query

from akhbar import times
from akhbar.web.errors import ApiError

#: Longest search query (characters): longer text is never a query, and BM25 cost grows with its terms.
MAX_QUERY = 256
#: Largest row id: SQLite's INTEGER and PostgreSQL's BIGINT are signed 64-bit, and a larger Python int
#: overflows the driver (OverflowError, a 500) instead of simply matching nothing.
MAX_ID = 2**63 - 1

Category = Annotated[str | None, Query(max_length=64)]
Cursor = Annotated[str | None, Query(max_length=100, description="The `next` value of the previous page.")]


def day(value: str | None, end: bool = False) -> datetime | None:
    """A YYYY-MM-DD parameter as the start (or end) of that day in UTC; a 400 when it is not such a day."""
    if not value:
        return None
    try:
        return times.parse_day(value, end=end)
    except ValueError:
        raise ApiError(400, "صيغة التاريخ غير صحيحة؛ استعمل سنة-شهر-يوم.") from None


def in_id_range(value: int) -> bool:
    """True when an id from a path can name a stored row (1 to MAX_ID)."""
    return 1 <= value <= MAX_ID
