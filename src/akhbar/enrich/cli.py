"""Helpers behind `akhbar tags` and `akhbar eval tags`: reading one article, a tagger over a store."""

from __future__ import annotations

import json
from pathlib import Path

from akhbar.enrich.stats import CorpusStats
from akhbar.enrich.tags import Tagger
from akhbar.errors import AkhbarError
from akhbar.store import Store

TITLE_MAX_WORDS = 20


class ArticleFileError(AkhbarError):
    """An article file cannot be read."""


def read_article(path: str | Path) -> tuple[str, str]:
    """(title, text) of a file: a corpus JSON object (title, text) or plain text whose first line is the title."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArticleFileError(f"cannot read {path}: {exc}") from exc
    stripped = raw.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        try:
            data = data if data is not None else json.loads(stripped.splitlines()[0])  # first line of a corpus
        except ValueError as exc:
            raise ArticleFileError(f"{path}: looks like JSON but is not: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("text", ""), str):
            raise ArticleFileError(f"{path}: a JSON article needs a text field")
        return str(data.get("title") or ""), data.get("text") or ""
    if not stripped:
        raise ArticleFileError(f"{path} is empty")
    return split_title(stripped)


def split_title(text: str) -> tuple[str, str]:
    """Plain text as (title, body): its first line is the title when it is short (≤ 20 words), else none."""
    first, _, rest = text.strip().partition("\n")
    return (first, rest) if rest.strip() and len(first.split()) <= TITLE_MAX_WORDS else ("", text.strip())


def tagger_for(store: Store) -> Tagger:
    """A tagger over the corpus statistics saved in a store."""
    return Tagger(CorpusStats.load(store))
