"""Tokens: kinds, offsets into the display form, key forms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.text import normalize, tokens, tokens_of_display


def texts_and_kinds(text: str) -> list[tuple[str, str]]:
    return [(t.text, t.kind) for t in tokens(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'وصف الحادث بـ"الكارثة"',
            [("وصف", "word"), ("الحادث", "word"), ("بـ", "word"), ("الكارثة", "word")],
        ),
        ("كيم يونغ-تشول", [("كيم", "word"), ("يونغ", "word"), ("تشول", "word")]),
        (
            "في 2018/06/02 دفع ١٥٠٠ دولار",
            [
                ("في", "word"),
                ("2018/06/02", "number"),
                ("دفع", "word"),
                ("١٥٠٠", "number"),
                ("دولار", "word"),
            ],
        ),
        (
            "قال، ثم سأل؛ لماذا؟ «لا»",
            [("قال", "word"), ("ثم", "word"), ("سأل", "word"), ("لماذا", "word"), ("لا", "word")],
        ),
        ("#كأس_العالم 2018", [("#كأس_العالم", "hashtag"), ("2018", "number")]),
        ("انظر https://example.com/a?b=1.", [("انظر", "word"), ("https://example.com/a?b=1", "url")]),
        ("نتنياهو لـCNN", [("نتنياهو", "word"), ("لـ", "word"), ("CNN", "latin")]),
        ("مُحَمَّدٌ", [("مُحَمَّدٌ", "word")]),
    ],
)
def test_tokens(text: str, expected: list[tuple[str, str]]) -> None:
    assert texts_and_kinds(text) == expected


def test_token_keys_and_offsets_index_the_display_form() -> None:
    raw = "الولایات\u200f  المتحدة ١٥٠٠"
    display = normalize(raw)
    found = tokens(raw)
    assert [t.key for t in found] == ["الولايات", "المتحده", "1500"]
    for token in found:
        assert display[token.start : token.end] == token.text


def test_tokens_of_display_equals_tokens() -> None:
    text = "  قال الرئيس\n\nإن ۱۲ شخصاً  "
    assert tokens_of_display(normalize(text)) == tokens(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_offsets_slice_the_display_string(text: str) -> None:
    display = normalize(text)
    previous_end = 0
    for token in tokens(text):
        assert display[token.start : token.end] == token.text
        assert token.start >= previous_end
        assert token.text
        previous_end = token.end
