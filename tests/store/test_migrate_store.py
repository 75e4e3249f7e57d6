"""`akhbar migrate-store`: an SQLite store moved to PostgreSQL keeps every row, id, story and search result."""

from __future__ import annotations

import pytest
from store_articles import story_article
from typer.testing import CliRunner

from akhbar.check import check_store
from akhbar.cli import app
from akhbar.errors import StoreError
from akhbar.migrate_store import migrate_store
from akhbar.models import FetchResult, Source
from akhbar.pipeline import Pipeline
from akhbar.store import open_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def sqlite_url(tmp_path):
    """An SQLite store with sources, 40 pipeline articles (one updated) and a fetch log."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = open_store(url)
    store.upsert_source(Source("src0", "مصدر", feeds=["http://x/rss"]))
    store.log_fetch(FetchResult("http://x/rss", 200, 0.1, 10, source="src0"))
    pipeline = Pipeline.default(store)
    pipeline.ingest([story_article(n) for n in range(40)])
    changed = story_article(3)
    changed.text += " تحديث."
    pipeline.ingest([changed])
    store.close()
    return url


def test_sqlite_store_moves_to_postgres_whole(sqlite_url, pg_url):
    report = migrate_store(sqlite_url, pg_url)
    assert report.rows["articles"] == 40 and report.rows["article_versions"] == 1
    old, new = open_store(sqlite_url), open_store(pg_url)
    try:
        assert new.article_count() == 40
        for a in old.iter_articles():
            b = new.get_article(a.id)
            assert (b.url, b.title, b.text, b.published, b.story_id, b.duplicate_group) == (
                a.url,
                a.title,
                a.text,
                a.published,
                a.story_id,
                a.duplicate_group,
            )
            assert [t.slug for t in new.article_tags(a.id)] == [t.slug for t in old.article_tags(a.id)]
        assert {h.id for h in new.search("زلزال", limit=50).hits} == {
            h.id for h in old.search("زلزال", limit=50).hits
        }
        assert new.term_document_frequencies(["زلزال"]) == old.term_document_frequencies(["زلزال"])
        assert [s.id for s in new.top_stories()] == [s.id for s in old.top_stories()]
        assert new.source_health("src0").fetches == 1 and new.get_source("src0").feeds == ["http://x/rss"]
        assert check_store(new).clean, check_store(new).as_dict()
        # new rows get fresh ids after the copied ones
        [outcome] = new.write_articles([story_article(100)])
        assert outcome.article_id > max(a.id for a in old.iter_articles())
    finally:
        old.close()
        new.close()


def test_target_must_be_empty_and_cli_reports(sqlite_url, pg_url):
    result = CliRunner().invoke(app, ["migrate-store", "--from", sqlite_url, "--to", pg_url])
    assert result.exit_code == 0, result.output
    assert "copied" in result.output
    with pytest.raises(StoreError, match="not empty"):
        migrate_store(sqlite_url, pg_url)
    again = CliRunner().invoke(app, ["migrate-store", "--from", sqlite_url, "--to", pg_url])
    assert again.exit_code == 2 and "empty store" in again.output
