"""Keyword tags: the seed article, variants, slugs, types and bad input."""

from __future__ import annotations

import re
from pathlib import Path

from akhbar import text as analyzer
from akhbar.enrich.stage import tagger_for
from akhbar.enrich.stats import CorpusStats
from akhbar.enrich.tags import Tagger
from akhbar.enrich.vocab import slug_of, tag_key
from akhbar.store import Store, open_store


def seed_body(shared: Path) -> str:
    """Lines 1–29 of the seed page: the article body above المصدر."""
    lines = (shared / "seed" / "000_53c4675156747ac2.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[:29])


def test_seed_article_tags(shared: Path, ant_stats_url: str) -> None:
    store = open_store(ant_stats_url)
    try:
        tags = tagger_for(store).tag("", seed_body(shared))
    finally:
        store.close()
    names = [t.name for t in tags]
    for expected in ("كوريا الشمالية", "روسيا", "أوكرانيا", "الولايات المتحدة", "البيت الأبيض"):
        assert expected in names, names
    keys = [analyzer.key(t.name) for t in tags]
    assert len(keys) == len(set(keys))
    assert len({t.key for t in tags}) == len(tags)
    assert 5 <= len(tags) <= 10
    types = {t.name: t.type for t in tags}
    assert types["روسيا"] == "place"
    assert types["البيت الأبيض"] == "organisation"


def test_clitic_and_persian_variants_are_one_tag() -> None:
    text = (
        "روسيا ترسل وفدا. وقال مسؤول لروسيا إن الاتفاق مع بروسيا قريب. وروسيا تنفي.\n"
        "کوریا الشمالیة تطلق صاروخا وكوريا الشمالية تنفي ذلك، والولايات المتحدة تراقب الولايات المتحدة."
    )
    tags = Tagger().tag("روسيا وكوريا الشمالية", text)
    names = [t.name for t in tags]
    assert names.count("روسيا") == 1
    assert "كوريا الشمالية" in names
    assert not any(re.search("[یک]", n) for n in names)
    assert all(n not in names for n in ("لروسيا", "بروسيا", "وروسيا", "والولايات المتحدة"))


def test_display_form_is_clitic_free_for_unknown_phrases() -> None:
    text = "وأعلنت شركة النسيج الوطنية خططا جديدة. وقالت إن شركة النسيج الوطنية ستوظف عمالا، ولشركة النسيج الوطنية فروع."
    tags = Tagger().tag("", text)
    assert "شركة النسيج الوطنية" in [t.name for t in tags]
    assert {t.type for t in tags if t.name == "شركة النسيج الوطنية"} == {"organisation"}


def test_people_are_found_after_titles() -> None:
    text = (
        "قال وزير الخارجية السعودي عادل الجبير إن المملكة تدعم الحل. وأضاف الجبير أن الحل قريب.\n"
        "والتقى عادل الجبير نظيره في الرياض."
    )
    tags = Tagger().tag("الجبير يلتقي نظيره", text)
    assert {"عادل الجبير": "person"}.items() <= {t.name: t.type for t in tags}.items()


def test_slugs_are_stable_and_url_safe() -> None:
    assert slug_of(tag_key("الولايات المتحدة")) == slug_of(tag_key("والولايات المتحدة")) == "ولايات-متحده"
    assert slug_of("a/b c?d") == "a_2fb-c_3fd"
    for tag in Tagger().tag(
        "قمة مجلس الأمن", "عقد مجلس الأمن جلسة في نيويورك. وقال مجلس الأمن إن الجلسة مهمة."
    ):
        assert re.fullmatch(r"[\w\-]+", tag.slug)


def test_empty_and_non_text_input_gives_no_tags() -> None:
    assert Tagger().tag("", "") == []
    assert Tagger().tag("", "123 456 ... !!!") == []


def test_corpus_statistics_lower_common_phrases() -> None:
    stats = CorpusStats()
    tagger = Tagger(stats)
    for _ in range(50):
        stats.observe(["يوم", "اجتماع", "يوم اجتماع"])
    assert tagger.specificity("اجتماع") < Tagger().specificity("اجتماع")
    assert tagger.specificity("زلزال") > tagger.specificity("اجتماع")


def test_statistics_survive_a_round_trip(store: Store) -> None:
    stats = CorpusStats()
    for _ in range(3):
        stats.observe(["كوريا شماليه", "روسيا"], ["جون كيربي"])
    stats.observe(["نادر"])
    with store.transaction():
        stats.save(store)
    loaded = CorpusStats.load(store)
    assert loaded.n_docs == 4
    assert loaded.document_frequency("روسيا") == 3
    assert loaded.document_frequency("نادر") == 0  # keys seen once are not saved
    assert loaded.people["جون كيربي"] == 3


def test_pruning_keeps_the_table_bounded() -> None:
    stats = CorpusStats(capacity=100)
    for n in range(500):
        stats.observe([f"w{n}", "common"])
    assert len(stats.df) <= 100
    assert stats.document_frequency("common") >= 500 - stats.floor
