"""Three worker processes and the scheduler against a replay of over 1,000 articles, one killed with -9.

Every article of the replay ends up stored exactly once, `akhbar check` is clean, and the stories are
compared with a single-process run over the same articles in publication order (B-cubed F1).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from akhbar.check import check_store
from akhbar.eval.stories import bcubed
from akhbar.pipeline import Pipeline
from akhbar.queue import JobQueue, schedule_due
from akhbar.replay import ReplayServer
from akhbar.sources import sources_from_manifest
from akhbar.store import open_store

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WORKER = textwrap.dedent("""
    import sys
    from akhbar.config import load_settings
    from akhbar.queue import Worker
    from akhbar.store import open_store
    store = open_store(sys.argv[1])
    report = Worker(store, load_settings(), concurrency=2, lease=float(sys.argv[2]), schedule_every=5).run(until_idle=True)
    print(report.summary(), flush=True)
    store.close()
""")


def bcubed_f1(a: dict[str, int], b: dict[str, int]) -> float:
    """B-cubed F1 of clustering `a` against clustering `b` (item -> cluster) over their common items."""
    items = sorted(set(a) & set(b))
    precision, recall = bcubed({i: a[i] for i in items}, {i: b[i] for i in items})
    return 2 * precision * recall / (precision + recall)


def start_worker(url: str, lease: float) -> subprocess.Popen:
    """One worker process."""
    env = {
        **os.environ,
        "AKHBAR_BATCH_SIZE": "100",
        "AKHBAR_ALLOW_PRIVATE_HOSTS": "1",
        "AKHBAR_CRAWL_DELAY": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, url, str(lease)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def test_three_workers_one_killed_store_every_article_once(shared, pg_url, tmp_path):
    corpora = sorted((shared / "corpora" / "ant-v2.1").glob("*.jsonl.gz"))
    with ReplayServer(corpora, sample=1100, seed=7) as replay:
        manifest = replay.manifest()
        expected = {a["url"] for a in manifest["articles"]}
        assert len(expected) >= 1000
        store = open_store(pg_url)
        for source in sources_from_manifest(manifest):
            store.upsert_source(source)
        queue = JobQueue(store)
        assert schedule_due(store, queue) == len(manifest["sources"])
        workers = [start_worker(pg_url, lease=4.0) for _ in range(3)]
        deadline = time.monotonic() + 900
        while store.article_count() < 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        victim = next(w for w in workers if w.poll() is None)
        victim.send_signal(signal.SIGKILL)  # mid-run: it may hold the relate lane and running jobs
        victim.wait()
        workers.append(start_worker(pg_url, lease=4.0))  # a replacement, as systemd would start
        outputs = []
        for w in workers[1:] if workers[0] is victim else [w for w in workers if w is not victim]:
            out, _ = w.communicate(timeout=max(1, deadline - time.monotonic()))
            outputs.append(out)
        assert queue.counts()["queued"] == 0 and queue.counts()["running"] == 0, outputs
        stored = {a.url for a in store.iter_articles()}
        failed = queue.failures(limit=50)
        assert stored == expected, (len(stored), len(expected), failed[:3])
        assert store.article_count() == len(expected)  # exactly once
        assert check_store(store).clean, check_store(store).as_dict()

        # the same articles, one process, publication order
        single = open_store(f"sqlite:///{tmp_path / 'single.db'}")
        articles = list(store.iter_articles())
        for article in articles:
            article.id, article.story_id, article.duplicate_group = None, None, None
        pipeline = Pipeline.default(single)
        for start in range(0, len(articles), 100):
            pipeline.ingest(articles[start : start + 100])
        distributed = {a.url: a.story_id for a in store.iter_articles()}
        one = {a.url: a.story_id for a in single.iter_articles()}
        assert None not in distributed.values() and None not in one.values()
        agreement = bcubed_f1(distributed, one)
        print(
            f"stories: {len(set(distributed.values()))} distributed, {len(set(one.values()))} single; "
            f"B-cubed F1 between them {agreement:.3f}"
        )
        assert agreement > 0.8
        single.close()
        store.close()
