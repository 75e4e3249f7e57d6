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
    return _SNOWBALL.stemWord(word)


STEMMERS = {"light10": light10, "light10_repeat": light10_repeat, "snowball": snowball, "none": lambda word: word}
DEFAULT_STEMMER = "light10"


def stem(word: str) -> str:
    """The light stem of a key-form word: clitics stripped, then the chosen stemmer."""
    return STEMMERS[DEFAULT_STEMMER](strip_clitics(word))


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
    stripped = strip_clitics(word_key)
    if stripped in STOPWORDS:
        return None
    return STEMMERS[stemmer](stripped)


@lru_cache(maxsize=1 << 18)
def term_of(word_key: str) -> str | None:
    """The index term of one key-form word token, or None for a stop word (cached)."""
    return index_term(word_key)
