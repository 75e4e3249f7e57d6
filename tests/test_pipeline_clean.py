"""The door of the pipeline: clean_article takes out surrogates and control characters, caps lengths."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar.enrich.stage import EnrichStage
from akhbar.errors import ArticleRejectedError
from akhbar.models import Article
from akhbar.pipeline import Pipeline, clean_article, stage_factories
from akhbar.relate.stage import RelateStage
from akhbar.text.hygiene import MAX_AUTHOR_CHARS, MAX_SOURCE_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS

# Characters that matter at the door, mixed with any other: surrogates, C0/C1 controls, line breaks,
# Arabic letters and marks, Persian look-alikes, zero-width and bidi characters, NFKC expansions.
HOSTILE = st.sampled_from(
    list("\ud800\udc00\udfff\x00\x01\x07\x08\x0b\x0c\x0e\x1a\x1c\x1f\x7f\x85\x9f\r\n\t  \xa0")
    + list("ابةتيىءؤئ\u064b\u0640\u06cc\u06a9\u200c\u200b\u200f\ufeff\ufdfa\u2028ab ")
)
TEXT = st.text(alphabet=st.one_of(HOSTILE, st.characters()), max_size=60)


def article(
    title: str,
    text: str = "نص",
    url: str = "http://example.com/a",
    source: str = "testsrc",
    summary: str | None = None,
    author: str | None = None,
) -> Article:
    """A small article with the given fields."""
    return Article(url=url, title=title, text=text, source=source, summary=summary, author=author)


def is_clean(value: str, keep: str = "") -> bool:
    """True when the value encodes as strict UTF-8 and holds no control character but those in `keep`."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any((ord(c) < 32 or 0x7F <= ord(c) <= 0x9F) and c not in keep for c in value)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(title=TEXT, text=TEXT, summary=TEXT, url=TEXT, source=TEXT, author=TEXT, repeat=st.integers(1, 40))
def test_clean_article_leaves_no_surrogate_or_control_character_and_is_idempotent(
    title: str, text: str, summary: str, url: str, source: str, author: str, repeat: int
) -> None:
    raw = article(
        title * repeat,
        text,
        "http://example.com/" + url,
        source="s" + source,
        summary=summary,
        author=author * repeat * 5,
    )
    cleaned = clean_article(raw)
    for value in (cleaned.title, cleaned.url, cleaned.source, cleaned.author or ""):
        assert is_clean(value), repr(value)
    for value in (cleaned.text, cleaned.summary or ""):
        assert is_clean(value, keep="\n"), repr(value)
    assert len(cleaned.title) <= MAX_TITLE_CHARS and len(cleaned.url) <= MAX_URL_CHARS
    assert len(cleaned.source) <= MAX_SOURCE_CHARS and len(cleaned.author or "") <= MAX_AUTHOR_CHARS
    fields = (cleaned.title, cleaned.url, cleaned.source, cleaned.text, cleaned.summary, cleaned.author)
    again = clean_article(
        article(
            cleaned.title,
            cleaned.text,
            cleaned.url,
            source=cleaned.source,
            summary=cleaned.summary,
            author=cleaned.author,
        )
    )
    assert (again.title, again.url, again.source, again.text, again.summary, again.author) == fields


def test_a_ten_million_character_title_is_cut_and_nul_goes():
    cleaned = clean_article(article("خبر\x00عاجل " + "ط" * 10_000_000))
    assert cleaned.title.startswith("خبر عاجل ط") and len(cleaned.title) == MAX_TITLE_CHARS


def test_a_url_over_its_cap_is_rejected_with_the_reason():
    with pytest.raises(ArticleRejectedError, match=f"over the limit of {MAX_URL_CHARS:,}"):
        clean_article(article("عنوان", url="http://example.com/" + "a" * MAX_URL_CHARS))


def test_a_rejected_article_is_counted_and_named_while_the_rest_of_its_batch_is_stored(store, caplog):
    batch = [
        article("الأول", url="http://example.com/1"),
        article("طويل", url="http://example.com/" + "a" * MAX_URL_CHARS),
        article("الثالث\ud800", text="نص\x00الخبر", url="http://example.com/3"),
    ]
    rejected: list[str] = []
    pipeline = Pipeline(store, on_reject=lambda a, error: rejected.append(error.reason))
    counts = pipeline.ingest(batch)
    assert (counts.imported, counts.rejected) == (2, 1)
    assert rejected == [f"URL is {MAX_URL_CHARS + 19:,} characters, over the limit of {MAX_URL_CHARS:,}"]
    stored = store.get_article(store.article_id_for_url("http://example.com/3"))
    assert (stored.title, stored.text) == ("الثالث", "نص الخبر")
    with caplog.at_level(logging.WARNING, logger="akhbar.pipeline"):
        assert Pipeline(store).ingest([batch[1]]).rejected == 1
    assert "article rejected: http://example.com/aaa" in caplog.text


def test_the_built_in_stages_come_first_in_flow_order():
    assert stage_factories()[:2] == [EnrichStage, RelateStage]
