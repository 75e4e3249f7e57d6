"""kill -9 of `akhbar crawl` on SQLite mid-run, then a re-run: every article stored once, `akhbar check` clean."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from akhbar.models import Source
from akhbar.replay import ReplayServer
from akhbar.store import open_store

pytestmark = pytest.mark.slow

CRAWL_ENV = {"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0", "AKHBAR_PARTIAL_RETRY_BASE": "0"}


def akhbar(*args: str) -> subprocess.Popen:
    """Start the akhbar command in a subprocess."""
    return subprocess.Popen(
        [sys.executable, "-m", "akhbar", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **CRAWL_ENV},
    )


def stored_count(db) -> int:
    """Articles committed so far (0 while the database is not there yet)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_kill_9_during_crawl_then_rerun_is_complete_without_duplicates(shared, tmp_path):
    corpora = sorted((shared / "corpora" / "ant-v2.1").glob("*.jsonl.gz"))
    db = tmp_path / "crawl.db"
    url = f"sqlite:///{db}"
    with ReplayServer(corpora, sample=400, seed=11, on_error=lambda *_: None) as replay:
        manifest = replay.manifest()
        expected = {a["url"] for a in manifest["articles"]}
        store = open_store(url)
        for s in manifest["sources"]:
            store.upsert_source(
                Source(
                    s["name"],
                    s.get("title") or s["name"],
                    home=s["home"],
                    feeds=s["feeds"],
                    sitemaps=s["sitemaps"],
                )
            )
        store.close()

        first = akhbar("crawl", "--once", "--db", url)
        deadline = time.monotonic() + 300
        while first.poll() is None and stored_count(db) < 100 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first.poll() is None, (
            "the crawl ended before it could be killed: " + first.communicate()[0][-2000:]
        )
        first.send_signal(signal.SIGKILL)  # mid-run: batches in flight, some sources' states unsaved
        first.wait()
        killed_at = stored_count(db)
        assert 0 < killed_at < len(expected)

        rerun = akhbar("crawl", "--once", "--db", url)
        output = rerun.communicate(timeout=600)[0]
        assert rerun.returncode == 0, output[-2000:]

    conn = sqlite3.connect(db)
    urls = [row[0] for row in conn.execute("SELECT url FROM articles")]
    conn.close()
    assert len(urls) == len(set(urls))  # no duplicates
    assert set(urls) == expected, (len(set(urls) - expected), len(expected - set(urls)))  # complete
    check = subprocess.run(
        [sys.executable, "-m", "akhbar", "check", "--db", url, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
