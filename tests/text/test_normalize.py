"""Display and key forms: table-driven cases, the seed page's tags, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.text import fold, is_persian_or_urdu, key, normalize


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("ﻻ ﺍﻟﻌﺮﺑﻴﺔ", "لا العربية"),  # presentation forms to letters
        ("مر\u200fحبا\u200e بكم\u202b", "مرحبا بكم"),  # bidi controls removed
        ("نص\u200b مع\u00ad فراغ\ufeff", "نص مع فراغ"),  # zero-width space, soft hyphen, BOM
        ("  كلمة\t\tأخرى  ", "كلمة أخرى"),
        ("فقرة أولى\n\n\n  فقرة ثانية", "فقرة أولى\nفقرة ثانية"),
        (
            "الولایات المتحدة کوریا الشمالیة",
            "الولايات المتحدة كوريا الشمالية",
        ),  # Persian keyboard, Arabic text
        ("تفشی إیبولا فی الکونغو", "تفشي إيبولا في الكونغو"),
        ("مُحَمَّد", "مُحَمَّد"),  # diacritics stay in the display form
        ("أإآ ى ة", "أإآ ى ة"),  # ordinary Arabic letters unchanged
        ("١٥٠٠", "١٥٠٠"),  # digits unchanged in the display form
        ("Ｆｕｌｌ", "Full"),
        ("", ""),
    ],
)
def test_display_form(raw: str, display: str) -> None:
    assert normalize(raw) == display


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("الولایات المتحدة کوریا الشمالیة", "الولايات المتحده كوريا الشماليه"),
        ("مُحَمَّدٌ", "محمد"),
        ("أحمد إبراهيم آمال ٱلله", "احمد ابراهيم امال الله"),
        ("مصطفى", "مصطفي"),
        ("مسؤول", "مسوول"),
        ("مدرسة", "مدرسه"),
        ("بـــــــــالكارثة", "بالكارثه"),
        ("١٢٣ ۴۵۶ ٣٫٥", "123 456 3.5"),
        ("CNN Google", "cnn google"),
        ("ۀ", "ه"),
    ],
)
def test_key_form(raw: str, expected: str) -> None:
    assert key(raw) == expected


def test_seed_page_tags_fold_together() -> None:
    assert key("الولایات المتحدة کوریا الشمالیة") == key("الولايات المتحدة كوريا الشمالية")
    assert key("كوريا الشمالیة") == key("كوريا الشمالية")


@pytest.mark.parametrize(
    ("a", "b"), [("مسؤول", "مسئول"), ("إسرائيل", "اسرائيل"), ("القاهرة", "القاهره"), ("ميسى", "ميسي")]
)
def test_key_matches_spelling_variants(a: str, b: str) -> None:
    assert key(a) == key(b)


def test_persian_text_keeps_its_letters() -> None:
    persian = "این یک متن فارسی است که درباره کتاب می\u200cنویسد"
    assert is_persian_or_urdu(persian)
    assert normalize(persian) == persian  # ی، ک and the ZWNJ kept
    urdu = "یہ ایک اردو جملہ ہے اور وہ کتاب پڑھتا ہے"
    assert is_persian_or_urdu(urdu)
    assert "ہ" in normalize(urdu)


@pytest.mark.parametrize("text", ["تفشی إیبولا فی الکونغو", "قال الرئیس إن", "كوريا الشمالية", ""])
def test_arabic_is_not_persian(text: str) -> None:
    assert not is_persian_or_urdu(text)


def test_key_of_persian_text_still_matches_arabic_letters() -> None:
    assert key("کتاب") == key("كتاب")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_key_is_idempotent(text: str) -> None:
    display = normalize(text)
    assert normalize(display) == display
    k = key(text)
    assert key(k) == k
    assert fold(k) == k


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
        | st.sampled_from(" \n\u200c\u200f\u0640")
    )
)
def test_key_is_idempotent_on_arabic_script(text: str) -> None:
    k = key(text)
    assert key(k) == k
