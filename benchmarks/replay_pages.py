"""Pages per second that `akhbar replay` serves on one core (target: at least 500).

The server runs in its own process pinned to one CPU; the client, in this process pinned to another
CPU where there is one, fetches shuffled article pages over keep-alive connections from a few threads.
Prints JSON with every run, the median (3 runs by default), and the server's corpus load time and
peak RSS (all shared corpora by default: 62k articles).

    .venv/bin/python benchmarks/replay_pages.py [--corpus FILE ...] [--pages 3000] [--runs 3] [--threads 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench_common import shared_corpora

SERVER = """
import os, resource, sys, time
from akhbar.replay import ReplayServer
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {0})
started = time.perf_counter()
server = ReplayServer(sys.argv[1:], on_error=lambda m: None).start()
load = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(server.base_url, server.catalog.size, round(load, 1), rss, flush=True)
sys.stdin.read()
server.stop()
"""


def fetch_all(base: str, paths: list[str], threads: int) -> tuple[float, int, int]:
    """Fetch every path over `threads` keep-alive connections; (seconds, pages, bytes)."""
    parts = urlsplit(base)
    chunks = [paths[i::threads] for i in range(threads)]
    totals = [0] * threads
    failures: list[str] = []

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        for path in chunks[index]:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                failures.append(f"{path}: {response.status}")
            totals[index] += len(body)
        connection.close()

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} pages failed, e.g. {failures[0]}")
    return elapsed, len(paths), sum(totals)


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="*", type=Path, default=None)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    corpora = args.corpus or shared_corpora()
    if not corpora:
        raise SystemExit("no corpus files: pass --corpus or set AKHBAR_SHARED")
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, *map(str, corpora)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base, size, load_seconds, rss_mb = server.stdout.readline().split()
        connection = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port, timeout=120)
        connection.request("GET", "/_replay/manifest")
        manifest = json.loads(connection.getresponse().read())
        paths = [urlsplit(a["url"]).path for a in manifest["articles"]]
        rng = random.Random(0)
        runs = []
        for _ in range(args.runs):
            sample = rng.sample(paths, min(args.pages, len(paths)))
            elapsed, pages, size_bytes = fetch_all(base, sample, args.threads)
            runs.append(
                {
                    "pages": pages,
                    "seconds": round(elapsed, 3),
                    "pages_per_s": round(pages / elapsed, 1),
                    "mean_page_bytes": size_bytes // pages,
                }
            )
        print(
            json.dumps(
                {
                    "benchmark": "replay_pages",
                    "corpus_articles": int(size),
                    "load_seconds": float(load_seconds),
                    "server_peak_rss_mb": int(rss_mb),
                    "threads": args.threads,
                    "server_cpus": 1,
                    "runs": runs,
                    "median_pages_per_s": statistics.median(r["pages_per_s"] for r in runs),
                },
                indent=2,
            )
        )
    finally:
        server.stdin.close()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
