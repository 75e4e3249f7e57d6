"""Tokens of a text with their offsets in the display form (for highlighting) and their key form."""

from __future__ import annotations

import re
from dataclasses import dataclass

from akhbar.text.normalize import fold, normalize

# Arabic-script letters (without punctuation ، ؛ ؟ ٪ ۔ and digits), marks, tatweel and ZWNJ.
ARABIC_LETTERS = "\u0621-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9"
ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u08ca-\u08ff"
_ARABIC_WORD = f"[{ARABIC_LETTERS}][{ARABIC_LETTERS}{ARABIC_MARKS}\u0640\u200c]*"
ARABIC_BLOCKS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_OTHER_WORD = rf"[^\W\d_{ARABIC_BLOCKS}](?:[^\W\d_{ARABIC_BLOCKS}]|[\u0300-\u036f])*"
_NUMBER = r"\d+(?:[.,/:٫٬\-]\d+)*"
_URL = r"(?:https?://|www\.)[^\s<>\"«»]+[^\s<>\"«».,;:!?،؛؟)\]}'’]"
_HASHTAG = rf"#(?:[{ARABIC_LETTERS}{ARABIC_MARKS}\u0640\w])+"

_TOKEN = re.compile(
    rf"(?P<url>{_URL})|(?P<hashtag>{_HASHTAG})|(?P<number>{_NUMBER})|(?P<word>{_ARABIC_WORD})|(?P<latin>{_OTHER_WORD})",
    re.IGNORECASE,
)


@dataclass
class Token:
    """One token: its text in the display form, offsets into that form, its key form and its kind."""

    text: str
    start: int
    end: int
    key: str
    kind: str  # word | latin | number | hashtag | url


def tokens_of_display(display: str) -> list[Token]:
    """Tokens of a string that is already in display form; offsets index into it."""
    return [
        Token(m.group(), m.start(), m.end(), fold(m.group()), m.lastgroup or "word")
        for m in _TOKEN.finditer(display)
    ]


def tokens(text: str) -> list[Token]:
    """Tokens of a text; offsets index into normalize(text), not into the raw text."""
    return tokens_of_display(normalize(text))


def token_pattern() -> re.Pattern[str]:
    """The compiled token pattern (named groups url, hashtag, number, word, latin)."""
    return _TOKEN
