"""The pipeline: articles in, cleaned, written, enriched and related, one transaction per batch.

Stages are the declared hook of the flow: an object with a `name` and a
`process(store, articles)` method, run in order inside the batch's transaction so an article is
never half-written. The built-in enrich and relate stages are registered the same way a plugin's
are: through `stage_factories()`, which also reads the `akhbar.stages` entry point group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from typing import Protocol

from akhbar import text as analyzer
from akhbar.models import Article, ImportCounts
from akhbar.store import Store

# Built-in stages, in flow order: "module:factory" where factory(store) returns a Stage.
BUILTIN_STAGES = (
    "akhbar.enrich.stage:EnrichStage",
    "akhbar.relate.stage:RelateStage",
)


class Stage(Protocol):
    """One step of the flow after storing: enrich or relate a batch of stored articles.

    A stage may also define `finish(store)`, called at the end of an import or a crawl pass to save
    state it keeps in memory between batches.
    """

    name: str

    def process(self, store: Store, articles: Sequence[Article]) -> None:
        """Work on articles that are new or changed in this batch (each has its store id)."""


StageFactory = Callable[[Store], Stage]


def _load(spec: str) -> StageFactory | None:
    """The factory named by "module:attr", or None when that module is not part of this install."""
    module_name, _, attr = spec.partition(":")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None
        raise
    return getattr(module, attr)


def stage_factories() -> list[StageFactory]:
    """The built-in stage factories that exist in this install, then plugins' (entry points `akhbar.stages`)."""
    factories = [f for f in (_load(spec) for spec in BUILTIN_STAGES) if f is not None]
    factories += [point.load() for point in entry_points(group="akhbar.stages")]
    return factories


def clean_text(text: str) -> str:
    """The display form of a body: each paragraph normalised, empty paragraphs dropped."""
    paragraphs = (analyzer.normalize(line) for line in text.splitlines())
    return "\n".join(p for p in paragraphs if p)


def clean_article(article: Article) -> Article:
    """Put an article's title, text and summary into display form."""
    article.title = analyzer.normalize(article.title)
    article.text = clean_text(article.text)
    if article.summary:
        article.summary = clean_text(article.summary)
    return article


@dataclass
class Pipeline:
    """Writes batches of articles to a store and runs the stages on what changed."""

    store: Store
    stages: list[Stage] = field(default_factory=list)

    @classmethod
    def default(cls, store: Store) -> Pipeline:
        """A pipeline with every available built-in and plugin stage."""
        return cls(store, [factory(store) for factory in stage_factories()])

    def ingest(self, articles: Sequence[Article]) -> ImportCounts:
        """Clean, write and process one batch in one transaction; returns what it did."""
        counts = ImportCounts()
        if not articles:
            return counts
        batch = [clean_article(article) for article in articles]
        with self.store.transaction():
            outcomes = self.store.write_articles(batch)
            changed = [a for a, o in zip(batch, outcomes, strict=True) if o.status != "unchanged"]
            for outcome in outcomes:
                setattr(counts, outcome.status, getattr(counts, outcome.status) + 1)
            for stage in self.stages:
                stage.process(self.store, changed)
        return counts

    def finish(self) -> None:
        """Let every stage save what it keeps in memory (end of an import or a crawl pass)."""
        for stage in self.stages:
            finish = getattr(stage, "finish", None)
            if finish is not None:
                finish(self.store)
