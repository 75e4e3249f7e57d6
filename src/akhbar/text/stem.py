"""Clitic stripping, light stemming and the index term of a key-form word."""

from __future__ import annotations

from functools import lru_cache

import Stemmer

from akhbar.text.stopwords import STOPWORDS

# Article with an optional conjunction and preposition before it (key form), longest first.
_ARTICLE_PREFIXES = ("وبال", "وكال", "فبال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
_CONJUNCTIONS = ("و",)  # ف only before the article: فنزويلا, فرنسا, فيلم
# Light10 suffixes in key form (ة is already ه, ى already ي), longest first.
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_MIN_STEM = 2


def strip_clitics(word: str) -> str:
    """Remove a leading conjunction (و ف) and article (ال، لل، بال، كال…) from a key-form word, keeping ≥ 2 letters."""
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            return word[len(prefix) :]
    if len(word) >= 4 and word[0] in _CONJUNCTIONS:
        return word[1:]
    return word


def light10(word: str) -> str:
    """Light10-style suffix removal (Larkey et al. 2007) on a clitic-stripped key-form word."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
    return word


def light10_repeat(word: str) -> str:
    """Light10 suffixes removed again until none applies (ايراني → ايران → اير, like ايران), keeping ≥ 3 letters."""
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                changed = True
                break
    return word


_SNOWBALL = Stemmer.Stemmer("arabic")


def snowball(word: str) -> str:
    """Snowball Arabic (PyStemmer) on a clitic-stripped key-form word."""
    stemmed: str = _SNOWBALL.stemWord(word)  # PyStemmer ships no type information
    return stemmed


def snowball_noun(word: str) -> str:
    """Snowball Arabic in its noun mode (it takes a word without the article for a verb): ال + the word, article off."""
    stemmed: str = _SNOWBALL.stemWord("ال" + word)
    return stemmed[2:] if stemmed.startswith("ال") else stemmed


def conjunction_off(word: str) -> str:
    """A key-form word without the و/ف in front of its article (وال، فبال، ولل…), the article kept."""
    if len(word) > 4 and word[0] in "وف" and word[1:].startswith(("ال", "لل", "بال", "كال")):
        return word[1:]
    return word


# Each candidate takes a key-form word with its clitics on.
STEMMERS = {
    "light10": lambda word: light10(strip_clitics(word)),
    "light10_repeat": lambda word: light10_repeat(strip_clitics(word)),
    "snowball": lambda word: snowball(strip_clitics(word)),
    "snowball_article": lambda word: snowball(conjunction_off(word)),
    "snowball_noun": lambda word: snowball_noun(strip_clitics(word)),
    "none": strip_clitics,
}
DEFAULT_STEMMER = "snowball"  # chosen on evidence: benchmarks/stemmer_choice.py (see docs)


def stem(word: str) -> str:
    """The light stem of a key-form word: clitics stripped, then the chosen stemmer."""
    return STEMMERS[DEFAULT_STEMMER](word)


def _is_stop(word: str) -> bool:
    """True for a stop word, also behind a conjunction (وهو، فقد)."""
    if word in STOPWORDS:
        return True
    return len(word) >= 4 and word[0] in _CONJUNCTIONS and word[1:] in STOPWORDS


def index_term(word_key: str, stemmer: str = DEFAULT_STEMMER) -> str | None:
    """The index term of one key-form token with a named stemmer, or None for a stop word."""
    if not word_key or _is_stop(word_key):
        return None
    if word_key.isascii() or not word_key.isalpha():
        return word_key  # numbers, Latin words: as they are
    if strip_clitics(word_key) in STOPWORDS:
        return None
    return STEMMERS[stemmer](word_key)


@lru_cache(maxsize=1 << 18)
def term_of(word_key: str) -> str | None:
    """The index term of one key-form word token, or None for a stop word (cached)."""
    return index_term(word_key)
