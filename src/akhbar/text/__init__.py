"""The Arabic analyzer: one definition of what a word is, used by every text path.

Display form (`normalize`), key form (`key`), tokens with display offsets (`tokens`), clitics and light
stems (`strip_clitics`, `stem`), index terms (`terms`, `term_of`), stop words and Arabic dates; input
hygiene before all of them (`scrub`, `one_line`, `clean_url`: no surrogates, no control characters).
"""

from __future__ import annotations

from akhbar.text.dates import parse_date
from akhbar.text.hygiene import clean_url, one_line, scrub
from akhbar.text.normalize import fold, is_persian_or_urdu, key, normalize
from akhbar.text.stem import stem, strip_clitics, term_of
from akhbar.text.stopwords import STOPWORDS
from akhbar.text.terms import terms, terms_of_key
from akhbar.text.tokenize import Token, tokens, tokens_of_display
from akhbar.text.variants import query_variants

__all__ = [
    "STOPWORDS",
    "Token",
    "clean_url",
    "fold",
    "is_persian_or_urdu",
    "key",
    "normalize",
    "one_line",
    "parse_date",
    "query_variants",
    "scrub",
    "stem",
    "strip_clitics",
    "term_of",
    "terms",
    "terms_of_key",
    "tokens",
    "tokens_of_display",
]
