"""Dates printed the way Arabic news sites print them (Egyptian or Levantine months, Arabic-Indic digits)."""

from __future__ import annotations

from datetime import datetime

from akhbar.text.dates import EGYPTIAN_MONTHS, LEVANTINE_MONTHS, WEEKDAYS

DATE_STYLES_USED = ("egyptian", "levantine", "dual", "indic")
INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def printed_date(when: datetime, style: str, with_time: bool = True) -> str:
    """`when` (UTC) as a site of the given style prints it in an article's byline."""
    day, year, clock = when.day, when.year, f"{when:%H:%M}"
    weekday = WEEKDAYS[when.weekday()]
    if style == "levantine":
        text = f"{weekday} {day} {LEVANTINE_MONTHS[when.month - 1]} {year}"
    elif style == "dual":
        text = f"{weekday} {day} {EGYPTIAN_MONTHS[when.month - 1]}/{LEVANTINE_MONTHS[when.month - 1]} {year}"
    elif style == "indic":
        text = f"{weekday} {day} {EGYPTIAN_MONTHS[when.month - 1]} {year}م".translate(INDIC_DIGITS)
        clock = clock.translate(INDIC_DIGITS)
    else:
        text = f"{weekday} {day} {EGYPTIAN_MONTHS[when.month - 1]} {year}"
    return f"{text} - {clock} بتوقيت غرينتش" if with_time else text
