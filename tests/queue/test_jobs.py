"""The job queue: idempotent keys, leases, retries, SKIP LOCKED, and the relate lane."""

from __future__ import annotations

import threading
import time

import pytest

from akhbar.errors import ConfigError
from akhbar.models import Article
from akhbar.pipeline import Pipeline
from akhbar.queue import JobQueue, schedule_due
from akhbar.queue.lane import EPOCH_STATE, LaneLost, RelateLane
from akhbar.queue.payloads import article_from_payload, article_payload
from akhbar.store import open_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_url):
    """A PostgreSQL store on a fresh schema."""
    store = open_store(pg_url)
    yield store
    store.close()


def test_queue_needs_postgres(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    with pytest.raises(ConfigError, match="PostgreSQL"):
        JobQueue(store)
    store.close()


def test_keys_make_enqueue_idempotent(pg):
    queue = JobQueue(pg)
    assert queue.enqueue("poll", "poll:a", {"source": "a"})
    assert not queue.enqueue("poll", "poll:a", {"source": "a"})
    assert queue.enqueue_many("fetch", [("fetch:1", {}), ("fetch:2", {}), ("fetch:1", {})][:2]) == 2
    assert queue.enqueue_many("fetch", [("fetch:1", {}), ("fetch:3", {})]) == 1
    job = queue.take("w1", ["poll"])
    assert not queue.enqueue("poll", "poll:a", {"source": "a"}, again=True)  # running: left alone
    queue.complete(job)
    assert queue.enqueue("poll", "poll:a", {"source": "a"}, again=True)  # done: queued again
    assert queue.counts() == {"queued": 4, "running": 0, "done": 0, "failed": 0}


def test_expired_lease_is_taken_again(pg):
    queue = JobQueue(pg)
    queue.enqueue("fetch", "fetch:x", {"url": "x"})
    first = queue.take("dead-worker", lease=0.2)
    assert first is not None and queue.take("w2") is None
    time.sleep(0.4)
    again = queue.take("w2")
    assert again.id == first.id and again.attempts == 2
    queue.complete(again)
    assert queue.counts()["done"] == 1
    assert queue.extend([first.id], "dead-worker") == 0  # the dead worker's lease is gone


def test_failures_back_off_then_give_up(pg):
    queue = JobQueue(pg)
    queue.enqueue("fetch", "fetch:bad", {}, max_attempts=2)
    job = queue.take("w")
    assert queue.fail(job, "boom") == "queued"
    assert queue.take("w") is None  # backing off
    with pg.connection() as conn:
        conn.execute("UPDATE jobs SET run_at = now()")
    job = queue.take("w")
    assert job.attempts == 2 and queue.fail(job, "boom again") == "failed"
    assert queue.failures()[0]["last_error"] == "boom again"


def test_concurrent_takers_never_share_a_job(pg_url):
    stores = [open_store(pg_url) for _ in range(4)]
    JobQueue(stores[0]).enqueue_many("fetch", [(f"fetch:{i}", {"i": i}) for i in range(200)])
    taken: list[list[int]] = [[] for _ in stores]

    def take_all(n):
        queue = JobQueue(stores[n])
        while (job := queue.take(f"w{n}")) is not None:
            taken[n].append(job.payload["i"])
            queue.complete(job)

    threads = [threading.Thread(target=take_all, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for part in taken for i in part]
    assert sorted(everything) == list(range(200))
    for s in stores:
        s.close()


def test_article_payload_round_trip():
    from datetime import UTC, datetime

    article = Article(
        "http://x/1",
        "عنوان",
        "نص",
        "src",
        published=datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
        external_id="E1",
        partial=True,
    )
    back = article_from_payload(article_payload(article))
    assert back == article


def test_relate_lane_is_held_by_one_worker_and_fences_a_stale_holder(pg_url):
    stores = [open_store(pg_url) for _ in range(2)]
    queues = [JobQueue(s) for s in stores]
    lanes = [
        RelateLane(s, q, f"w{i}", lambda st: Pipeline(st))
        for i, (s, q) in enumerate(zip(stores, queues, strict=True))
    ]
    assert lanes[0].holding() and not lanes[1].holding()
    for n in range(5):
        article = Article(f"http://x/{n}", f"خبر {n}", "نص الخبر", "src", external_id=f"E{n}")
        queues[0].enqueue("ingest", f"ingest:{n}", {"article": article_payload(article)})
    assert lanes[0].run_batch(lease=60) == 5
    assert stores[1].article_count() == 5 and queues[1].counts()["done"] == 5
    # the holder's lock session dies: the other worker takes over with a new epoch
    lanes[0].conn.close()
    assert lanes[1].holding() and stores[1].get_state(EPOCH_STATE) == "2"
    queues[0].enqueue(
        "ingest", "ingest:late", {"article": article_payload(Article("http://x/late", "خبر", "نص", "src"))}
    )
    lanes[0].conn = lanes[1].conn  # pretend the stale holder still thinks it holds the lane
    with pytest.raises(LaneLost):
        lanes[0].run_batch(lease=0.1)
    assert stores[0].article_count() == 5  # nothing written by the stale holder
    time.sleep(0.2)
    assert lanes[1].run_batch(lease=60) == 1 and stores[1].article_count() == 6
    lanes[1].release()
    for s in stores:
        s.close()


def test_scheduler_enqueues_due_sources_once(pg):
    from datetime import UTC, datetime, timedelta

    from akhbar.models import Source
    from akhbar.queue.scheduler import due_sources

    pg.upsert_source(Source("a", "أ"))
    pg.upsert_source(Source("b", "ب", enabled=False))
    queue = JobQueue(pg)
    assert schedule_due(pg, queue) == 1 and schedule_due(pg, queue) == 0
    state = pg.source_state("a")
    state.pop("next_poll_at")
    pg.save_source_state("a", state, datetime.now(UTC) + timedelta(minutes=15))
    assert due_sources(pg) == [] and due_sources(pg, datetime.now(UTC) + timedelta(hours=1)) == ["a"]


def test_put_back_returns_jobs_without_using_an_attempt(pg):
    queue = JobQueue(pg)
    queue.enqueue("poll", "poll:a", {"source": "a"}, max_attempts=1)
    job = queue.take("w1")
    assert queue.put_back([job], "someone-else") == 0  # only the holder can hand a job back
    assert queue.put_back([job], "w1", delay=0) == 1
    again = queue.take("w2")
    assert again.id == job.id and again.attempts == 1  # still its first (and only allowed) attempt
    assert queue.fail(again, "a real failure") == "failed"


def test_connection_errors_are_told_from_job_errors():
    import psycopg

    from akhbar.errors import StoreError
    from akhbar.queue.jobs import is_connection_error

    assert is_connection_error(psycopg.OperationalError("server closed the connection"))
    wrapped = StoreError("PostgreSQL: gone")
    wrapped.__cause__ = psycopg.errors.AdminShutdown("terminating connection")
    assert is_connection_error(wrapped)
    assert not is_connection_error(psycopg.errors.UniqueViolation("duplicate key"))
    assert not is_connection_error(ValueError("bad feed"))


def test_each_schema_has_its_own_relate_lane(pg_url):
    other = pg_url.replace("?schema=", "?schema=other_")
    stores = [open_store(pg_url), open_store(other)]
    lanes = [RelateLane(s, JobQueue(s), f"w{i}", lambda st: Pipeline(st)) for i, s in enumerate(stores)]
    try:
        assert lanes[0].holding() and lanes[1].holding()  # two instances sharing a database both relate
    finally:
        for lane in lanes:
            lane.release()
        for s in stores:
            s.close()
        import psycopg

        with psycopg.connect(pg_url.partition("?")[0], autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{other.partition("schema=")[2]}" CASCADE')
