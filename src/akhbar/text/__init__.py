"""The Arabic analyzer: one definition of what a word is, used by every text path.

PLACEHOLDER: the analyzer issue replaces these minimal functions with the real ones.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)


def normalize(text: str) -> str:
    """Display form (placeholder): NFKC and collapsed whitespace."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def key(text: str) -> str:
    """Key form (placeholder): display form lower-cased."""
    return normalize(text).lower()


def terms(text: str) -> list[str]:
    """Index terms (placeholder): key-form words."""
    return _WORD.findall(key(text))


__all__ = ["key", "normalize", "terms"]
