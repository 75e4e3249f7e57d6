"""The article page shows the local time the outlet printed when its UTC offset is known."""

from datetime import UTC, datetime

from akhbar.times import local_iso
from akhbar.web.formatting import arabic_date


def test_local_time_in_the_outlets_zone():
    moment = datetime(2023, 10, 13, 14, 5, tzinfo=UTC)
    assert local_iso(moment, 180) == "2023-10-13T17:05:00+03:00"
    assert local_iso(moment, None) is None
    assert arabic_date(local_iso(moment, 180)) == "الجمعة 13 أكتوبر 2023، 17:05 ت.غ+3"
    assert arabic_date(local_iso(moment, 330)).endswith("19:35 ت.غ+5:30")
    assert arabic_date(local_iso(moment, -240)).endswith("10:05 ت.غ-4")
    assert arabic_date("2023-10-13T14:05:00Z") == "الجمعة 13 أكتوبر 2023، 14:05 ت.غ"
