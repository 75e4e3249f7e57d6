"""Decoding: header, then the page's declaration, then detection (windows-1256 is common)."""

from __future__ import annotations

from akhbar.fetch.charset import decode_body

ARABIC = "<p>أعلنت الحكومة اليوم عن خطة جديدة لدعم الاقتصاد الوطني وتوفير فرص العمل للشباب</p>"


def test_header_charset() -> None:
    text, codec = decode_body(ARABIC.encode("cp1256"), "text/html; charset=windows-1256")
    assert codec == "cp1256" and text == ARABIC


def test_meta_charset_when_the_header_has_none() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256"></head>'
        + ARABIC
    )
    text, codec = decode_body(page.encode("cp1256"), "text/html")
    assert codec == "cp1256" and ARABIC in text


def test_latin1_header_is_a_server_default_not_a_statement() -> None:
    page = '<meta charset="utf-8">' + ARABIC
    text, codec = decode_body(page.encode("utf-8"), "text/html; charset=ISO-8859-1")
    assert codec == "utf-8" and ARABIC in text


def test_detection_without_any_declaration() -> None:
    text, codec = decode_body((ARABIC * 3).encode("cp1256"), None)
    assert codec == "cp1256" and text == ARABIC * 3


def test_wrong_utf8_header_is_overruled_by_the_bytes() -> None:
    page = '<meta charset="windows-1256">' + ARABIC
    text, codec = decode_body(page.encode("cp1256"), "text/html; charset=utf-8")
    assert codec == "cp1256" and ARABIC in text


def test_bom_and_undecodable_bytes_never_raise() -> None:
    assert decode_body(b"\xef\xbb\xbfabc", None) == ("abc", "utf-8")
    text, _ = decode_body(b"\xff\xfe\x00garbage\x81", "text/html; charset=nonsense")
    assert isinstance(text, str)
