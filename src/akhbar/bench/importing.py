"""`akhbar bench import`: import throughput and peak RSS into a fresh store, and search latency on it."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from akhbar import text as analyzer
from akhbar.corpus import iter_corpus
from akhbar.store import open_store


def timed_import(files: Sequence[Path], db_url: str, store_only: bool = False) -> dict:
    """Run `akhbar import` in a child process; its wall time, CPU time, summary and peak RSS."""
    started = time.perf_counter()
    flags = ["--store-only"] if store_only else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "akhbar", "import", "--db", db_url, "-q", *flags, *map(str, files)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out = proc.stdout.read().decode() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise RuntimeError(f"import failed: {err[-2000:]}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "summary": out.strip().splitlines()[-1],
    }


def sample_queries(files: Sequence[Path], count: int, seed: int = 7) -> list[str]:
    """Queries of 1–3 consecutive content words drawn from article titles."""
    rng = random.Random(seed)
    titles = [line.article.title for path in files for line in iter_corpus(path) if line.article]
    queries: list[str] = []
    while len(queries) < count and titles:
        words = [t.text for t in analyzer.tokens(rng.choice(titles)) if analyzer.term_of(t.key)]
        if not words:
            continue
        size = rng.randint(1, min(3, len(words)))
        start = rng.randint(0, len(words) - size)
        queries.append(" ".join(words[start : start + size]))
    return queries


def search_latency(db_url: str, queries: Sequence[str]) -> dict:
    """p50/p95 of store.search over the queries (after one warm-up pass over a few)."""
    store = open_store(db_url)
    for query in queries[:10]:
        store.search(query, limit=10)
    times = []
    for query in queries:
        started = time.perf_counter()
        store.search(query, limit=10)
        times.append((time.perf_counter() - started) * 1000)
    store.close()
    times.sort()
    return {
        "queries": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
        "max_ms": round(times[-1], 2),
    }


def run_import_bench(
    files: Sequence[Path], runs: int = 3, search_queries: int = 200, store_only: bool = False
) -> dict:
    """Median of `runs` fresh imports, then search latency on the last store."""
    articles = sum(1 for path in files for line in iter_corpus(path) if line.article)
    results = []
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-") as folder:
        for run in range(runs):
            db_url = f"sqlite:///{Path(folder) / f'run{run}.db'}"
            results.append(timed_import(files, db_url, store_only))
        latency = search_latency(db_url, sample_queries(files, search_queries))
        size = open_store(db_url).stats()["bytes"]
    seconds = statistics.median(r["seconds"] for r in results)
    cpu = statistics.median(r["cpu_seconds"] for r in results)
    return {
        "files": [str(f) for f in files],
        "stages": "store and index only" if store_only else "all (enrich, relate)",
        "articles": articles,
        "runs": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()} for r in results],
        "median_seconds": round(seconds, 2),
        "articles_per_second": round(articles / seconds, 1),
        "articles_per_cpu_second": round(articles / cpu, 1),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in results), 1),
        "store_mb": round(size / 1e6, 1),
        "search": latency,
    }
