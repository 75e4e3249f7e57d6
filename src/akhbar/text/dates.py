"""Dates written the way Arabic news writes them: month names of every region, Arabic-Indic digits, ص/م, relative forms."""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime, timedelta

from akhbar.text.normalize import key

# Month names in key form (أ→ا, ة→ه, ى→ي), separated by "|": Egyptian/Gulf, Levantine/Iraqi, Maghrebi, Moroccan, English.
_MONTH_NAMES = [
    "يناير|كانون الثاني|جانفي|january|jan",
    "فبراير|فبرير|شباط|فيفري|february|feb",
    "مارس|اذار|march|mar",
    "ابريل|ابرايل|نيسان|افريل|april|apr",
    "مايو|ايار|ماي|may",
    "يونيو|يونيه|حزيران|جوان|june|jun",
    "يوليو|يوليه|تموز|جويليه|يوليوز|july|jul",
    "اغسطس|اب|اوت|غشت|august|aug",
    "سبتمبر|ايلول|شتنبر|september|sept|sep",
    "اكتوبر|تشرين الاول|october|oct",
    "نوفمبر|تشرين الثاني|نونبر|november|nov",
    "ديسمبر|كانون الاول|دجنبر|december|dec",
]
MONTHS: dict[str, int] = {name: n for n, names in enumerate(_MONTH_NAMES, 1) for name in names.split("|")}
# The same months and weekdays as printed (display spelling), Monday first like datetime.weekday().
EGYPTIAN_MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
LEVANTINE_MONTHS = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
_MONTH = "(?:" + "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True)) + ")"
_WEEKDAYS = {
    "الاثنين": 0,
    "الاتنين": 0,
    "الثلاثاء": 1,
    "الثلاثا": 1,
    "الاربعاء": 2,
    "الاربعا": 2,
    "الخميس": 3,
    "الجمعه": 4,
    "السبت": 5,
    "الاحد": 6,
}
_WEEKDAY = "(?P<weekday>" + "|".join(_WEEKDAYS) + ")"
_NB = r"(?![\w])"  # no letter right after (so اب is not the start of ابريل, م not of مساء)
_YEAR = r"(?P<year>(?:19|20)\d\d)(?:\s*م" + _NB + ")?"

_DAY_MONTH_YEAR = re.compile(
    rf"(?:{_WEEKDAY}\s*[,،]?\s*)?(?P<day>\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?P<month>{_MONTH}){_NB}"
    rf"(?:\s*[/\-–(]\s*(?P<month2>{_MONTH}){_NB}\s*\)?)?\s*[,،]?\s*{_YEAR}"
)
_MONTH_DAY_YEAR = re.compile(rf"(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})\s*[,،]\s*{_YEAR}")
_NUMERIC = re.compile(
    r"(?<![\d/.\-])(?:(?P<y1>(?:19|20)\d\d)[/.\-](?P<m1>\d{1,2})[/.\-](?P<d1>\d{1,2})|"
    r"(?P<d2>\d{1,2})[/.\-](?P<m2>\d{1,2})[/.\-](?P<y2>(?:19|20)\d\d))(?![\d/.\-])"
)
_ISO = re.compile(r"\d{4}-\d\d-\d\d(?:[t ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?:z|[+\-]\d\d:?\d\d)?")
_TIME = re.compile(
    r"(?<![\d:])(?P<hour>\d{1,2}):(?P<minute>\d\d)(?::(?P<second>\d\d))?(?!\d)"
    r"(?:\s*(?P<ampm>صباحا|صباح|ص|مساءا|مساء|م|ظهرا|am|pm|a\.m\.|p\.m\.)" + _NB + ")?"
)
_OFFSET = re.compile(r"(?:gmt|utc|غرينتش|جرينتش)\s*(?P<sign>[+\-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d\d))?")

_UNITS = {
    "ثانيه": "seconds",
    "ثواني": "seconds",
    "ثوان": "seconds",
    "ثانيتين": "seconds",
    "ثانيتان": "seconds",
    "دقيقه": "minutes",
    "دقايق": "minutes",
    "دقيقتين": "minutes",
    "دقيقتان": "minutes",
    "ساعه": "hours",
    "ساعات": "hours",
    "ساعتين": "hours",
    "ساعتان": "hours",
    "يوم": "days",
    "ايام": "days",
    "يومين": "days",
    "يومان": "days",
    "اسبوع": "weeks",
    "اسابيع": "weeks",
    "اسبوعين": "weeks",
    "اسبوعان": "weeks",
}
_DUALS = {
    "ثانيتين",
    "ثانيتان",
    "دقيقتين",
    "دقيقتان",
    "ساعتين",
    "ساعتان",
    "يومين",
    "يومان",
    "اسبوعين",
    "اسبوعان",
}
_NUMBER_WORDS = {
    "واحد": 1,
    "واحده": 1,
    "ثلاث": 3,
    "ثلاثه": 3,
    "اربع": 4,
    "اربعه": 4,
    "خمس": 5,
    "خمسه": 5,
    "ست": 6,
    "سته": 6,
    "سبع": 7,
    "سبعه": 7,
    "ثماني": 8,
    "ثمان": 8,
    "ثمانيه": 8,
    "تسع": 9,
    "تسعه": 9,
    "عشر": 10,
    "عشره": 10,
}
_UNIT = "(?P<unit>" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"
_RELATIVE = re.compile(r"(?:منذ|قبل)\s+(?:(?P<count>\d+|" + "|".join(_NUMBER_WORDS) + r")\s+)?" + _UNIT + _NB)
_NOW_WORDS = re.compile(r"(?:^|\s)(?:الان|منذ لحظات|قبل قليل|منذ قليل)(?:\s|$)")
_DAY_WORDS = re.compile(r"(?:^|\s)(?P<word>اول امس|امس|البارحه|اليوم)" + _NB)


