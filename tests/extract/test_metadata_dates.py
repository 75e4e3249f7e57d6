"""Publication dates: plausible or absent, placeholders skipped for the next evidence, the outlet's UTC offset kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from akhbar.extract import FeedEntry, extract_article, extract_page, partial_article
from akhbar.extract.metadata import plausible, url_date, written_offset

FETCHED = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)
BODY = "".join(
    f"<p>Paragraph {n} of the report, with enough running words, commas, and detail to be the article.</p>"
    for n in range(6)
)


def page(head: str = "", byline: str = "") -> str:
    """A plain article page with the given <head> additions and a line printed under the headline."""
    return (
        f"<html><head><title>Talks resume next week</title>{head}</head><body><article>"
        f"<h1>Talks resume next week</h1>{byline}<div class='story-body'>{BODY}</div></article></body></html>"
    )


def json_ld(published: str) -> str:
    """A NewsArticle JSON-LD block with the given datePublished."""
    return (
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
        f'"headline":"Talks resume next week","datePublished":"{published}"}}</script>'
    )


def meta(published: str) -> str:
    """An article:published_time meta tag."""
    return f'<meta property="article:published_time" content="{published}">'


@pytest.mark.parametrize(
    "placeholder", ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1900-01-01", "2031-01-01T00:00:00Z"]
)
def test_a_placeholder_gives_way_to_the_next_evidence(placeholder: str) -> None:
    found = extract_page(
        page(json_ld(placeholder) + meta("2024-05-01T09:30:00+03:00")), "https://x.com/a", fetched=FETCHED
    ).metadata
    assert found.published == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
    assert (found.date_source, found.published_offset) == ("meta", 180)


def test_placeholders_everywhere_leave_the_printed_byline() -> None:
    head = json_ld("0001-01-01T00:00:00+00:00") + meta("1970-01-01T00:00:00Z")
    byline = '<time datetime="0001-01-01">-</time><p class="date">Published 3 May 2024</p>'
    found = extract_page(page(head, byline), "https://x.com/a", fetched=FETCHED).metadata
    assert (found.published, found.date_source) == (datetime(2024, 5, 3, tzinfo=UTC), "printed")


def test_no_plausible_date_at_all_is_absent() -> None:
    head = json_ld("0001-01-01T00:00:00Z") + meta("1970-01-01T00:00:00Z")
    found = extract_page(page(head), "https://x.com/a", fetched=FETCHED).metadata
    assert (found.published, found.published_offset, found.date_source) == (None, None, None)


def test_a_day_ahead_of_the_fetch_is_accepted_more_is_not() -> None:
    assert plausible(FETCHED + timedelta(hours=23), FETCHED)
    assert not plausible(FETCHED + timedelta(days=1, minutes=1), FETCHED)
    assert plausible(datetime(1995, 1, 1, tzinfo=UTC), FETCHED)
    assert not plausible(datetime(1994, 12, 31, 23, 59, tzinfo=UTC), FETCHED)
    assert plausible(datetime(2024, 5, 6, 15, 0), FETCHED)  # naive means UTC
    soon = extract_page(page(meta("2024-05-07T10:00:00+03:00")), "https://x.com/a", fetched=FETCHED).metadata
    assert soon.published == datetime(2024, 5, 7, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "offset"),
    [
        ("2024-05-01T09:30:00+03:00", 180),
        ("2024-05-01T09:30:00-0500", -300),
        ("2024-05-01T09:30:00Z", 0),
        ("2024-05-01T09:30:00.123+05:30", 330),
        ("Wed, 01 May 2024 09:30:00 +0200", 120),
        ("Wed, 01 May 2024 09:30:00 GMT", 0),
        ("2024-05-01T09:30:00", None),
        ("2024-05-01", None),
        ("1 May 2024", None),
        ("2024-05-01T09:30:00+23:00", None),
    ],
)
def test_the_offset_the_outlet_wrote(written: str, offset: int | None) -> None:
    assert written_offset(written) == offset


def test_the_article_keeps_the_offset_and_the_local_time_can_be_shown_again() -> None:
    article = extract_article(
        page(json_ld("2024-05-01T23:30:00+03:00")), "https://x.com/a", "x", fetched=FETCHED
    )
    assert article.published == datetime(2024, 5, 1, 20, 30, tzinfo=UTC)
    assert article.published_offset == 180
    local = article.published.astimezone(timezone(timedelta(minutes=article.published_offset)))
    assert local.strftime("%Y-%m-%d %H:%M") == "2024-05-01 23:30"


def test_a_relative_byline_is_read_against_the_fetch_time() -> None:
    found = extract_page(
        page(byline='<span class="time">منذ 3 ساعات</span>'), "https://x.com/a", fetched=FETCHED
    ).metadata
    assert (found.published, found.date_source) == (FETCHED - timedelta(hours=3), "printed")


def test_the_url_date_comes_after_classed_bylines_and_before_text_after_the_headline() -> None:
    caption = "<p>A ship leaves the port on Aug. 31, 2024.</p>"
    head = json_ld("0001-01-01T00:00:00Z")
    found = extract_page(
        page(head, caption), "https://x.com/news/2024/apr/30/talks.html", fetched=FETCHED
    ).metadata
    assert (found.published, found.date_source, found.published_offset) == (
        datetime(2024, 4, 30, tzinfo=UTC),
        "url",
        None,
    )
    byline = '<p class="byline">Published 2 May 2024</p>'
    found = extract_page(page(head, byline), "https://x.com/news/2024-04-30/talks", fetched=FETCHED).metadata
    assert (found.published, found.date_source) == (datetime(2024, 5, 2, tzinfo=UTC), "printed")
    future = extract_page(page(head), "https://x.com/news/2024/06/30/talks.html", fetched=FETCHED).metadata
    assert future.date_source != "url"


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://x.com/2019/11/18/a/index.html", "2019-11-18"),
        ("https://x.com/s/2019/11/8/20948348/a", "2019-11-08"),
        ("https://x.com/story/2019-11-19/a", "2019-11-19"),
        ("https://x.com/a-20191115/", "2019-11-15"),
        ("https://x.com/2019/nov/18/a", "18 nov 2019"),
        ("https://x.com/c/201911181077343476-a/", None),
        ("https://x.com/a/2019/11/", None),
        ("https://x.com/2019/13/01/a", None),
        ("https://x.com/a?d=2019-11-18", None),
    ],
)
def test_dates_in_urls(url: str, day: str | None) -> None:
    assert url_date(url) == day


def test_the_outlet_offset_is_read_from_its_printed_local_time() -> None:
    head = json_ld("2024-05-02T03:05:25Z")
    byline = '<p class="byline">By A. Writer, May 1, 2024 11:05 PM ET</p>'
    found = extract_page(page(head, byline), "https://x.com/a", fetched=FETCHED).metadata
    assert (found.published, found.published_offset) == (datetime(2024, 5, 2, 3, 5, 25, tzinfo=UTC), -240)
    naive_meta = meta("2024-05-01 20:05:25") + json_ld("2024-05-02T03:05:25Z")
    assert (
        extract_page(page(naive_meta), "https://x.com/a", fetched=FETCHED).metadata.published_offset == -420
    )
    unrelated = '<p class="byline">Updated May 1, 2024 9:47 PM</p>'  # 5h18m off: not a zone, no offset read
    assert (
        extract_page(page(head, unrelated), "https://x.com/a", fetched=FETCHED).metadata.published_offset == 0
    )
    kept = json_ld("2024-05-02T06:05:25+03:00")
    assert (
        extract_page(page(kept, byline), "https://x.com/a", fetched=FETCHED).metadata.published_offset == 180
    )


def test_htmldate_is_the_last_resort() -> None:
    footer = "<footer><p>Page last edited 2024-04-30 by the web desk</p></footer>"
    html = page(json_ld("0001-01-01T00:00:00Z")).replace("</body>", footer + "</body>")
    found = extract_page(html, "https://x.com/a", fetched=FETCHED).metadata
    assert (found.published, found.date_source, found.published_offset) == (
        datetime(2024, 4, 30, tzinfo=UTC),
        "htmldate",
        None,
    )
    assert (
        extract_page(html, "https://x.com/a", fetched=datetime(2023, 12, 1, tzinfo=UTC)).metadata.published
        is None
    )


def test_a_feed_entry_date_must_be_plausible_too() -> None:
    entry = FeedEntry(
        url="https://x.com/a",
        title="Talks resume next week",
        summary="Talks.",
        published=datetime(1970, 1, 1, tzinfo=UTC),
    )
    assert extract_article(page(), "https://x.com/a", "x", entry, fetched=FETCHED).published is None
    stand_in = partial_article(entry, "x")
    assert stand_in is not None and stand_in.published is None and stand_in.partial
    entry.published = datetime(2024, 5, 5, tzinfo=UTC)
    article = extract_article(page(), "https://x.com/a", "x", entry, fetched=FETCHED)
    assert (article.published, article.published_offset) == (entry.published, None)
