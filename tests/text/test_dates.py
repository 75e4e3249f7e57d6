"""parse_date: every form of the issue, and None (never a wrong date) for what cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.text import parse_date

NOW = datetime(2023, 10, 13, 12, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Egyptian / Gulf month names, with and without day names
        ("الجمعة 13 أكتوبر 2023", utc(2023, 10, 13)),
        ("13 اكتوبر 2023", utc(2023, 10, 13)),
        ("1 يناير 2018", utc(2018, 1, 1)),
        ("5 فبراير 2018", utc(2018, 2, 5)),
        ("10 إبريل 2018", utc(2018, 4, 10)),
        ("10 أبريل 2018", utc(2018, 4, 10)),
        ("2 يونية 2018", utc(2018, 6, 2)),
        ("2 يونيو 2018", utc(2018, 6, 2)),
        ("14 أغسطس 2018", utc(2018, 8, 14)),
        ("31 ديسمبر 2018", utc(2018, 12, 31)),
        # Levantine / Iraqi
        ("13 تشرين الأول 2023", utc(2023, 10, 13)),  # trafilatura reads 2023-01-01
        ("السبت 14 تشرين الأول 2023", utc(2023, 10, 14)),
        ("3 كانون الثاني 2019", utc(2019, 1, 3)),
        ("25 كانون الأول 2019", utc(2019, 12, 25)),
        ("7 تشرين الثاني 2018", utc(2018, 11, 7)),
        ("1 شباط 2018", utc(2018, 2, 1)),
        ("1 آذار 2018", utc(2018, 3, 1)),
        ("1 نيسان 2018", utc(2018, 4, 1)),
        ("1 أيار 2018", utc(2018, 5, 1)),
        ("1 حزيران 2018", utc(2018, 6, 1)),
        ("1 تموز 2018", utc(2018, 7, 1)),
        ("1 آب 2018", utc(2018, 8, 1)),
        ("1 أيلول 2018", utc(2018, 9, 1)),
        # Maghrebi
        ("1 جانفي 2018", utc(2018, 1, 1)),
        ("1 فيفري 2018", utc(2018, 2, 1)),
        ("1 أفريل 2018", utc(2018, 4, 1)),
        ("1 ماي 2018", utc(2018, 5, 1)),
        ("1 جوان 2018", utc(2018, 6, 1)),
        ("1 جويلية 2018", utc(2018, 7, 1)),
        ("1 أوت 2018", utc(2018, 8, 1)),
        # double forms
        ("13 مارس/آذار 2023", utc(2023, 3, 13)),
        ("13 مارس (آذار) 2023", utc(2023, 3, 13)),
        ("13 أكتوبر/تشرين الأول 2023", utc(2023, 10, 13)),
        # Arabic-Indic digits, ص/م, year suffix م
        ("١٣ أكتوبر ٢٠٢٣", utc(2023, 10, 13)),
        ("١٣ أكتوبر ٢٠٢٣ - ١٠:٣٠ م", utc(2023, 10, 13, 22, 30)),
        ("13 أكتوبر 2023 10:30 ص", utc(2023, 10, 13, 10, 30)),
        ("13 أكتوبر 2023 12:15 ص", utc(2023, 10, 13, 0, 15)),
        ("2 يونيو 2018 م", utc(2018, 6, 2)),
        ("الجمعة 28 ربيع الأول 1445 هـ الموافق 13 أكتوبر 2023 م", utc(2023, 10, 13)),
        ("10 آب 2018 08:15 GMT+3", utc(2018, 8, 10, 5, 15)),
        # numeric, ISO, RFC
        ("2018/06/02", utc(2018, 6, 2)),
        ("13/10/2023", utc(2023, 10, 13)),
        ("2023-10-13T10:00:00Z", utc(2023, 10, 13, 10)),
        ("2023-10-13T13:00:00+03:00", utc(2023, 10, 13, 10)),
        ("Fri, 13 Oct 2023 10:00:00 +0000", utc(2023, 10, 13, 10)),
        # relative to now
        ("منذ ساعتين", utc(2023, 10, 13, 10)),
        ("منذ ساعة", utc(2023, 10, 13, 11)),
        ("منذ 5 دقائق", utc(2023, 10, 13, 11, 55)),
        ("قبل ٣ أيام", utc(2023, 10, 10, 12)),
        ("منذ ثلاث ساعات", utc(2023, 10, 13, 9)),
        ("منذ يومين", utc(2023, 10, 11, 12)),
        ("أمس", utc(2023, 10, 12, 12)),
        ("أمس 10:30 م", utc(2023, 10, 12, 22, 30)),
        ("أول أمس", utc(2023, 10, 11, 12)),
        ("الآن", NOW),
    ],
)
def test_parse_date(text: str, expected: datetime) -> None:
    assert parse_date(text, now=NOW) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "لا تاريخ هنا",
        "أكتوبر 2023",  # no day: not a date we can be sure of
        "31 فبراير 2023",  # no such day
        "13 مارس/نيسان 2023",  # the two month names disagree
        "الخميس 13 أكتوبر 2023",  # 13 October 2023 was a Friday
        "13 أكتوبر 2023 25:70",  # a time that cannot be read
        "28 رمضان 1444 هـ",  # Hijri only
    ],
)
def test_unknown_gives_none(text: str) -> None:
    assert parse_date(text, now=NOW) is None


def test_results_are_aware_utc() -> None:
    found = parse_date("13 أكتوبر 2023")
    assert found is not None and found.tzinfo is not None and found.utcoffset().total_seconds() == 0


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises(text: str) -> None:
    found = parse_date(text, now=NOW)
    assert found is None or found.tzinfo is not None
