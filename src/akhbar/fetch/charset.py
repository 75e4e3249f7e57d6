"""Decoding fetched bodies: charset from the header, then the page's own declaration, then detection.

A header that says ISO-8859-1 / windows-1252 / ASCII is treated as a server default rather than a
statement about the page (servers send it for everything), and a header charset the body does not
decode under is overruled; windows-1256 Arabic pages are recognised by their meta tag or by detection.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

WEAK_LABELS = frozenset(
    {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii", "iso8859-1", "l1"}
)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)["']""", re.I)
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
SNIFF_BYTES = 4096


def codec_name(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None if unknown (windows-1256 -> cp1256)."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header."""
    match = HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_charset(body: bytes) -> str | None:
    """The charset a document declares itself: <meta charset>, <meta http-equiv>, or the XML declaration."""
    head = body[:SNIFF_BYTES]
    match = XML_ENCODING.search(head) or META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def decodes(body: bytes, codec: str) -> bool:
    """True when the body decodes under the codec without errors."""
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect_charset(body: bytes, content_type: str | None = None) -> str:
    """The codec to decode a body with (see the module docstring for the order)."""
    for bom, name in BOMS:
        if body.startswith(bom):
            return name
    from_header = codec_name(header_charset(content_type))
    if from_header and from_header not in {codec_name(w) for w in WEAK_LABELS} and decodes(body, from_header):
        return from_header
    declared = codec_name(declared_charset(body))
    if declared and decodes(body, declared):
        return declared
    if decodes(body, "utf-8"):
        return "utf-8"
    guess = from_bytes(body[:65536]).best()
    guessed = codec_name(guess.encoding) if guess is not None else None
    if guessed:
        return guessed
    return from_header or "utf-8"


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The body as text and the codec used (undecodable bytes replaced, never an error)."""
    codec = detect_charset(body, content_type)
    text = body.decode(codec, errors="replace")
    return text.lstrip("\ufeff"), codec
