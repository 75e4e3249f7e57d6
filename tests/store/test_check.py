"""`akhbar check` on both backends: a clean store passes; damage is found and repaired."""

from __future__ import annotations

import pytest
from store_articles import story_article

from akhbar.check import check_store
from akhbar.models import Tag
from akhbar.pipeline import Pipeline
from akhbar.store import open_store


@pytest.fixture
def filled(store):
    """A store holding 30 articles taken in through the pipeline."""
    Pipeline.default(store).ingest([story_article(n) for n in range(30)])
    return store


def test_a_pipeline_store_is_clean(filled):
    report = check_store(filled)
    assert report.clean, report.as_dict()


def test_damage_is_found_and_repaired(filled):
    first = filled.latest_articles(limit=1)[0]
    hits_before = filled.search("كوريا").total
    with filled.transaction():
        # the terms row goes behind the full-text index's back; an article points to a story that is gone
        filled.run("DELETE FROM article_terms WHERE article_id = ?", (first.id,))
        filled.run("UPDATE articles SET story_id = 999999 WHERE id = ?", (first.id,))
    filled.set_article_tags(first.id, [Tag("x", "اختبار")])
    with filled.transaction():
        filled.run("UPDATE tags SET article_count = 7")
    found = check_store(filled)
    names = {p.name for p in found.problems}
    assert {"articles without index terms", "articles in a missing story", "tag article counts"} <= names
    assert not any(p.repaired for p in found.problems)
    repaired = check_store(filled, repair=True)
    assert repaired.problems and not repaired.unrepaired
    assert check_store(filled).clean, check_store(filled).as_dict()
    assert filled.search("كوريا").total == hits_before
    assert filled.get_tag("x").score == len(filled.articles_with_tag("x", limit=100))


def test_cli_check_exit_codes(filled, store_url):
    from typer.testing import CliRunner

    from akhbar.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["check", "--db", store_url]).exit_code == 0
    other = open_store(store_url)
    with other.transaction():
        other.run("UPDATE articles SET story_id = 999999")
    other.close()
    result = runner.invoke(app, ["check", "--db", store_url, "--json"])
    assert result.exit_code == 1 and '"articles in a missing story"' in result.output
    assert runner.invoke(app, ["check", "--db", store_url, "--repair"]).exit_code == 0
    assert runner.invoke(app, ["check", "--db", store_url]).exit_code == 0
