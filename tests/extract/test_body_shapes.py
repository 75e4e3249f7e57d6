"""Body extraction on the shapes real pages take: split bodies, teaser rails, misleading class names."""

from __future__ import annotations

from akhbar.extract import extract_page
from akhbar.extract.article import parse_html
from akhbar.extract.body import body_text

PROSE = [
    f"The committee met on day {n}, and its members, after a long debate, agreed that the report, "
    f"which covers section {n} of the budget, should be published before the next session begins."
    for n in range(1, 10)
]
TEASERS = [
    f"Officials in the northern province number {n}, according to local reporters, said that the new "
    f"road, the bridge and the school would open later this year after delays."
    for n in range(1, 11)
]


def page(body: str, body_class: str = "") -> str:
    """A page with a title and the given body markup."""
    return (
        f"<!DOCTYPE html><html><head><title>Budget report</title></head>"
        f"<body class='{body_class}'><h1>Budget report</h1>{body}</body></html>"
    )


def rail(count: int = 10) -> str:
    """A rail of teaser cards (linked headline, unlinked excerpt, all built alike) with more prose than the article."""
    cards = "".join(
        f"<article class='card'><a href='/n/{n}'><h3>Headline number {n} of the other story</h3></a>"
        f"<p>{TEASERS[n]}</p></article>"
        for n in range(count)
    )
    return f"<div class='rail'>{cards}</div>"


def text_of(html: str) -> list[str]:
    """The extracted lines of a page, found by Akhbar's own extractor (not the trafilatura fallback)."""
    found = extract_page(html, "https://example.org/news/1")
    assert found.method == "density"
    return found.text.split("\n")


def test_body_split_over_sibling_sections_is_kept_whole() -> None:
    sections = "".join(
        f"<section class='column'><div class='inner'><p>{PROSE[i]}</p><p>{PROSE[i + 1]}</p>"
        f"</div></section><div class='ad-slot'>Advertisement</div>"
        for i in (0, 2, 4, 6)
    )
    assert text_of(page(f"<article>{sections}</article>")) == PROSE[:8]


def test_one_div_per_paragraph_keeps_every_paragraph() -> None:
    divs = "".join(f"<div class='para'>{p}</div>" for p in PROSE)
    assert text_of(page(f"<div class='story'>{divs}</div>")) == PROSE


def test_teaser_rail_with_more_prose_is_not_taken_for_the_article() -> None:
    article = "".join(f"<p>{p}</p>" for p in PROSE[:3])
    lines = text_of(page(f"<div class='main'><div class='text'>{article}</div></div>{rail()}"))
    assert lines == PROSE[:3]


def test_related_list_of_headline_and_excerpt_items_is_left_out() -> None:
    items = "".join(
        f"<li><a href='/r/{n}'>Related headline number {n} here</a><span>{TEASERS[n]}</span></li>"
        for n in range(4)
    )
    article = "".join(f"<p>{p}</p>" for p in PROSE[:4])
    lines = text_of(page(f"<div class='body'>{article}<ul>{items}</ul></div>"))
    assert lines == PROSE[:4]


def test_boilerplate_class_names_do_not_veto_the_article_container() -> None:
    article = "".join(f"<p>{p}</p>" for p in PROSE[:5])
    for wrapper in ("PrintThis", "Page-ad-margins", "widget", "cookie-consent-wrapper"):
        lines = text_of(
            page(f"<div class='{wrapper}'>{article}</div><div class='share'>Share on social</div>")
        )
        assert lines == PROSE[:5], wrapper
    assert text_of(page(article, body_class="consent-given")) == PROSE[:5]


def test_light_boilerplate_blocks_still_go() -> None:
    article = "".join(f"<p>{p}</p>" for p in PROSE[:5])
    share = (
        "<div class='share-bar'><p>Share this story with your friends, family and colleagues today.</p></div>"
    )
    related = (
        "<div class='related-articles'><a href='/1'>An older story about the budget committee and its "
        "work</a><a href='/2'>Another older story about the same committee</a></div>"
    )
    assert text_of(page(f"<div class='content'>{article}{share}{related}</div>")) == PROSE[:5]


def test_tables_inside_the_article_are_read_row_by_row() -> None:
    rows = "".join(f"<tr><td>{n}</td><td>Team {n}</td><td>{10 * n}</td></tr>" for n in range(1, 4))
    article = "".join(f"<p>{p}</p>" for p in PROSE[:3])
    lines = text_of(page(f"<div class='content'>{article}<table>{rows}</table></div>"))
    assert lines == [*PROSE[:3], "1 Team 1 10", "2 Team 2 20", "3 Team 3 30"]


def test_control_characters_in_the_text_neither_crash_nor_reach_the_text() -> None:
    noisy = "".join(
        f"<p>{p}<br>\x0bsecond\x01 line\x1f of paragraph {n}, long enough to count here</p>"
        for n, p in enumerate(PROSE[:3])
    )
    html = page(f"<article>{noisy}</article>")
    for found in (
        body_text(parse_html(html), html, "https://e.org/1", "Budget report"),
        extract_page(html, "https://e.org/1"),
    ):
        assert found.method == "density"
        assert "second line of paragraph 0, long enough to count here" in found.text.split("\n")
        assert not any(ord(c) < 32 and c != "\n" for c in found.text)


def test_article_sections_with_inline_links_are_not_teaser_cards() -> None:
    sections = "".join(
        f"<div class='text-block'><p><a href='/ref/{i}'>A report by the national audit office</a> found that "
        f"{PROSE[i]}</p><p>{PROSE[i + 1]}</p></div><div class='promo-box'>Sponsored</div>"
        for i in (0, 2, 4)
    )
    lines = text_of(page(f"<div class='story'>{sections}</div>"))
    assert lines == [
        line if n % 2 else f"A report by the national audit office found that {line}"
        for n, line in enumerate(PROSE[:6])
    ]


def test_captions_and_leading_datelines_are_left_out() -> None:
    caption = (
        "<div class='image-wrapper'><p>In this file photo, taken last year, the committee members, "
        "seated, listen to the minister, who presented the budget.</p></div>"
    )
    dateline = "<div class='s-data'><span>Monday, November 18, 2019 8:22AM EST</span></div>"
    article = "".join(f"<p>{p}</p>" for p in PROSE[:3])
    lines = text_of(page(f"<div class='story'>{dateline}{caption}<div class='body'>{article}</div></div>"))
    assert lines == PROSE[:3]


def test_content_hints_break_near_ties_between_blocks() -> None:
    other = "".join(f"<p>{t}</p>" for t in TEASERS[:3])
    article = "".join(f"<p>{p}</p>" for p in PROSE[:2])
    html = page(f"<div><div class='x1'>{other}</div></div><div><div class='story-text'>{article}</div></div>")
    assert text_of(html) == PROSE[:2]
    assert text_of(html.replace("story-text", "x2")) == TEASERS[:3]
