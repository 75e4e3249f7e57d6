"""Every timestamp format in one place: stored text, ISO 8601 input and the YYYY-MM-DD day."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

#: The stored form of every moment: sortable UTC text, second precision.
STORED_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
#: A calendar day as forms, URLs and sitemaps write it.
DAY_FORMAT = "%Y-%m-%d"


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def stamp(moment: datetime) -> str:
    """A datetime as stored text (YYYY-MM-DDTHH:MM:SSZ)."""
    return as_utc(moment).strftime(STORED_FORMAT)


def iso(moment: datetime | None) -> str | None:
    """stamp(), with None kept."""
    return None if moment is None else stamp(moment)


def now_iso() -> str:
    """The current time as stored text."""
    return stamp(datetime.now(UTC))


def from_iso(value: str | None) -> datetime | None:
    """Stored text back to an aware UTC datetime (the inverse of iso())."""
    if not value:
        return None
    return datetime.strptime(value, STORED_FORMAT).replace(tzinfo=UTC)


def parse_zoned(value: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime in the zone it names (a trailing Z or naive: UTC).

    Raises ValueError when the text is not ISO 8601.
    """
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_iso(value: str) -> datetime:
    """Any ISO 8601 timestamp (a trailing Z, an offset, or naive meaning UTC) as aware UTC.

    Raises ValueError when the text is not ISO 8601.
    """
    return as_utc(parse_zoned(value))


def parse_moment(value: str | datetime | None) -> datetime | None:
    """A datetime or ISO 8601 text as aware UTC; None or empty text gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    return parse_iso(value)


def parse_day(value: str, end: bool = False) -> datetime:
    """A YYYY-MM-DD day as the start (or, with end, the last moment) of that day in UTC.

    Raises ValueError when the text is not such a day.
    """
    day = datetime.strptime(value.strip(), DAY_FORMAT).date()
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def day_of(moment: datetime) -> str:
    """The UTC calendar day of a moment as YYYY-MM-DD."""
    return as_utc(moment).strftime(DAY_FORMAT)


def local_iso(moment: datetime | None, offset_minutes: int | None) -> str | None:
    """A moment in the outlet's own zone (ISO 8601 with its offset), or None without an offset or a moment."""
    if moment is None or offset_minutes is None:
        return None
    zone = timezone(timedelta(minutes=offset_minutes))
    return as_utc(moment).astimezone(zone).isoformat(timespec="seconds")
