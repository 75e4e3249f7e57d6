"""Fixtures of the enrich tests: corpus statistics of ANT, built once per session by the stage's own code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from akhbar.enrich.stage import count_articles
from akhbar.ingest import merged_lines
from akhbar.pipeline import clean_article
from akhbar.store import Store, open_store


@pytest.fixture(scope="session")
def ant_store(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store holding the tag statistics of the whole ANT corpus (counted as the enrich stage counts)."""
    files = sorted((shared / "corpora" / "ant-v2.1").glob("*.jsonl.gz"))
    if not files:
        pytest.skip(f"ANT corpus not found under {shared}")
    tagger = count_articles(clean_article(line.article) for line in merged_lines(files) if line.article)
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('ant') / 'ant.db'}")
    with store.transaction():
        tagger.stats.save(store)
    yield store
    store.close()
