"""The enrich stage of the pipeline: tags, language and category of every new or changed article."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from akhbar.enrich.candidates import document_of
from akhbar.enrich.category import categorize
from akhbar.enrich.language import detect_language
from akhbar.enrich.stats import CorpusStats
from akhbar.enrich.tags import Tagger
from akhbar.models import Article
from akhbar.store import Store

LANGUAGE_SAMPLE = 2000


def tagger_for(store: Store) -> Tagger:
    """A tagger over the corpus statistics saved in a store."""
    return Tagger(CorpusStats.load(store))


def enrich_article(tagger: Tagger, article: Article, observe: bool = True) -> None:
    """Set an article's tags, language and category (its title and text are in display form)."""
    doc = document_of(article.title, article.text)
    if observe:
        tagger.observe(doc)
    article.tags = tagger.tag_document(doc, counted=observe)
    article.language = (
        detect_language(f"{article.title}\n{article.text[:LANGUAGE_SAMPLE]}") or article.language
    )
    article.category = categorize(article.category, article.url, doc.words)


def save_enrichment(store: Store, article: Article) -> None:
    """Write an enriched article's tags, language and category (a stored article: it has its id)."""
    assert article.id is not None
    store.set_article_tags(article.id, article.tags)
    store.set_article_enrichment(article.id, article.language, article.category)


class EnrichStage:
    """Pipeline stage: counts each article in the corpus statistics, then tags and classifies it."""

    name = "enrich"

    def __init__(self, store: Store) -> None:
        self.tagger = Tagger(CorpusStats.load(store))

    def process(self, store: Store, articles: Sequence[Article]) -> None:
        """Enrich and save a batch (inside the pipeline's transaction); save the statistics when due."""
        for article in articles:
            enrich_article(self.tagger, article)
            save_enrichment(store, article)
        if self.tagger.stats.save_due():
            self.tagger.stats.save(store)

    def finish(self, store: Store) -> None:
        """Save the statistics counted since the last save (the pipeline calls this at the end of a run)."""
        with store.transaction():
            self.tagger.stats.save_if_unsaved(store)


def count_articles(articles: Iterable[Article]) -> Tagger:
    """A tagger whose corpus statistics count these articles (title and text in display form)."""
    tagger = Tagger(CorpusStats())
    for article in articles:
        tagger.observe(document_of(article.title, article.text))
    return tagger


def retag(store: Store, on_batch: Callable[[int], None] | None = None) -> int:
    """Recount the corpus statistics from every stored article, then re-enrich them all; returns the count."""
    tagger = count_articles(store.iter_articles())
    stats = tagger.stats
    with store.transaction():
        stats.save(store)
    done = 0
    batch: list[Article] = []
    for article in store.iter_articles():
        enrich_article(tagger, article, observe=False)
        batch.append(article)
        if len(batch) >= 500:
            done += _save_batch(store, batch, on_batch)
    return done + _save_batch(store, batch, on_batch)


def _save_batch(store: Store, batch: list[Article], on_batch: Callable[[int], None] | None) -> int:
    """Save a batch of re-enriched articles in one transaction and empty it."""
    with store.transaction():
        for article in batch:
            save_enrichment(store, article)
    count = len(batch)
    if on_batch is not None:
        on_batch(count)
    batch.clear()
    return count
