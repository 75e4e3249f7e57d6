"""Stories: the online clusterer on its own, and through the pipeline (incremental, restart-safe)."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import UTC, datetime, timedelta

from akhbar.models import Article
from akhbar.pipeline import Pipeline
from akhbar.relate.stories import WINDOW, ArticleFeatures, StoryClusterer, StoryState
from akhbar.relate.vectors import unit
from akhbar.store import open_store

T0 = datetime(2018, 5, 1, 8, tzinfo=UTC)


def features(
    article_id: int, words: str, title: str = "", hours: float = 0, source: str = "x"
) -> ArticleFeatures:
    """Features from plain words (each word a term of weight 1)."""
    return ArticleFeatures(
        article_id,
        T0 + timedelta(hours=hours),
        source,
        title or words,
        unit(Counter(words.split())),
        unit(Counter((title or words).split())),
    )


def cluster(clusterer: StoryClusterer, item: ArticleFeatures, next_id: list[int]) -> int:
    """Assign an article; give new stories ids like the stage does."""
    decision = clusterer.assign(item)
    if decision.created:
        next_id[0] += 1
        decision.story.id = next_id[0]
        clusterer.register(decision.story)
    return decision.story.id


def test_same_event_joins_and_other_events_do_not() -> None:
    clusterer, ids = StoryClusterer(), [0]
    a = cluster(clusterer, features(1, "المغرب يقطع علاقاته مع إيران بسبب البوليساريو حزب الله"), ids)
    b = cluster(clusterer, features(2, "المغرب يعلن قطع العلاقات مع إيران دعم البوليساريو", hours=2), ids)
    c = cluster(
        clusterer, features(3, "ريال مدريد يتأهل إلى نهائي دوري أبطال أوروبا على حساب بايرن", hours=3), ids
    )
    assert a == b != c
    assert clusterer.stories[a].size == 2 and clusterer.stories[a].sources == ["x"]


def test_stories_close_after_the_window() -> None:
    clusterer, ids = StoryClusterer(), [0]
    a = cluster(clusterer, features(1, "المغرب يقطع علاقاته مع إيران"), ids)
    later = (WINDOW.total_seconds() / 3600) + 1
    b = cluster(clusterer, features(2, "المغرب يقطع علاقاته مع إيران", hours=later), ids)
    assert a != b and a not in clusterer.stories


def test_state_round_trips_through_json() -> None:
    clusterer, ids = StoryClusterer(), [0]
    story_id = cluster(clusterer, features(1, "انفجار في سوق مدينة موبي النيجيرية"), ids)
    state = clusterer.stories[story_id]
    again = StoryState.from_json(story_id, state.to_json())
    assert (
        again.members == [1]
        and again.first_seen == state.first_seen
        and set(again.centroid) == set(state.centroid)
    )


def test_clustering_is_deterministic(ant_articles: list[Article], tmp_path) -> None:
    runs = []
    for run in range(2):
        store = open_store(f"sqlite:///{tmp_path / f'{run}.db'}")
        pipeline = Pipeline.default(store)
        batch = copy.deepcopy(ant_articles)
        for start in range(0, len(batch), 50):
            pipeline.ingest(batch[start : start + 50])
        runs.append([a.story_id for a in store.get_articles([a.id for a in batch])])
        store.close()
    assert runs[0] == runs[1]
    assert all(story is not None for story in runs[0])
    assert len(set(runs[0])) < len(runs[0])  # some articles share a story


def test_stories_continue_after_a_restart(ant_articles: list[Article], tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    articles = copy.deepcopy(ant_articles)
    half = len(articles) // 2
    store = open_store(url)
    Pipeline.default(store).ingest(articles[:half])
    store.close()
    store = open_store(url)
    Pipeline.default(store).ingest(articles[half:])
    restarted = [a.story_id for a in store.get_articles([a.id for a in articles])]
    store.close()
    # the second half joins stories the first half started: some later article is in an earlier story
    first_half = set(restarted[:half])
    assert any(story in first_half for story in restarted[half:])


def test_story_records_have_title_outlets_and_times(ant_articles: list[Article], tmp_path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    batch = copy.deepcopy(ant_articles)
    Pipeline.default(store).ingest(batch)
    biggest = Counter(a.story_id for a in store.get_articles([a.id for a in batch])).most_common(1)[0][0]
    story = store.get_story(biggest)
    assert story.title and len(story.article_ids) >= 2
    assert story.first_seen <= story.last_seen
    members = store.get_articles(story.article_ids)
    assert {m.source for m in members} == set(story.sources)
    assert story.title in {m.title for m in members}
    store.close()
