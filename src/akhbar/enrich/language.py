"""Language of an article: Arabic, Persian, Urdu, English, French (and a few more Latin-script ones).

Script first (Arabic letters or Latin letters), then, within the script, the letters and function
words each language has and the others lack. Arabic typed on a Persian keyboard (ی ک) stays Arabic:
the analyzer's `is_persian_or_urdu` weighs Persian-only letters and words against Arabic-only ones.
"""

from __future__ import annotations

import re

from akhbar import text as analyzer
from akhbar.text.normalize import PERSIAN_WORDS, URDU_WORDS

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_URDU_LETTERS = re.compile("[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2\u06d3]")  # ٹ ڈ ڑ ں ھ ہ ے ۓ
_URDU_WORDS = URDU_WORDS | {"گئی", "کہ"}
_LATIN_WORDS = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "that",
            "for",
            "it",
            "was",
            "on",
            "with",
            "as",
            "by",
            "at",
            "from",
            "this",
            "be",
            "are",
            "have",
            "has",
            "said",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "de",
            "des",
            "et",
            "est",
            "un",
            "une",
            "du",
            "en",
            "que",
            "qui",
            "dans",
            "pour",
            "pas",
            "sur",
            "au",
            "avec",
            "par",
            "il",
            "elle",
            "a",
            "été",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "de",
            "del",
            "y",
            "en",
            "que",
            "es",
            "un",
            "una",
            "por",
            "con",
            "para",
            "se",
            "al",
            "lo",
            "como",
            "más",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "ein",
            "eine",
            "zu",
            "den",
            "mit",
            "von",
            "sich",
            "auf",
            "für",
            "im",
            "dem",
            "des",
        ]
    ),
}
_LATIN_WORD = re.compile(r"[a-zà-ÿ]+")
SAMPLE_CHARS = 4000


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code (ar, fa, ur, en, fr, es, de) for a text, or None when it has no letters."""
    sample = (text or "")[:SAMPLE_CHARS]
    arabic = len(_ARABIC_SCRIPT.findall(sample))
    latin = len(_LATIN.findall(sample))
    if arabic == 0 and latin == 0:
        return None
    if arabic >= latin:
        return _arabic_script_language(sample)
    return _latin_language(sample)


def _arabic_script_language(sample: str) -> str:
    """ar, fa or ur for a text in Arabic script."""
    if not analyzer.is_persian_or_urdu(sample):
        return "ar"
    words = sample.split()
    urdu = len(_URDU_LETTERS.findall(sample)) + 2 * sum(1 for w in words if w in _URDU_WORDS)
    persian = (
        2 * sum(1 for w in words if w in PERSIAN_WORDS)
        + len(re.findall("[\u067e\u0686\u0698\u06af]", sample)) // 4
    )
    return "ur" if urdu > persian else "fa"


def _latin_language(sample: str) -> str:
    """The Latin-script language whose function words the text uses most (English when none)."""
    words = _LATIN_WORD.findall(sample.lower())
    counts = {lang: sum(1 for w in words if w in vocabulary) for lang, vocabulary in _LATIN_WORDS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] > 0 else "en"
