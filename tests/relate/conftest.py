"""Real articles for the relate tests: the labelled dev window of ANT (1-2 May 2018, many shared stories)."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.eval.stories import corpus_files, find_articles, load_gold
from akhbar.models import Article


@pytest.fixture(scope="session")
def ant_articles(shared: Path) -> list[Article]:
    """The first 160 articles of the stories dev gold, in publication order."""
    gold = load_gold(shared / "eval" / "stories-ant-dev.jsonl")
    articles, _ = find_articles(gold, corpus_files(shared / "corpora" / "ant-v2.1"))
    return articles[:160]
