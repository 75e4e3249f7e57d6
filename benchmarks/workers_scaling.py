"""Import and crawl throughput on PostgreSQL with 1, 2, 4 `akhbar worker` processes.

- import: N ANT articles enqueued as `ingest` jobs into a fresh schema, then W workers (processes,
  `Worker(...).run(until_idle=True)`) drain the queue. Writing, enriching and relating is the single
  relate lane, so this measures how much W adds (expected: nothing).
- crawl: a replay of N ANT articles (its own process, one port per site so per-host politeness applies
  per site), a poll job per source, W workers with `--concurrency C` crawl it through the relate lane
  until every job is done. `--crawl-delay` sets the per-host politeness delay (0: CPU-bound).

`seconds` and `articles_per_s` run from launching the workers to all of them finding the queue empty
(start-up included); `steady_articles_per_s` runs from the first stored article to the last (start-up
excluded). Every configuration runs `--runs` times on a fresh schema; JSON with
every run and the medians.

    .venv/bin/python benchmarks/workers_scaling.py [--articles 1000] [--runs 3] [--workers 1 2 4]
        [--kinds import crawl] [--crawl-delay 0] [--pg postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
import uuid

import psycopg
from bench_common import ant_corpora, get

from akhbar.corpus import iter_corpus
from akhbar.queue import JobQueue, schedule_due
from akhbar.queue.crawl import ingest_key
from akhbar.queue.payloads import article_payload
from akhbar.sources import sources_from_manifest
from akhbar.store import open_store

SERVER = """
import sys
from akhbar.replay import ReplayServer
server = ReplayServer(sys.argv[2:], sample=int(sys.argv[1]), seed=7, on_error=lambda m: None,
                      per_source_ports=True).start()
print(server.base_url, flush=True)
sys.stdin.read()
server.stop()
"""

WORKER = textwrap.dedent("""
    import sys
    from akhbar.config import load_settings
    from akhbar.queue import Worker
    from akhbar.store import open_store
    store = open_store(sys.argv[1])
    Worker(store, load_settings(), concurrency=int(sys.argv[2]), schedule_every=3600).run(until_idle=True)
    store.close()
""")


def fresh_schema(server: str) -> str:
    """A store URL on a new schema of the server."""
    return f"{server}?schema=bench_{uuid.uuid4().hex[:10]}"


def drop_schema(url: str) -> None:
    """Drop a benchmark schema."""
    server, _, query = url.partition("?")
    schema = query.split("schema=")[1].split("&")[0]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def run_workers(url: str, workers: int, concurrency: int, env: dict[str, str]) -> dict:
    """Start the workers and wait until all of them found the queue empty; wall time and steady-state rate."""
    store = open_store(url)
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(concurrency)],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    first = last = None
    first_count = count = 0
    while any(proc.poll() is None for proc in procs):
        now, seen = time.perf_counter(), store.article_count()
        if seen and first is None:
            first, first_count = now, seen
        if seen != count:
            last, count = now, seen
        time.sleep(0.2)
    wall = time.perf_counter() - started
    failed = JobQueue(store).counts()["failed"]
    count = store.article_count()
    store.close()
    if any(proc.returncode for proc in procs):
        raise SystemExit("a worker failed")
    steady = (count - first_count) / (last - first) if first and last and last > first else None
    return {
        "articles": count,
        "seconds": round(wall, 2),
        "articles_per_s": round(count / wall, 1),
        "first_article_after_s": round(first - started, 2) if first else None,
        "steady_articles_per_s": round(steady, 1) if steady else None,
        "failed_jobs": failed,
    }


def import_once(server: str, articles: list, workers: int, concurrency: int) -> dict:
    """Enqueue the articles as ingest jobs and let the workers drain them."""
    url = fresh_schema(server)
    try:
        store = open_store(url)
        JobQueue(store).enqueue_many(
            "ingest", [(ingest_key(a), {"article": article_payload(a)}) for a in articles]
        )
        store.close()
        return run_workers(url, workers, concurrency, {})
    finally:
        drop_schema(url)


def crawl_once(server: str, manifest: dict, workers: int, concurrency: int, delay: float) -> dict:
    """Queue a poll per source of the replay and let the workers crawl it."""
    url = fresh_schema(server)
    try:
        store = open_store(url)
        for source in sources_from_manifest(manifest):
            store.upsert_source(source)
        schedule_due(store, JobQueue(store))
        store.close()
        env = {"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": str(delay)}
        return run_workers(url, workers, concurrency, env)
    finally:
        drop_schema(url)


def median_of(runs: list[dict]) -> dict:
    """Median seconds and articles/s of some runs."""
    steady = [r["steady_articles_per_s"] for r in runs if r["steady_articles_per_s"]]
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "articles_per_s": statistics.median(r["articles_per_s"] for r in runs),
        "steady_articles_per_s": statistics.median(steady) if steady else None,
    }


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, default=2, help="sources crawled at once per worker")
    parser.add_argument("--kinds", nargs="+", default=["import", "crawl"], choices=["import", "crawl"])
    parser.add_argument("--crawl-delay", type=float, default=0.0)
    parser.add_argument(
        "--pg", default=os.environ.get("AKHBAR_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    )
    args = parser.parse_args()
    corpora = ant_corpora()
    if not corpora:
        raise SystemExit("no ANT corpus: set AKHBAR_SHARED")
    report: dict = {
        "benchmark": "workers_scaling",
        "articles": args.articles,
        "cpus": os.cpu_count(),
        "concurrency": args.concurrency,
        "crawl_delay": args.crawl_delay,
        "runs": args.runs,
    }
    if "import" in args.kinds:
        pool = [line.article for path in corpora for line in iter_corpus(path) if line.article is not None]
        step = max(1, len(pool) // args.articles)
        articles = sorted(
            pool[::step][: args.articles], key=lambda a: a.published.timestamp() if a.published else 0
        )
        report["import"] = {}
        for workers in args.workers:
            runs = [import_once(args.pg, articles, workers, args.concurrency) for _ in range(args.runs)]
            report["import"][workers] = {"runs": runs, "median": median_of(runs)}
            print(
                f"import, {workers} workers: {report['import'][workers]['median']}",
                file=sys.stderr,
                flush=True,
            )
    if "crawl" in args.kinds:
        replay = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(args.articles), *map(str, corpora)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            manifest = json.loads(get(replay.stdout.readline().strip(), "/_replay/manifest"))
            report["sources"] = len(manifest["sources"])
            report["crawl"] = {}
            for workers in args.workers:
                runs = [
                    crawl_once(args.pg, manifest, workers, args.concurrency, args.crawl_delay)
                    for _ in range(args.runs)
                ]
                report["crawl"][workers] = {"runs": runs, "median": median_of(runs)}
                print(
                    f"crawl, {workers} workers: {report['crawl'][workers]['median']}",
                    file=sys.stderr,
                    flush=True,
                )
        finally:
            replay.stdin.close()
            replay.wait(timeout=30)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
