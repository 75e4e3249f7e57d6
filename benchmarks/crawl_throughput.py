"""Crawl throughput of a replay of N ANT articles, against trafilatura-only extraction of the same pages.

The replay server runs in its own process (pinned to CPU 0 where possible); this process crawls it with
`akhbar.fetch.Crawler` into a fresh SQLite store (fetch, extract, the default pipeline's stages, store),
then extracts the same pages, already fetched, with `trafilatura.extract` alone, single-threaded. The
ratio is crawl articles/s over trafilatura pages/s. Prints JSON with every run and the medians.

    .venv/bin/python benchmarks/crawl_throughput.py [--articles 2000] [--runs 3] [--no-stages]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from urllib.parse import urlsplit

import trafilatura
from bench_common import ant_corpora, get

from akhbar.config import load_settings
from akhbar.fetch import Crawler
from akhbar.pipeline import Pipeline
from akhbar.sources import sources_from_manifest
from akhbar.store import open_store

SERVER = """
import os, sys
from akhbar.replay import ReplayServer
if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
    os.sched_setaffinity(0, {0})
server = ReplayServer(sys.argv[2:], sample=int(sys.argv[1]), seed=7, on_error=lambda m: None).start()
print(server.base_url, server.catalog.size, flush=True)
sys.stdin.read()
server.stop()
"""


def crawl_once(manifest: dict, stages: bool) -> dict:
    """Crawl the replay into a fresh store; articles stored per second."""
    settings = replace(load_settings(), allow_private_hosts=True, crawl_delay=0.0)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{folder}/bench.db")
        for source in sources_from_manifest(manifest):
            store.upsert_source(source)
        pipeline = Pipeline.default(store) if stages else Pipeline(store, [])

        async def run():
            async with Crawler(store, settings, pipeline=pipeline) as crawler:
                return await crawler.run_pass()

        started = time.perf_counter()
        summary = asyncio.run(run())
        elapsed = time.perf_counter() - started
        stored = store.article_count()
        store.close()
    return {
        "articles": stored,
        "seconds": round(elapsed, 2),
        "articles_per_s": round(stored / elapsed, 1),
        "partial": summary.partial,
        "failed": summary.failed,
    }


def trafilatura_once(pages: list[str]) -> dict:
    """trafilatura.extract over already fetched pages; pages per second."""
    started = time.perf_counter()
    for html in pages:
        trafilatura.extract(html)
    elapsed = time.perf_counter() - started
    return {"pages": len(pages), "seconds": round(elapsed, 2), "pages_per_s": round(len(pages) / elapsed, 1)}


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-stages", action="store_true", help="store without the enrich/relate stages")
    args = parser.parse_args()
    corpora = ant_corpora()
    if not corpora:
        raise SystemExit("no ANT corpus: set AKHBAR_SHARED")
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(args.articles), *map(str, corpora)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base, size = server.stdout.readline().split()
        manifest = json.loads(get(base, "/_replay/manifest"))
        pages = [get(base, urlsplit(a["url"]).path).decode("utf-8", "replace") for a in manifest["articles"]]
        runs = []
        for _ in range(args.runs):
            crawl = crawl_once(manifest, not args.no_stages)
            baseline = trafilatura_once(pages)
            runs.append(
                {
                    "crawl": crawl,
                    "trafilatura": baseline,
                    "ratio": round(crawl["articles_per_s"] / baseline["pages_per_s"], 2),
                }
            )
        print(
            json.dumps(
                {
                    "benchmark": "crawl_throughput",
                    "articles": int(size),
                    "stages": not args.no_stages,
                    "cpus": os.cpu_count(),
                    "runs": runs,
                    "median_crawl_articles_per_s": statistics.median(
                        r["crawl"]["articles_per_s"] for r in runs
                    ),
                    "median_trafilatura_pages_per_s": statistics.median(
                        r["trafilatura"]["pages_per_s"] for r in runs
                    ),
                    "median_ratio": statistics.median(r["ratio"] for r in runs),
                },
                indent=2,
            )
        )
    finally:
        server.stdin.close()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
