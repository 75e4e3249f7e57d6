"""extract_page on broken real pages: it returns an article or raises ExtractError, never anything else."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar.errors import ExtractError
from akhbar.extract import article as article_module
from akhbar.extract import extract_article, extract_page

BODY = "".join(
    f"<p>The council met on day {n}, and its members agreed, after a long debate, to publish the plan.</p>"
    for n in range(4)
)
AEB_PAGES = 4  # the first pages of the benchmark by id: English news pages of several sites, 58 KB to 600 KB


Pages = tuple[tuple[str, str], ...]


@pytest.fixture(scope="module")
def real_pages(shared: Path) -> Pages:
    """(html, url) of the CNN Arabic fixture and a few AEB pages."""
    aeb = shared / "eval/extraction/aeb"
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [
        (
            (shared / "fixtures/html/cnn-arabic-2013.html").read_text(encoding="utf-8"),
            "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html",
        )
    ]
    for page_id in sorted(truth)[:AEB_PAGES]:
        html = gzip.decompress((aeb / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
        pages.append((html, truth[page_id]["url"]))
    return tuple(pages)


def deep_json_ld(depth: int) -> str:
    """A JSON-LD script nested `depth` arrays deep (past Python's recursion limit from about 1,000)."""
    return f'<script type="application/ld+json">{"[" * depth}{"]" * depth}</script>'


COMMENTS = st.text(max_size=12).map(lambda t: f"<!--{t.replace('-->', '')}-->")
INSTRUCTIONS = st.sampled_from(
    ["<?php echo $x; ?>", "<?xml version='1.0'?>", "<?xml-stylesheet href='a'?>", "<?"]
)
CONTROLS = st.characters(codec=None, categories=["Cc"])
SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)
NESTING = st.tuples(
    st.sampled_from(["<div>", "<b><i>", "<table><tr><td>", "<ul><li>"]), st.integers(1, 20_000)
).map(lambda pair: pair[0] * pair[1])
DEEP_JSON = st.integers(1, 100_000).map(deep_json_ld)
SURROGATE_JSON = st.just(
    '<script type="application/ld+json">{"@type":"NewsArticle","headline":"a\\ud800",'
    '"datePublished":"0001-01-01T00:00:00Z","author":{"name":"\\udfff"},'
    '"inLanguage":"\\ud801en","articleSection":"\\udc02x"}</script>'
)
REFERENCES = st.one_of(
    st.integers(0, 0x20), st.integers(0xD800, 0xDFFF), st.integers(0xFFFE, 0x110000)
).flatmap(lambda code: st.sampled_from([f"&#{code};", f"&#x{code:X};", f"&#{code}"]))
#: Insertions a real page survives: its article must still come out.
HARMLESS = st.one_of(COMMENTS, INSTRUCTIONS, CONTROLS, SURROGATES, SURROGATE_JSON, REFERENCES)
#: Everything, including what may leave no article (then ExtractError is the right answer).
ANY_DAMAGE = st.one_of(HARMLESS, NESTING, DEEP_JSON)


@st.composite
def damaged(
    draw: st.DrawFn, pages: Pages, inserts: st.SearchStrategy[str], cut: bool
) -> tuple[str, str, str]:
    """(damaged html, url, original html): 1-4 insertions, and optionally the page cut anywhere.

    With `cut` the insertions go anywhere; without, right after a ">" (between tags or in text): anywhere
    would include the middle of a "</script>", after which a browser, too, reads the rest as script.
    """
    original, url = draw(st.sampled_from(pages))
    html = original
    for _ in range(draw(st.integers(1, 4))):
        if cut:
            at = draw(st.integers(0, len(html)))
        else:
            ends = [match.end() for match in re.finditer(">", html)]
            at = ends[draw(st.integers(0, len(ends) - 1))]
        html = html[:at] + draw(inserts) + html[at:]
    if cut and draw(st.booleans()):
        html = html[: draw(st.integers(0, len(html)))]
    return html, url, original


