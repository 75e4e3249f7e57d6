"""Duplicates: the direct check, and grouping during import (exact and near copies, across restarts)."""

from __future__ import annotations

import copy
import random
from dataclasses import replace
from datetime import timedelta

from akhbar import text as analyzer
from akhbar.eval.duplicates import change_words, new_headline, reorder, truncate
from akhbar.models import Article
from akhbar.pipeline import Pipeline
from akhbar.relate.duplicates import are_duplicates, body_hash, shingles
from akhbar.store import open_store


def terms(article: Article) -> tuple[list[str], list[str]]:
    """Title and body terms, as the store indexes them."""
    return analyzer.terms(article.title), analyzer.terms(article.text)


def long_ones(articles: list[Article]) -> list[Article]:
    """Articles with a body long enough to republish."""
    return [a for a in articles if len(a.text.split()) >= 80]


def test_shingles_and_hash_ignore_spelling_variants() -> None:
    a = analyzer.terms("أعلنت الحكومة السعودية اليوم عن إطلاق مبادرة جديدة لدعم الشركات الصغيرة")
    b = analyzer.terms("اعلنت الحكومة السعوديّة اليوم عن اطلاق مبادرة جديدة لدعم الشركات الصغيرة.")
    assert body_hash(a) == body_hash(b)
    assert shingles(a) == shingles(b)
    assert shingles([]) == set()


def test_republished_copies_are_duplicates(ant_articles: list[Article]) -> None:
    rng = random.Random(3)
    articles = long_ones(ant_articles)[:20]
    for article in articles:
        other = rng.choice(articles)
        for perturb in (new_headline, reorder, change_words, truncate):
            copy_ = perturb(article, rng, other)
            assert are_duplicates(*terms(article), *terms(copy_)), (perturb.__name__, article.url)


def test_different_articles_are_not_duplicates(ant_articles: list[Article]) -> None:
    articles = long_ones(ant_articles)[:30]
    for a, b in zip(articles, articles[1:], strict=False):
        assert not are_duplicates(*terms(a), *terms(b))


def test_empty_texts_are_not_duplicates() -> None:
    assert not are_duplicates([], [], [], [])


def test_import_groups_copies_with_the_earliest_as_canonical(tmp_path, ant_articles: list[Article]) -> None:
    originals = long_ones(ant_articles)[:40]
    rng = random.Random(5)
    exact = replace(
        copy.deepcopy(originals[3]),
        url=originals[3].url + "?copy",
        title="عنوان آخر تماما",
        published=originals[3].published + timedelta(hours=1),
    )
    near = truncate(originals[7], rng, originals[0])
    near.published = originals[7].published + timedelta(hours=2)
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    pipeline = Pipeline.default(store)
    pipeline.ingest(copy.deepcopy(originals))
    pipeline.ingest([exact, near])
    first = store.get_article(store.article_id_for_url(originals[3].url))
    second = store.get_article(exact.id)
    assert first.duplicate_group and first.duplicate_group == second.duplicate_group
    assert store.duplicate_group_canonical(first.duplicate_group) == first.id
    assert second.story_id == first.story_id  # a copy is in its original's story
    near_original = store.get_article(store.article_id_for_url(originals[7].url))
    assert store.get_article(near.id).duplicate_group == near_original.duplicate_group is not None
    ids = [store.article_id_for_url(a.url) for a in originals]
    grouped = [a.url for a in store.get_articles(ids) if a.duplicate_group]
    assert sorted(grouped) == sorted([originals[3].url, originals[7].url])
    store.close()


def test_a_new_process_finds_copies_of_what_an_earlier_one_imported(
    tmp_path, ant_articles: list[Article]
) -> None:
    originals = long_ones(ant_articles)[:30]
    url = f"sqlite:///{tmp_path / 'b.db'}"
    store = open_store(url)
    Pipeline.default(store).ingest(copy.deepcopy(originals))
    store.close()
    near = change_words(originals[-3], random.Random(1), originals[2], share=0.05)
    near.published = originals[-1].published
    reopened = open_store(url)
    Pipeline.default(reopened).ingest([near])
    original = reopened.get_article(reopened.article_id_for_url(originals[-3].url))
    assert original.duplicate_group is not None
    assert reopened.get_article(near.id).duplicate_group == original.duplicate_group
    reopened.close()
