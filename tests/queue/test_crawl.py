"""A worker crawls like `akhbar crawl`: robots.txt, Akhbar's user agent, conditional GETs, the fetch log."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from akhbar.config import load_settings
from akhbar.queue import JobQueue, Worker, schedule_due
from akhbar.replay import ReplayServer
from akhbar.sources import sources_from_manifest
from akhbar.store import open_store

pytestmark = pytest.mark.postgres

SETTINGS = {"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0", "AKHBAR_BATCH_SIZE": "50"}


def run_worker(store) -> None:
    """One in-process worker until the queue is empty."""
    worker = Worker(
        store, load_settings(env=SETTINGS), concurrency=2, lease=30, scheduler=False, idle_sleep=0.1
    )
    report = worker.run(until_idle=True)
    assert not report.failed, report.summary()


def test_worker_crawls_politely_and_conditionally(shared, pg_url):
    corpora = sorted((shared / "corpora" / "ant-v2.1").glob("*.jsonl.gz"))
    with ReplayServer(corpora, limit_per_source=4, on_error=lambda *_: None) as replay:
        manifest = replay.manifest()
        store = open_store(pg_url)
        for source in sources_from_manifest(manifest):
            store.upsert_source(source)
        queue = JobQueue(store)
        assert schedule_due(store, queue) == len(manifest["sources"])
        replay.clear_log()
        run_worker(store)
        first = replay.request_log()
        assert {a.url for a in store.iter_articles()} == {a["url"] for a in manifest["articles"]}
        assert first[0]["path"] == "/robots.txt"  # robots.txt before anything else
        assert {e["user_agent"] for e in first} == {load_settings().user_agent}
        disallowed = [rule for s in manifest["sources"] for rule in s.get("disallow", [])]
        assert disallowed and not [e for e in first if any(e["path"].startswith(rule) for rule in disallowed)]
        with store.connection() as conn:
            logged = conn.execute("SELECT count(*) AS n FROM fetch_log").fetchone()["n"]
        assert logged >= len(first) - 1  # every fetch recorded (robots.txt aside)

        # polled again: feeds and sitemaps answer 304 to the saved validators, no page is fetched again
        for source in manifest["sources"]:
            queue.enqueue("poll", f"poll:{source['name']}", {"source": source["name"]}, again=True)
        replay.clear_log()
        run_worker(store)
        second = [e for e in replay.request_log() if e["path"] != "/robots.txt"]
        article_paths = {urlsplit(a["url"]).path for a in manifest["articles"]}
        assert second and all(e["conditional"] and e["status"] == 304 for e in second), second[:3]
        assert not article_paths & {e["path"] for e in second}
        assert store.article_count() == len(manifest["articles"])
        store.close()
