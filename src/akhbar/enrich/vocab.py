"""Words as tags see them: the tag key of a word and a phrase, slugs, and the general Arabic word prior.

The tag key of a word is its analyzer key form with clitics stripped by `akhbar.text.strip_clitics`
(ال بال لل وال…), and, when the general word prior says the rest is the usual word, a lone leading
و ف ب ل ك too (لروسيا, بروسيا → روسيا). The prior is static (wordfreq), so tag keys and slugs do
not drift as the corpus grows.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from akhbar import text as analyzer

PROCLITICS = "وفبلك"
# How much more frequent (in the prior) a word without its first letter must be for that letter to be a clitic.
PROCLITIC_RATIO = 4.0
# Smallest prior frequency that says "this is a known word" (wordfreq's floor is about 1e-8).
KNOWN_WORD = 1e-7
# Words per article, to turn a per-word frequency into a per-document rate.
WORDS_PER_DOCUMENT = 350.0
_UNSAFE_SLUG = re.compile(r"[^\w]", re.UNICODE)


@lru_cache(maxsize=1)
def word_prior() -> dict[str, float]:
    """Per-word frequency of general Arabic (wordfreq), keyed by clitic-stripped key form, summed over spellings."""
    from wordfreq import get_frequency_dict

    table: dict[str, float] = {}
    for word, freq in get_frequency_dict("ar").items():
        if freq < KNOWN_WORD:
            continue  # the long tail says only "rare", which an absent word says too
        stripped = base_strip(analyzer.fold(word))
        table[stripped] = table.get(stripped, 0.0) + freq
    return table


def prior_frequency(word_key: str) -> float:
    """The prior frequency of a clitic-stripped key-form word (0 when unknown)."""
    return word_prior().get(word_key, 0.0)


def base_strip(word_key: str) -> str:
    """The analyzer's clitic stripping, except a lone leading و/ف, which is left to `tag_word` to judge."""
    stripped = analyzer.strip_clitics(word_key)
    if word_key[:1] in ("و", "ف") and stripped == word_key[1:]:
        return word_key  # وزير, ولاية, فيلم: the first letter may be the word's own
    return stripped


@lru_cache(maxsize=1 << 18)
def tag_word(word_key: str) -> str:
    """The tag key of one key-form word: clitics stripped; a lone و ف ب ل ك only when the prior backs it."""
    stripped = base_strip(word_key)
    if len(stripped) >= 4 and stripped[0] in PROCLITICS and not stripped.isascii():
        rest = stripped[1:]
        rest_freq = prior_frequency(base_strip(rest))
        if rest_freq >= KNOWN_WORD and rest_freq >= PROCLITIC_RATIO * prior_frequency(stripped) \
                and rest not in analyzer.STOPWORDS:
            return tag_word(rest)
    return stripped


def tag_key(phrase: str) -> str:
    """The tag key of a phrase in any spelling: its words' tag keys joined by one space."""
    return " ".join(tag_word(token.key) for token in analyzer.tokens(phrase) if token.kind != "url")


def slug_of(key: str) -> str:
    """A stable, URL-safe slug of a tag key: words joined by '-', other characters spelt as _hex."""
    words = (_UNSAFE_SLUG.sub(lambda m: f"_{ord(m.group()):x}", word) for word in key.split())
    return "-".join(words)


def document_rate(word_frequency: float) -> float:
    """The share of articles expected to contain a word of this per-word frequency."""
    return 1.0 - math.exp(-word_frequency * WORDS_PER_DOCUMENT)
