"""The SQLite store: identity, versions, search, tags, stories, duplicates, fetch log, bad files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime

import pytest

from akhbar.errors import NotADatabaseError, StoreLockedError
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


def test_migrations_are_applied_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
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
    store.write_articles([
        make_article(1, title="أخبار الاقتصاد", text="روسيا تتحدث عن الاقتصاد. " * 3),
        make_article(2, title="روسيا تستقبل الزعيم", text="زيارة إلى روسيا."),
        make_article(3, title="رياضة", text="مباراة كرة قدم."),
    ])
    page = store.search("روسيا")
    assert page.total == 2
    assert page.hits[0].title == "روسيا تستقبل الزعيم"
    assert "<mark>" in page.hits[0].snippet
    assert store.search("لروسيا").total == 2  # clitics go through the same analyzer
    assert store.search("").total == 0


def test_search_filters_by_source_and_date(store):
    store.write_articles([
        make_article(1, source="a", published=datetime(2018, 1, 1, tzinfo=UTC)),
        make_article(2, source="b", published=datetime(2018, 6, 1, tzinfo=UTC)),
    ])
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
    store.set_article_tags(outcome.article_id, [Tag("kwry", "كوريا الشمالية", "place", 2.0), Tag("rws", "روسيا", "place", 1.0)])
    store.set_article_tags(outcome.article_id, [Tag("rws", "روسيا", "place", 1.5)])
    assert [t.name for t in store.article_tags(outcome.article_id)] == ["روسيا"]
    assert store.get_tag("rws").score == 1.0 and store.get_tag("kwry").score == 0.0
    assert [a.id for a in store.articles_with_tag("rws")] == [outcome.article_id]


def test_stories_and_duplicate_groups(store):
    ids = [o.article_id for o in store.write_articles([make_article(i, source=f"s{i % 2}") for i in range(3)])]
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


def test_not_a_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database")
    with pytest.raises(NotADatabaseError, match="not an SQLite database"):
        open_store(f"sqlite:///{path}")
    assert path.read_text() == "these are my notes, not a database"


def test_locked_store_gives_a_clear_error(tmp_path):
    path = tmp_path / "locked.db"
    open_store(f"sqlite:///{path}").close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sqlite3, time
            c = sqlite3.connect({str(path)!r}, isolation_level=None)
            c.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(30)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        store = open_store(f"sqlite:///{path}?timeout=0.5")
        started = time.monotonic()
        with pytest.raises((StoreLockedError, sqlite3.OperationalError)) as info:
            store.write_articles([make_article(1)])
        assert time.monotonic() - started < 10
        assert "locked" in str(info.value)
        store.close()
    finally:
        holder.kill()
        holder.wait()