def _aware(value: datetime) -> datetime:
    """The same instant as an aware UTC datetime (naive means UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _time_of(text: str) -> tuple[int, int, int] | None:
    """Hour, minute, second of the first clock time in a key-form text, with ص/م applied; None if absent or invalid."""
    match = _TIME.search(text)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    ampm = match["ampm"] or ""
    if ampm:
        if hour > 12:
            return None
        if ampm in ("م", "مساء", "مساءا", "pm", "p.m.") and hour < 12:
            hour += 12
        elif ampm in ("ص", "صباح", "صباحا", "am", "a.m.") and hour == 12:
            hour = 0
        elif ampm == "ظهرا" and hour < 6:
            hour += 12
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _offset_of(text: str) -> timedelta:
    """The UTC offset written as GMT+3 / توقيت غرينتش +3, else zero."""
    match = _OFFSET.search(text)
    if not match:
        return timedelta(0)
    delta = timedelta(hours=int(match["h"]), minutes=int(match["m"] or 0))
    return delta if match["sign"] == "+" else -delta


def _build(text: str, year: int, month: int, day: int, rest: str) -> datetime | None:
    """The datetime of a calendar date plus the clock time and offset found in `rest`; None if invalid."""
    clock = _time_of(rest)
    if clock is None and _TIME.search(rest):
        return None  # a time is written but cannot be read: better no date than a wrong one
    hour, minute, second = clock or (0, 0, 0)
    try:
        local = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    return local - _offset_of(rest)


def _named_month(text: str) -> datetime | None:
    """A date with a month name: "الجمعة 13 أكتوبر 2023 10:30 ص", "13 تشرين الأول 2023", "13 مارس/آذار 2023"."""
    match = _DAY_MONTH_YEAR.search(text) or _MONTH_DAY_YEAR.search(text)
    if not match:
        return None
    month = MONTHS[match["month"]]
    second_name = match.groupdict().get("month2")
    if second_name and MONTHS[second_name] != month:
        return None
    rest = text[: match.start()] + " " + text[match.end() :]
    result = _build(text, int(match["year"]), month, int(match["day"]), rest)
    weekday = match.groupdict().get("weekday")
    if result is not None and weekday and result.date().weekday() != _WEEKDAYS[weekday]:
        return None  # the day name contradicts the date
    return result


def _numeric(text: str) -> datetime | None:
    """A numeric date: 2023/10/13, 2023-10-13 or (day first, as Arabic writes it) 13/10/2023."""
    match = _NUMERIC.search(text)
    if not match:
        return None
    if match["y1"]:
        year, month, day = int(match["y1"]), int(match["m1"]), int(match["d1"])
    else:
        year, month, day = int(match["y2"]), int(match["m2"]), int(match["d2"])
    rest = text[: match.start()] + " " + text[match.end() :]
    return _build(text, year, month, day, rest)


def _iso(raw: str) -> datetime | None:
    """An ISO 8601 timestamp."""
    match = _ISO.fullmatch(raw.strip().lower())
    if not match:
        return None
    try:
        return _aware(datetime.fromisoformat(match.group().upper().replace("Z", "+00:00")))
    except ValueError:
        return None


def _rfc(raw: str) -> datetime | None:
    """An RFC 2822 date (feeds): "Fri, 13 Oct 2023 10:00:00 +0000"."""
    if not re.search(r"\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", raw):
        return None
    try:
        return _aware(email.utils.parsedate_to_datetime(raw.strip()))
    except (TypeError, ValueError, IndexError):
        return None


def _relative(text: str, now: datetime) -> datetime | None:
    """A date relative to `now`: "منذ ساعتين", "قبل 3 أيام", "أمس", "الآن"."""
    match = _RELATIVE.search(text)
    if match:
        unit = match["unit"]
        count_text = match["count"]
        if count_text is None:
            count = 2 if unit in _DUALS else 1
        else:
            count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS[count_text]
        return now - timedelta(**{_UNITS[unit]: count})
    if _NOW_WORDS.search(text):
        return now
    match = _DAY_WORDS.search(text)
    if match:
        back = {"اول امس": 2, "امس": 1, "البارحه": 1, "اليوم": 0}[match["word"]]
        day = now - timedelta(days=back)
        clock = _time_of(text)
        if clock is None:
            return day
        return day.replace(hour=clock[0], minute=clock[1], second=clock[2], microsecond=0)
    return None


def parse_date(text: str, now: datetime | None = None) -> datetime | None:
    """Read a date in any form Arabic news writes it; aware UTC, or None when the text holds no sure date."""
    if not text or not text.strip() or len(text) > 500:
        return None
    for parser in (_iso, _rfc):
        found = parser(text)
        if found is not None:
            return found
    folded = key(text)
    found = _named_month(folded) or _numeric(folded)
    if found is not None:
        return found
    return _relative(folded, _aware(now) if now else datetime.now(UTC))
