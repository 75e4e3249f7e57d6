"""Fixtures of the enrich tests: a store holding ANT's tag statistics where the enrich stage keeps them."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.enrich.stage import count_articles
from akhbar.ingest import merged_lines
from akhbar.pipeline import clean_article
from akhbar.store import open_store

FULL_STORE = "ant_store_url"


def full_store_needed(session: pytest.Session) -> bool:
    """True when some test of this run uses the shared full ANT store (so it is built anyway)."""
    return any(FULL_STORE in getattr(item, "fixturenames", ()) for item in session.items)


@pytest.fixture(scope="session")
def ant_stats_url(
    request: pytest.FixtureRequest, shared: Path, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """URL of a store whose stage state `enrich.stats` counts all of ANT, as the enrich stage reads it.

    When another test of the run needs the shared full ANT store (`ant_store_url`), that store is the
    one: its import went through the enrich stage, which saved the statistics, and ANT is never built
    twice. Otherwise only the statistics are counted, by the stage's own code: about 1 min of CPU
    against about 6 for the full import, whose relate stage dominates it.
    """
    if full_store_needed(request.session):
        return request.getfixturevalue(FULL_STORE)
    files = sorted((shared / "corpora" / "ant-v2.1").glob("*.jsonl.gz"))
    if not files:
        pytest.skip(f"ANT corpus not found under {shared}")
    tagger = count_articles(clean_article(line.article) for line in merged_lines(files) if line.article)
    url = f"sqlite:///{tmp_path_factory.mktemp('ant-stats') / 'ant.db'}"
    store = open_store(url)
    with store.transaction():
        tagger.stats.save(store)
    store.close()
    return url
