"""The store on both backends (SQLite and PostgreSQL): identity, versions, search, tags, stories,
duplicates, fetch log, transactions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from akhbar.models import Article, FetchResult, Source, Story, Tag
from akhbar.store import open_store


def make_article(n: int, text: str | None = None, title: str | None = None, **kw) -> Article:
    """A small article."""
    return Article(
        url=f"http://example.com/{n}",
        title=title or f"كوريا الشمالية تسلم حاويات {n}",
        text=text or f"قال البيت الأبيض إن كوريا الشمالية سلمت أكثر من ألف حاوية إلى روسيا رقم {n}.",
        source=kw.pop("source", "src"),
        published=kw.pop("published", datetime(2018, 5, 1, n % 24, tzinfo=UTC)),
        external_id=kw.pop("external_id", f"E-{n}"),
        **kw,
    )


def test_migrations_are_applied_once(store_url):
    url = store_url
    first = open_store(url)
    version = first.schema_version()
    assert version >= 1
    first.close()
    again = open_store(url)
    assert again.migrate() == [] and again.schema_version() == version
    again.close()


def test_write_is_idempotent_and_changes_make_versions(store):
    outcomes = store.write_articles([make_article(1), make_article(2)])
    assert [o.status for o in outcomes] == ["imported", "imported"]
    assert [o.status for o in store.write_articles([make_article(1)])] == ["unchanged"]
    changed = make_article(1, text="نص جديد تماما عن الموضوع نفسه.")
    assert store.write_articles([changed])[0].status == "updated"
    stored = store.get_article(outcomes[0].article_id)
    assert stored.text == "نص جديد تماما عن الموضوع نفسه." and stored.version == 2
    versions = store.article_versions(stored.id)
    assert [v["version"] for v in versions] == [1] and "ألف حاوية" in versions[0]["text"]
    # an old version seen again (a re-import) is not a new change
    assert store.write_articles([make_article(1)])[0].status == "unchanged"
    assert store.article_count() == 2


def test_search_finds_updated_text_not_the_old_one(store):
    store.write_articles([make_article(1)])
    store.write_articles([make_article(1, text="زلزال قوي يضرب اليابان")])
    assert store.search("زلزال").total == 1
    assert store.search("البيت الأبيض").total == 0


def test_aliases_map_corpus_ids(store):
    store.write_articles([make_article(1), make_article(2)])
    found = store.article_ids_for_external(["E-1", "E-2", "missing"])
    assert set(found) == {"E-1", "E-2"}


def test_search_ranks_title_matches_and_highlights(store):
    store.write_articles(
        [
            make_article(1, title="أخبار الاقتصاد", text="روسيا تتحدث عن الاقتصاد. " * 3),
            make_article(2, title="روسيا تستقبل الزعيم", text="زيارة إلى روسيا."),
            make_article(3, title="رياضة", text="مباراة كرة قدم."),
        ]
    )
    page = store.search("روسيا")
    assert page.total == 2
    assert page.hits[0].title == "روسيا تستقبل الزعيم"
    assert "<mark>" in page.hits[0].snippet
    assert store.search("لروسيا").total == 2  # clitics go through the same analyzer
    assert store.search("").total == 0


def test_search_filters_by_source_and_date(store):
    store.write_articles(
        [
            make_article(1, source="a", published=datetime(2018, 1, 1, tzinfo=UTC)),
            make_article(2, source="b", published=datetime(2018, 6, 1, tzinfo=UTC)),
        ]
    )
    assert [h.id for h in store.search("كوريا", source="b").hits] == [2]
    assert store.search("كوريا", since=datetime(2018, 3, 1, tzinfo=UTC)).total == 1
    assert store.search("كوريا", until=datetime(2018, 3, 1, tzinfo=UTC)).total == 1


def test_search_escapes_html_in_snippets(store):
    store.write_articles([make_article(1, text="<script>alert(1)</script> كوريا الشمالية")])
    snippet = store.search("كوريا").hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


def test_transaction_rolls_back_everything(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.write_articles([make_article(1)])
        raise RuntimeError("boom")
    assert store.article_count() == 0
    assert store.search("كوريا").total == 0


def test_tags_replace_and_count(store):
    [outcome] = store.write_articles([make_article(1)])
    store.set_article_tags(
        outcome.article_id, [Tag("kwry", "كوريا الشمالية", "place", 2.0), Tag("rws", "روسيا", "place", 1.0)]
    )
    store.set_article_tags(outcome.article_id, [Tag("rws", "روسيا", "place", 1.5)])
    assert [t.name for t in store.article_tags(outcome.article_id)] == ["روسيا"]
    assert store.get_tag("rws").score == 1.0 and store.get_tag("kwry").score == 0.0
    assert [a.id for a in store.articles_with_tag("rws")] == [outcome.article_id]


def test_stories_and_duplicate_groups(store):
    ids = [
        o.article_id for o in store.write_articles([make_article(i, source=f"s{i % 2}") for i in range(3)])
    ]
    story_id = store.save_story(Story(0, "قصة", article_ids=ids, sources=["s0", "s1"]))
    for i in ids:
        store.assign_story(i, story_id)
    story = store.get_story(story_id)
    assert story.article_ids == ids and set(story.sources) == {"s0", "s1"}
    assert store.top_stories(limit=5)[0].id == story_id
    group = store.save_duplicate_group(0, ids[0], ids[:2])
    assert store.get_article(ids[1]).duplicate_group == group


def test_sources_state_and_health(store):
    store.upsert_source(Source("bbc", "بي بي سي عربي", feeds=["http://x/rss"]))
    store.save_source_state("bbc", {"etag": "abc"}, None)
    store.upsert_source(Source("bbc", "بي بي سي عربي", feeds=["http://x/rss", "http://x/atom"]))
    assert store.get_source("bbc").feeds == ["http://x/rss", "http://x/atom"]
    assert store.source_state("bbc")["etag"] == "abc"
    store.log_fetch(FetchResult("http://x/rss", 200, 0.5, 100, source="bbc"))
    store.log_fetch(FetchResult("http://x/rss", 503, 1.5, 0, source="bbc", error="HTTP 503"))
    health = store.source_health("bbc")
    assert health.fetches == 2 and health.errors == 1 and health.mean_fetch_seconds == 1.0
    assert health.last_error_message == "HTTP 503"
    assert store.delete_source("bbc") and store.get_source("bbc") is None


def test_stage_state(store):
    assert store.get_state("x") is None
    store.set_state("x", "{}")
    store.set_state("x", '{"a": 1}')
    assert store.get_state("x") == '{"a": 1}'


def test_term_frequencies_follow_inserts_and_updates(store):
    from akhbar.text import terms

    [korea], [quake] = terms("كوريا"), terms("زلزال")
    store.write_articles([make_article(1), make_article(2, text="زلزال قوي يضرب اليابان")])
    before = store.term_document_frequencies([korea, quake, "غائب"])
    assert before["غائب"] == 0 and before[quake] == 1 and before[korea] == 2
    store.write_articles([make_article(2, text="زلزال آخر في اليابان والزلزال شديد")])
    store.write_articles([make_article(1, text="زلزال في كوريا")])
    after = store.term_document_frequencies([quake, korea])
    assert after[quake] == 2 and after[korea] == 2  # both titles still say كوريا


def test_match_terms_ranks_and_excludes(store):
    ids = [
        o.article_id
        for o in store.write_articles(
            [
                make_article(1, title="زلزال اليابان", text="زلزال قوي يضرب اليابان"),
                make_article(2, title="اقتصاد", text="البورصة في اليابان"),
                make_article(3, title="رياضة", text="مباراة كرة قدم"),
            ]
        )
    ]
    groups = [[t] for t in dict.fromkeys(__import__("akhbar").text.terms("زلزال اليابان"))]
    ranked = store.match_terms(groups, limit=10)
    assert [i for i, _ in ranked][:2] == ids[:2] and ranked[0][1] > ranked[1][1]
    assert ids[0] not in [i for i, _ in store.match_terms(groups, exclude=[ids[0]])]
    assert store.match_terms([]) == []


def test_listing_orders_and_cursors(store):
    articles = [make_article(i, published=datetime(2018, 5, i, tzinfo=UTC)) for i in range(1, 6)]
    ids = [o.article_id for o in store.write_articles(articles)]
    newest = store.latest_articles(limit=2)
    assert [a.id for a in newest] == [ids[4], ids[3]]
    cursor = (newest[-1].published.strftime("%Y-%m-%dT%H:%M:%SZ"), newest[-1].id)
    assert [a.id for a in store.latest_articles(limit=2, before=cursor)] == [ids[2], ids[1]]
    assert [a.id for a in store.iter_articles(batch_size=2)] == ids
    assert [a.id for a in store.get_articles([ids[3], 999999, ids[0]])] == [ids[3], ids[0]]
    assert store.article_id_for_url(articles[2].url) == ids[2]
    assert store.stats()["articles"] == 5 and store.stats()["bytes"] > 0


def test_nested_transactions_join_the_outer_one(store):
    with pytest.raises(RuntimeError), store.transaction():
        with store.transaction():
            store.write_articles([make_article(1)])
        store.set_state("x", "1")
        raise RuntimeError("boom")
    assert store.article_count() == 0 and store.get_state("x") is None
    with store.transaction(), store.transaction():
        store.write_articles([make_article(2)])
    assert store.article_count() == 1


def test_relate_state_signatures_story_states_and_merges(store):
    ids = [o.article_id for o in store.write_articles([make_article(i) for i in range(1, 4)])]
    day = datetime(2018, 5, 1, tzinfo=UTC)
    store.save_signature(ids[0], day, "h1", b"\x00\x01")
    store.save_signature(ids[1], datetime(2018, 5, 2, tzinfo=UTC), "h1", b"\x02")
    store.save_signature(ids[2], datetime(2018, 4, 1, tzinfo=UTC), "h2", None)
    assert store.articles_with_body_hash("h1") == ids[:2]
    assert [(i, m) for i, _, m in store.recent_signatures(day)] == [(ids[0], b"\x00\x01"), (ids[1], b"\x02")]
    assert store.recent_signatures(day)[1][1] == datetime(2018, 5, 2, tzinfo=UTC)
    a = store.save_story(Story(0, "أ", article_ids=ids[:1], sources=["src"]))
    b = store.save_story(Story(0, "ب", article_ids=ids[1:], sources=["src"]))
    store.assign_story(ids[0], a)
    for i in ids[1:]:
        store.assign_story(i, b)
    store.save_story_state(a, day, '{"c": 1}')
    store.save_story_state(b, day, '{"c": 2}')
    store.merge_stories(a, b)
    assert store.get_story(a).article_ids == ids
    assert store.recent_story_states(day) == [(a, '{"c": 1}')]
    assert [s.id for s in store.top_stories()] == [a]
    terms = store.article_terms(ids[:1])
    assert "كوريا" in terms[ids[0]][0] or "كوري" in " ".join(terms[ids[0]][0])
    total, frequencies = store.document_frequencies()
    assert total == 3 and max(frequencies.values()) == 3


def test_full_page_completes_a_partial_article_with_the_same_text(store):
    partial = make_article(1, partial=True)
    [first] = store.write_articles([partial])
    full = make_article(1, author="مراسلنا", image="http://example.com/a.jpg")
    [second] = store.write_articles([full])
    assert second.status == "updated" and second.article_id == first.article_id
    stored = store.get_article(first.article_id)
    assert not stored.partial and stored.author == "مراسلنا" and stored.version == 1
    assert store.write_articles([make_article(1)])[0].status == "unchanged"


def test_the_full_page_gives_a_partial_article_its_outlets_offset(store):
    [first] = store.write_articles([make_article(1, partial=True)])
    [second] = store.write_articles([make_article(1, published_offset=180)])
    assert second.status == "updated" and second.article_id == first.article_id
    assert store.get_article(first.article_id).published_offset == 180


def test_or_fallback_puts_articles_with_more_query_words_first(store):
    store.write_articles(
        [
            make_article(1, title="زلزال", text="زلزال زلزال زلزال زلزال في المنطقة. زلزال آخر."),
            make_article(2, title="أخبار آسيا", text="ضرب زلزال اليابان صباح اليوم."),
        ]
    )
    page = store.search("زلزال اليابان بركان")
    assert page.total == 2
    assert [hit.id for hit in page.hits][0] == store.article_id_for_url("http://example.com/2")


def test_the_outlets_utc_offset_is_kept_with_the_date(store):
    (outcome,) = store.write_articles([make_article(1, published_offset=180)])
    assert store.get_article(outcome.article_id).published_offset == 180
    (unknown,) = store.write_articles([make_article(2)])
    assert store.get_article(unknown.article_id).published_offset is None
