"""Similar articles and read-also: diverse, never the article itself or its copies."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import replace

from akhbar.models import Article
from akhbar.pipeline import Pipeline
from akhbar.relate.similar import PER_STORY, SIMILAR, Candidate, Profile, diversify, related_for, similarity
from akhbar.store import open_store
from akhbar.views import article_view


def test_diversify_keeps_one_per_group_two_per_story_and_no_near_duplicates() -> None:
    v = {"a": 1.0}
    ranked = [
        Candidate(1, 10, 100, 0.9, {"x": 1.0}),
        Candidate(2, 11, 100, 0.8, {"y": 1.0}),  # same duplicate group as 1
        Candidate(3, 10, None, 0.7, {"z": 1.0}),
        Candidate(4, 10, None, 0.6, {"w": 1.0}),  # third of story 10
        Candidate(5, 12, None, 0.5, {"x": 1.0}),  # near-duplicate of 1
        Candidate(6, 13, None, 0.4, v),  # near-duplicate of the article itself
        Candidate(7, 14, None, 0.3, {"q": 1.0}),
    ]
    own = Candidate(0, 10, None, 1.0, v)
    assert [c.article_id for c in diversify(ranked, 10, [own])] == [1, 3, 7]


def test_similarity_uses_tags_only_when_both_have_them() -> None:
    a, b = Profile({"x": 1.0}, frozenset({"t"})), Profile({"x": 1.0}, frozenset())
    assert similarity(a, b) == 1.0
    assert similarity(a, Profile({"y": 1.0}, frozenset({"t"}))) > 0


def test_related_lists_on_imported_articles(ant_articles: list[Article], tmp_path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    batch = copy.deepcopy(ant_articles)
    copies = [
        replace(
            copy.deepcopy(a),
            url=a.url + "?republished",
            title="نسخة: " + a.title,
            published=ant_articles[-1].published,
        )
        for a in ant_articles[:60:3]
    ]
    pipeline = Pipeline.default(store)
    pipeline.ingest(batch)
    pipeline.ingest(copies)
    checked = with_lists = 0
    for article in store.get_articles([a.id for a in batch]):
        read_also, similar = related_for(store, article)
        checked += 1
        with_lists += bool(similar)
        assert len(similar) <= SIMILAR
        ids = [a.id for a in similar]
        assert article.id not in ids and len(ids) == len(set(ids))
        if read_also is not None:
            assert read_also.id not in ids and read_also.id != article.id
            assert read_also.story_id != article.story_id
        groups = [a.duplicate_group for a in similar if a.duplicate_group]
        assert len(groups) == len(set(groups))
        assert article.duplicate_group is None or article.duplicate_group not in groups
        assert max(Counter(a.story_id for a in similar).values(), default=0) <= PER_STORY
    assert with_lists > checked // 2
    view = article_view(store, batch[0].id)
    assert "similar" in view and "read_also" in view
    store.close()


def test_an_article_without_a_profile_has_no_related_list(tmp_path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'e.db'}")
    assert related_for(store, Article(url="u", title="t", text="x", source="s")) == (None, [])
    store.close()