FAST = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FAST
@given(data=st.data())
def test_any_damage_gives_an_article_or_our_error(real_pages: Pages, data: st.DataObject) -> None:
    html, url, _ = data.draw(damaged(real_pages, ANY_DAMAGE, cut=True))
    try:
        found = extract_page(html, url)
    except ExtractError as exc:
        assert str(exc)
        return
    assert isinstance(found.text, str) and isinstance(found.metadata.title, str)
    (found.text + "".join(v for v in vars(found.metadata).values() if isinstance(v, str))).encode("utf-8")


@FAST
@given(data=st.data())
def test_comments_instructions_and_odd_characters_keep_the_article(
    real_pages: Pages, data: st.DataObject
) -> None:
    html, url, original = data.draw(damaged(real_pages, HARMLESS, cut=False))
    found = extract_page(html, url)
    expected = extract_page(original, url)
    assert len(found.text.split()) >= 0.8 * len(expected.text.split())
    meta = found.metadata
    "".join(str(v) for v in vars(meta).values() if isinstance(v, str)).encode(
        "utf-8"
    )  # storable: no surrogate


def test_a_comment_after_the_headline() -> None:
    html = f"<html><head><title>T</title></head><body><h1>T</h1><!-- c --><?pi x?><p>12 May 2024</p>{BODY}</body></html>"
    found = extract_page(html, "https://x.com/a")
    assert found.metadata.date_source == "printed"
    assert found.text.count("council") == 4


def test_a_control_character_in_the_text() -> None:
    html = (
        f"<html><head><title>T</title></head><body><h1>T</h1><p>a</p><nav>b</nav>\x0b c{BODY}<p>x\x00y\x0cz</p>"
        "<p>ملفا&#1<!---->578; &#x0B; &#0; &#xFFFE; &#1114112; &#65;</p></body></html>"
    )
    text = extract_page(html, "https://x.com/a").text
    assert text.count("council") == 4 and text.endswith("A")


def test_json_ld_nested_past_the_recursion_limit_and_lone_surrogates() -> None:
    head = deep_json_ld(100_000) + (
        '<script type="application/ld+json">{"@type":"NewsArticle",'
        '"headline":"Plan \\ud800published","author":"A\\udc00 B"}</script>'
    )
    html = f"<html><head><title>x</title>{head}</head><body><h1>Plan published</h1>{BODY}</body></html>"
    found = extract_page(html, "https://x.com/a")
    assert (found.metadata.title, found.metadata.author) == ("Plan published", "A B")


def test_an_unexpected_failure_becomes_our_error_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(
        article_module, "read_metadata", broken
    )  # fault injection: no real page reaches it now
    with pytest.raises(ExtractError, match="RecursionError: maximum recursion") as caught:
        extract_article(f"<html><body><h1>T</h1>{BODY}</body></html>", "https://x.com/a", "x")
    assert isinstance(caught.value.__cause__, RecursionError)


def test_the_real_pages_are_there(real_pages: Pages) -> None:
    assert len(real_pages) == AEB_PAGES + 1
    assert all(len(html) > 10_000 for html, _ in real_pages)


def test_every_real_page_gives_an_article(shared: Path) -> None:
    aeb = shared / "eval/extraction/aeb"
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [
        (
            gzip.decompress((aeb / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace"),
            entry["url"],
        )
        for page_id, entry in sorted(truth.items())
    ]
    lbc = gzip.decompress((shared / "eval/extraction/arabic/LBCGroup_2026_01_08.html.gz").read_bytes())
    pages.append((lbc.decode("utf-8"), "https://www.lbcgroup.tv/news/lebanon"))
    refused = []
    for html, url in pages:
        try:
            extract_page(html, url)
        except ExtractError as exc:
            refused.append(str(exc))
    assert (len(pages), refused) == (182, [])
