"""Stop words of news Arabic, in key form (list and its source: stopwords.txt beside this module)."""

from __future__ import annotations

from importlib import resources

from akhbar.text.normalize import key


def load_stopwords(text: str) -> frozenset[str]:
    """Parse a stop-word list (one or more words a line, # comments) into key-form words."""
    words: set[str] = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        words.update(key(word) for word in line.split())
    words.discard("")
    return frozenset(words)


STOPWORDS: frozenset[str] = load_stopwords(
    resources.files("akhbar.text").joinpath("stopwords.txt").read_text(encoding="utf-8")
)
