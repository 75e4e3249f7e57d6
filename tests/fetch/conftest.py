"""Fixtures of the crawler tests: a small real corpus served by replay on loopback, and test settings."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.fetch.crawl_helpers import make_settings

from akhbar.config import Settings
from akhbar.replay import ReplayServer

ANT_PER_SOURCE = 4
SAUDI_SOURCES = {"alriyadh": 3, "almadina": 3, "okaz": 2, "sabq": 2}


def first_lines(path: Path, wanted: dict[str, int] | None, per_file: int) -> list[bytes]:
    """The first corpus lines of a file (per source when `wanted` gives counts), read as a stream."""
    taken: dict[str, int] = {}
    lines = []
    with gzip.open(path, "rb") as handle:
        for raw in handle:
            record = json.loads(raw)
            if not record.get("text") or not record.get("title"):
                continue
            source = record["source"]
            limit = per_file if wanted is None else wanted.get(source, 0)
            if taken.get(source, 0) >= limit:
                if wanted is None or all(taken.get(s, 0) >= n for s, n in wanted.items()):
                    break
                continue
            taken[source] = taken.get(source, 0) + 1
            lines.append(raw.rstrip(b"\n"))
    return lines


@pytest.fixture(scope="session")
def small_corpus(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real articles: a few of each ANT source and of four Saudi papers (two served in windows-1256)."""
    lines = []
    for path in sorted((shared / "corpora" / "ant-v2.1").glob("*.jsonl.gz")):
        lines += first_lines(path, None, ANT_PER_SOURCE)
    lines += first_lines(shared / "corpora" / "saudinewsnet" / "articles.jsonl.gz", SAUDI_SOURCES, 0)
    target = tmp_path_factory.mktemp("corpus") / "small.jsonl.gz"
    target.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    return target


@pytest.fixture(scope="session")
def replay_server(small_corpus: Path) -> Iterator[ReplayServer]:
    """One replay server for the session (faults and log reset by the `replay` fixture)."""
    server = ReplayServer([small_corpus], on_error=lambda message: None).start()
    yield server
    server.stop()


@pytest.fixture
def replay(replay_server: ReplayServer) -> Iterator[ReplayServer]:
    """The replay server with no faults and an empty log."""
    replay_server.set_faults(None)
    replay_server.clear_log()
    yield replay_server
    replay_server.set_faults(None)


@pytest.fixture
def crawl_settings() -> Callable[..., Settings]:
    """A factory of crawl settings (keyword overrides by setting name, as strings)."""
    return make_settings
