"""How values are shown to readers: Arabic dates, outlet names, categories and safe snippets."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from markupsafe import Markup, escape

from akhbar.enrich.category import CATEGORIES
from akhbar.text.dates import EGYPTIAN_MONTHS as MONTHS
from akhbar.text.dates import WEEKDAYS
from akhbar.times import parse_moment, parse_zoned

# ANT corpus section ids, shown in Arabic (stores imported before the enrich stage keep them).
ANT_SECTIONS = {
    "middleEast": "الشرق الأوسط",
    "internationalNews": "العالم",
    "economy": "اقتصاد",
    "sport": "رياضة",
    "culture": "ثقافة وفنون",
    "technology": "تكنولوجيا",
}

MARK_SPLIT = re.compile(r"(</?mark>)")


def arabic_date(value: str | datetime | None, with_weekday: bool = True) -> str:
    """A date as Arabic readers write it: "الجمعة 13 أكتوبر 2023، 14:05 ت.غ", in the zone the value carries.

    A moment with the outlet's own offset is shown in the outlet's local time, its zone named after UTC:
    "الجمعة 13 أكتوبر 2023، 17:05 ت.غ+3".
    """
    if value is None or value == "":
        return "تاريخ غير معروف"
    moment = value if isinstance(value, datetime) else parse_zoned(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    day = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    prefix = f"{WEEKDAYS[moment.weekday()]} " if with_weekday else ""
    return f"{prefix}{day}، {moment:%H:%M} {zone_name(moment)}"


def zone_name(moment: datetime) -> str:
    """The zone of an aware moment as Arabic readers write it: ت.غ, ت.غ+3, ت.غ+5:30, ت.غ-4."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "ت.غ"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"ت.غ{sign}{hours}" + (f":{rest:02d}" if rest else "")


def short_date(value: str | datetime | None) -> str:
    """A compact date for lists: "1 مايو 2018، 14:05"."""
    moment = parse_moment(value)
    if moment is None:
        return ""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}، {moment:%H:%M}"


def category_name(category: str | None) -> str:
    """The Arabic name of a category id (the id itself when unknown)."""
    if not category:
        return ""
    return ANT_SECTIONS.get(category, category)


def category_menu() -> dict[str, str]:
    """The categories readers can filter by (id: Arabic name): the enrich stage's taxonomy."""
    return {name: name for name in CATEGORIES}


def paragraphs(text: str | None) -> list[str]:
    """The non-empty paragraphs of a body text."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def safe_snippet(snippet: str) -> Markup:
    """A store snippet (escaped text with <mark>) as markup; any other markup in it is escaped again."""
    parts = []
    for piece in MARK_SPLIT.split(snippet or ""):
        if piece in ("<mark>", "</mark>"):
            parts.append(piece)
        else:
            parts.append(piece.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))
    return Markup("".join(parts))


def plural_outlets(count: int) -> str:
    """ "3 مصادر" with the right Arabic form for the number of outlets."""
    if count == 1:
        return "مصدر واحد"
    if count == 2:
        return "مصدران"
    if 3 <= count <= 10:
        return f"{count} مصادر"
    return f"{count} مصدراً"


def plural_articles(count: int) -> str:
    """ "5 مقالات" with the right Arabic form for the number of articles."""
    if count == 1:
        return "مقال واحد"
    if count == 2:
        return "مقالان"
    if 3 <= count <= 10:
        return f"{count} مقالات"
    return f"{count} مقالاً"


def http_url(url: str | None) -> str:
    """The URL when it is http(s), else "#" (a javascript: or data: link from a feed never becomes a link)."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return "#"


def text_escape(value: object) -> str:
    """Escaped text (for places outside templates)."""
    return str(escape(value))
