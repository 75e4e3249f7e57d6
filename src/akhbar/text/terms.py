"""Index terms of a text: key form, stop words out, clitics stripped, stemmed.

Speed: the text is only NFKC-checked and cleared of invisible controls as a whole; each distinct word is
key-folded and stemmed once (cached), which gives the same terms as tokenising key(text).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from akhbar.text.normalize import INVISIBLE_RE, fold
from akhbar.text.stem import term_of
from akhbar.text.tokenize import _NUMBER, _URL, ARABIC_BLOCKS, ARABIC_LETTERS, ARABIC_MARKS

# A word of the display form: letters with their marks, tatweel and ZWNJ (folded away per word); numbers whole.
_WORD = re.compile(
    rf"[{ARABIC_LETTERS}{ARABIC_MARKS}\u0640\u200c]+|{_NUMBER}|[^\W\d_{ARABIC_BLOCKS}][^\W\d_{ARABIC_BLOCKS}\u0300-\u036f]*"
)
_URL_RE = re.compile(_URL, re.IGNORECASE)


@lru_cache(maxsize=1 << 18)
def _term_of_word(word: str) -> str | None:
    """The index term of one word as written (cached): key-folded, then term_of."""
    return term_of(fold(word))


def _words(text: str) -> list[str]:
    """The words of a text as written, after NFKC, invisible controls and URLs are removed."""
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if INVISIBLE_RE.search(text):
        text = INVISIBLE_RE.sub("", text)
    if "://" in text or "www." in text or "WWW." in text:
        text = _URL_RE.sub(" ", text)
    return _WORD.findall(text)


def terms(text: str) -> list[str]:
    """Index terms of a text, in order (repeats kept, for term frequencies)."""
    return list(filter(None, map(_term_of_word, _words(text))))  # terms are never empty


def terms_with(text: str, term: Callable[[str], str | None]) -> list[str]:
    """Index terms of a text with another key-form term function (stemmer comparisons)."""
    return [t for t in (term(fold(w)) for w in _words(text)) if t is not None]


def terms_of_key(key_text: str) -> list[str]:
    """Index terms of a text already in key form."""
    return terms(key_text)
