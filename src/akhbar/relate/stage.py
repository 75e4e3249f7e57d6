"""The relate stage of the pipeline: duplicates and stories for each new article, as it arrives.

State lives in the store (signatures, story states) and is loaded lazily, once per process, the first
time a batch comes: the document frequencies, the LSH index of the recent window's signatures and the
recent stories. Within a batch, articles are taken in publication order.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from akhbar.models import Article, Story
from akhbar.relate.duplicates import DuplicateFinder
from akhbar.relate.similar import RELATED_STORIES, Profile
from akhbar.relate.stories import WINDOW, ArticleFeatures, StoryClusterer, StoryState, entity_keys
from akhbar.relate.vectors import TermStats, term_counts, tfidf
from akhbar.store import Store

EARLIEST = datetime.min.replace(tzinfo=UTC)
NEARBY_SCORE = 0.05  # other stories at least this close are kept in an article's profile


def features(
    article: Article, title_terms: list[str], body_terms: list[str], stats: TermStats, published: datetime
) -> ArticleFeatures:
    """What clustering needs of an article."""
    return ArticleFeatures(
        article_id=article.id or 0,
        published=published,
        source=article.source,
        title=article.title,
        vector=tfidf(term_counts(title_terms, body_terms), stats),
        title_vector=tfidf(Counter(title_terms), stats),
        entities=entity_keys(article.tags),
    )


def interned(terms: list[str]) -> list[str]:
    """Terms as interned strings: the vectors kept in the window share one copy of each term."""
    return list(map(sys.intern, terms))


def story_record(state: StoryState) -> Story:
    """The store's view of a story state."""
    return Story(
        id=state.id,
        title=state.title,
        first_seen=state.first_seen,
        last_seen=state.last_seen,
        article_ids=list(state.members),
        sources=list(state.sources),
    )


class RelateStage:
    """Groups duplicates and clusters stories, incrementally."""

    name = "relate"

    def __init__(self, store: Store) -> None:
        self.store = store
        self.stats: TermStats | None = None
        self.finder: DuplicateFinder | None = None
        self.clusterer: StoryClusterer | None = None
        self.latest: datetime | None = None
        self.dirty: dict[int, StoryState] = {}  # stories changed in this batch, saved once at its end

    def _load(self, store: Store, first: datetime) -> None:
        """Rebuild the in-memory state from the store (document frequencies already count this batch)."""
        self.stats = TermStats.from_store(store)
        self.finder = DuplicateFinder.from_store(store, first)
        self.clusterer = StoryClusterer(
            StoryState.from_json(story_id, state)
            for story_id, state in store.recent_story_states(first - WINDOW)
        )

    def _moment(self, article: Article) -> datetime:
        """The time an article counts at: published, else fetched, else the latest seen."""
        moment = article.published or article.fetched or self.latest or datetime.now(UTC)
        self.latest = max(self.latest or moment, moment)
        return moment

    def process(self, store: Store, articles: Sequence[Article]) -> None:
        """Find each article's duplicates and story."""
        batch = sorted(
            ((a.id, a) for a in articles if a.id), key=lambda pair: (pair[1].published or EARLIEST, pair[0])
        )
        if not batch:
            return
        ids = [article_id for article_id, _ in batch]
        terms = {i: (interned(t), interned(b)) for i, (t, b) in store.article_terms(ids).items()}
        if self.stats is None:
            self._load(store, self._moment(batch[0][1]))
        else:
            for article_id, _ in batch:
                title, body = terms.get(article_id, ([], []))
                self.stats.add([*title, *body])
        existing = {a.id: a for a in store.get_articles(ids)}
        for article_id, article in batch:
            title, body = terms.get(article_id, ([], []))
            self._relate(store, article_id, article, existing.get(article_id), title, body)
        self._save_dirty(store)

    def _save_dirty(self, store: Store) -> None:
        """Save each story changed in the batch once: its record and its clustering state."""
        for state in self.dirty.values():
            store.save_story(story_record(state), central_article_id=state.central_id)
            store.save_story_state(state.id, state.last_seen, state.to_json())
        self.dirty.clear()

    def _relate(
        self,
        store: Store,
        article_id: int,
        article: Article,
        current: Article | None,
        title: list[str],
        body: list[str],
    ) -> None:
        """Duplicates, then story, for one stored article (article_id is its store id)."""
        assert self.finder is not None and self.clusterer is not None and self.stats is not None
        moment = self._moment(article)
        original = self.finder.find(article_id, moment, title, body)
        into = None
        if original is not None:
            found_original = store.get_articles([original])
            copied = found_original[0] if found_original else None
            article.duplicate_group = self._group(store, original, copied, article_id, current)
            into = copied.story_id if copied else None
        if current is not None and current.story_id:
            article.story_id = current.story_id  # an updated article stays in its story
            return
        found = features(article, title, body, self.stats, moment)
        if into is not None and into not in self.clusterer.stories:
            store.assign_story(article_id, into)  # a late copy joins its original's closed story
            article.story_id = into
            store.save_article_profile(article_id, Profile(found.vector, found.entities, []).to_json())
            return
        decision = self.clusterer.assign(found, into=into)
        state = decision.story
        if decision.created:
            state.id = store.save_story(story_record(state), central_article_id=state.central_id)
            self.clusterer.register(state)
        for merged in decision.merged:
            store.merge_stories(state.id, merged.id)
            self.dirty.pop(merged.id, None)
        self.dirty[state.id] = state
        store.assign_story(article_id, state.id)
        article.story_id = state.id
        nearby = [(s, score) for s, score in decision.nearby if score >= NEARBY_SCORE][:RELATED_STORIES]
        store.save_article_profile(article_id, Profile(found.vector, found.entities, nearby).to_json())

    @staticmethod
    def _group(
        store: Store, original: int, copied: Article | None, article_id: int, current: Article | None
    ) -> int:
        """Put an article in the duplicate group of the earlier article it copies (`copied`, as stored)."""
        if current is not None and current.duplicate_group:
            return current.duplicate_group
        group = copied.duplicate_group if copied and copied.duplicate_group else 0
        canonical = (store.duplicate_group_canonical(group) or original) if group else original
        return store.save_duplicate_group(group, canonical, [original, article_id])
