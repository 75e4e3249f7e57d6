"""Text safe to keep: lone surrogates and control characters out, lengths within their caps.

Every string that enters Akhbar (a corpus line, a crawled page or feed) passes here before the
analyzer's display form: a lone surrogate cannot be encoded to UTF-8 (SQLite and PostgreSQL refuse
the whole batch), and NUL or other control characters break feeds (ill-formed XML) and terminals.
"""

from __future__ import annotations

import re

# Caps, measured on the 62,555 articles of the shared corpora (ANT v2.1 and SaudiNewsNet):
MAX_TITLE_CHARS = 1_000  # longest real title 181 (99.9th percentile 106): a title past this is junk, cut
MAX_URL_CHARS = (
    2_048  # longest real URL 399; sitemaps.org allows under 2,048: a longer one rejects the article
)
MAX_SOURCE_CHARS = 200  # longest source 12 characters, outlet names under 60: cut past this
MAX_AUTHOR_CHARS = 300  # longest real author line 255 (99.9th percentile 81): cut past this

# Control characters that str.splitlines() takes as line breaks: they stay line breaks ("\r\n" is one).
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85]")
# Every other C0/C1 control character but tab and line feed, DEL included: a separator, so a space.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
# Lone surrogates: halves of a character that was cut or mis-decoded; nothing to keep of them.
_SURROGATES = re.compile("[\ud800-\udfff]")
# Everything a URL cannot hold: every control character and surrogate (browsers drop tabs and breaks too).
_NOT_IN_URL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: Characters an XML document (and so an lxml tree or an Atom feed) cannot hold: C0 controls but tab, line
#: feed and carriage return, lone surrogates, and the non-characters U+FFFE and U+FFFF.
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# One search finds whether scrub() has anything to do (the common case is clean text).
_ANY_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def scrub(text: str) -> str:
    """Text without lone surrogates or control characters: line breaks kept as "\\n", tabs kept, others a space."""
    if not _ANY_BAD.search(text):
        return text
    text = _SURROGATES.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    return _CONTROLS.sub(" ", text)


def one_line(text: str) -> str:
    """A one-line value (a name, an id): scrubbed, every run of blanks and breaks one space, ends stripped."""
    return " ".join(scrub(text).split())


def clean_url(url: str) -> str:
    """A URL without any control character or surrogate (removed, not replaced), ends stripped."""
    if _NOT_IN_URL.search(url):
        url = _NOT_IN_URL.sub("", url)
    return url.strip()


def url_too_long(url: str) -> str | None:
    """Why a URL is refused for its length (over MAX_URL_CHARS), or None when it fits."""
    if len(url) <= MAX_URL_CHARS:
        return None
    return f"URL is {len(url):,} characters, over the limit of {MAX_URL_CHARS:,}"


def cap(text: str, limit: int) -> str:
    """Text cut to at most `limit` characters, trailing blanks dropped."""
    if len(text) <= limit:
        return text
    return text[:limit].rstrip()
