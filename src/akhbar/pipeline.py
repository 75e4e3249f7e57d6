"""The pipeline: articles in, cleaned, written, enriched and related, one transaction per batch.

Stages are the declared hook of the flow: an object with a `name` and a
`process(store, articles)` method, run in order inside the batch's transaction so an article is
never half-written. The built-in enrich and relate stages come first, then third-party stages
registered under the `akhbar.stages` entry point group.

`clean_article` is the door: every article, imported or crawled, has its surrogates and control
characters taken out and its lengths capped here, and one that cannot be kept is rejected with a reason
while the rest of its batch is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Protocol

from akhbar import text as analyzer
from akhbar.errors import ArticleRejectedError
from akhbar.models import Article, ImportCounts
from akhbar.store import Store
from akhbar.text.hygiene import (
    MAX_AUTHOR_CHARS,
    MAX_SOURCE_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    cap,
    url_too_long,
)

log = logging.getLogger(__name__)


class Stage(Protocol):
    """One step of the flow after storing: enrich or relate a batch of stored articles.

    A stage may also define `finish(store)`, called at the end of an import or a crawl pass to save
    state it keeps in memory between batches.
    """

    name: str

    def process(self, store: Store, articles: Sequence[Article]) -> None:
        """Work on articles that are new or changed in this batch (each has its store id)."""


StageFactory = Callable[[Store], Stage]
Rejection = Callable[[Article, ArticleRejectedError], None]


def builtin_stages() -> list[StageFactory]:
    """The built-in stage factories, in flow order: enrich, then relate.

    Imported here, not at the top: the relate stage brings numpy and datasketch (1.0 s and 75 MB
    measured), which commands that only read the corpus or the store never need.
    """
    from akhbar.enrich.stage import EnrichStage
    from akhbar.relate.stage import RelateStage

    return [EnrichStage, RelateStage]


def stage_factories() -> list[StageFactory]:
    """The built-in stage factories, then third-party ones (entry points `akhbar.stages`)."""
    return builtin_stages() + [point.load() for point in entry_points(group="akhbar.stages")]


def clean_text(text: str) -> str:
    """The display form of a body: scrubbed, each paragraph normalised, empty paragraphs dropped."""
    paragraphs = (analyzer.normalize(line) for line in analyzer.scrub(text).splitlines())
    return "\n".join(p for p in paragraphs if p)


def clean_title(title: str) -> str:
    """The display form of a title on one line, cut to MAX_TITLE_CHARS."""
    cleaned = analyzer.normalize(analyzer.one_line(title))
    return analyzer.normalize(cap(cleaned, MAX_TITLE_CHARS)) if len(cleaned) > MAX_TITLE_CHARS else cleaned


def _optional(value: str | None, limit: int | None = None) -> str | None:
    """A one-line optional field scrubbed (and cut to `limit`); empty becomes None."""
    if value is None:
        return None
    cleaned = analyzer.one_line(value)
    if limit is not None:
        cleaned = cap(cleaned, limit)
    return cleaned or None


def clean_article(article: Article) -> Article:
    """Put an article into the form it is stored in, or raise ArticleRejectedError.

    Title, text and summary take their display form; every field loses lone surrogates and control
    characters (text keeps its line breaks); title, source and author are cut to their caps. A URL
    over MAX_URL_CHARS, or an empty URL or source, rejects the article.
    """
    article.url = analyzer.clean_url(article.url)
    if not article.url:
        raise ArticleRejectedError(article.url, "empty URL")
    if too_long := url_too_long(article.url):
        raise ArticleRejectedError(article.url, too_long)
    article.title = clean_title(article.title)
    article.source = cap(analyzer.one_line(article.source), MAX_SOURCE_CHARS)
    if not article.source:
        raise ArticleRejectedError(article.url, "empty source")
    article.text = clean_text(article.text)
    if article.summary:
        article.summary = clean_text(article.summary)
    article.author = _optional(article.author, MAX_AUTHOR_CHARS)
    article.category = _optional(article.category)
    article.external_id = _optional(article.external_id)
    article.language = _optional(article.language)
    image = analyzer.clean_url(article.image) if article.image else None
    article.image = image if image and len(image) <= MAX_URL_CHARS else None
    return article


def log_rejection(article: Article, error: ArticleRejectedError) -> None:
    """The default for a rejected article: a warning in the log naming it and the reason."""
    log.warning("article rejected: %s", error)


@dataclass
class Pipeline:
    """Writes batches of articles to a store and runs the stages on what changed."""

    store: Store
    stages: list[Stage] = field(default_factory=list)
    on_reject: Rejection = log_rejection

    @classmethod
    def default(cls, store: Store) -> Pipeline:
        """A pipeline with every available built-in and plugin stage."""
        return cls(store, [factory(store) for factory in stage_factories()])

    def ingest(self, articles: Sequence[Article]) -> ImportCounts:
        """Clean, write and process one batch in one transaction; returns what it did."""
        counts = ImportCounts()
        if not articles:
            return counts
        batch = self._cleaned(articles, counts)
        if not batch:
            return counts
        with self.store.transaction():
            outcomes = self.store.write_articles(batch)
            changed = [a for a, o in zip(batch, outcomes, strict=True) if o.status != "unchanged"]
            for outcome in outcomes:
                setattr(counts, outcome.status, getattr(counts, outcome.status) + 1)
            for stage in self.stages:
                stage.process(self.store, changed)
        return counts

    def _cleaned(self, articles: Sequence[Article], counts: ImportCounts) -> list[Article]:
        """The articles of a batch in stored form; rejected ones counted, reported and left out."""
        batch = []
        for article in articles:
            try:
                batch.append(clean_article(article))
            except ArticleRejectedError as exc:
                counts.rejected += 1
                self.on_reject(article, exc)
        return batch

    def finish(self) -> None:
        """Let every stage save what it keeps in memory (end of an import or a crawl pass)."""
        for stage in self.stages:
            finish = getattr(stage, "finish", None)
            if finish is not None:
                finish(self.store)
