"""Printed Arabic dates: every style the replayed sites use is read back by the analyzer's parse_date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from akhbar.replay.printed import DATE_STYLES_USED, printed_date
from akhbar.text import parse_date

WHEN = datetime(2018, 11, 30, 23, 59, tzinfo=UTC)


@pytest.mark.parametrize("style", DATE_STYLES_USED)
def test_printed_dates_parse_back(style: str) -> None:
    text = printed_date(WHEN, style)
    assert "بتوقيت غرينتش" in text
    assert parse_date(text) == WHEN
    assert parse_date(printed_date(WHEN, style, with_time=False)).date() == WHEN.date()


def test_styles_differ() -> None:
    texts = {style: printed_date(WHEN, style) for style in DATE_STYLES_USED}
    assert "نوفمبر" in texts["egyptian"] and "تشرين الثاني" in texts["levantine"]
    assert "٢٠١٨" in texts["indic"] and "2018" not in texts["indic"]
    assert "نوفمبر/تشرين الثاني" in texts["dual"]
    assert texts["egyptian"].startswith("الجمعة")
