"""One crawl pass against hostile replay sites: time, peak RSS and the longest event-loop stall per case.

The replay server runs in its own process; each case crawls it once from a fresh child process (so its
peak RSS is its own) into a fresh SQLite store with the default settings (loopback allowed, no crawl
delay), while a ticker on the crawler's event loop records the longest time the loop could not run (what
`/healthz` would wait under `akhbar run`). Prints one JSON object per case.

    .venv/bin/python benchmarks/crawl_hostile.py [--articles 300] [--cases baseline huge_sitemap ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from bench_common import ant_corpora

SERVER = """
import sys
from akhbar.replay import ReplayServer
server = ReplayServer(sys.argv[2:], sample=int(sys.argv[1]), seed=7, on_error=lambda m: None).start()
print(server.base_url, flush=True)
sys.stdin.read()
server.stop()
"""

CHILD = """
import asyncio, json, resource, sys, tempfile, time
from dataclasses import replace
from akhbar.config import load_settings
from akhbar.fetch import Crawler
from akhbar.sources import sources_from_manifest
from akhbar.store import open_store
import httpx

base, spec = sys.argv[1], sys.argv[2]
httpx.post(base + "/_replay/faults", content=spec.encode())
manifest = httpx.get(base + "/_replay/manifest", timeout=60).json()
settings = replace(load_settings(env={}), allow_private_hosts=True, crawl_delay=0.0, partial_retry_base=0.0)

async def run(store):
    stall = 0.0
    async def ticker():
        nonlocal stall
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            stall = max(stall, time.perf_counter() - before - 0.01)
    tick = asyncio.create_task(ticker())
    async with Crawler(store, settings) as crawler:
        summary = await crawler.run_pass()
    tick.cancel()
    return summary, stall

with tempfile.TemporaryDirectory() as folder:
    store = open_store(f"sqlite:///{folder}/bench.db")
    for source in sources_from_manifest(manifest):
        store.upsert_source(source)
    started = time.perf_counter()
    summary, stall = asyncio.run(run(store))
    elapsed = time.perf_counter() - started
    urls = [a.url for a in store.iter_articles()]
    expected = {a["url"] for a in manifest["articles"]}
    logged = store.rows("SELECT count(*) AS n FROM fetch_log WHERE error IS NOT NULL OR status IS NULL "
                        "OR status >= 400")[0]["n"]
    store.close()
print(json.dumps({"seconds": round(elapsed, 2), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF)
                  .ru_maxrss / 1024, 1), "max_loop_stall_ms": round(stall * 1000, 1),
                  "stored": len(urls), "twice": len(urls) - len(set(urls)), "missing": len(expected - set(urls)),
                  "deferred": summary.deferred, "documents": summary.documents, "fetch_log_errors": logged}))
"""

CASES = {
    "baseline": "",
    "self_index": "self_index",
    "huge_sitemap": "huge_sitemap",
    "huge_sitemap_cut": "huge_sitemap_cut",
    "json_deep": "json_deep",
    "json_surrogate": "json_surrogate",
    "bad_pages": "empty_page=0.1,deep_html=0.1,redirect_chain=0.1,length_lie=0.1,jsonld_deep=0.1,jsonld_surrogate=0.1",
}


@contextmanager
def replay_process(articles: int) -> Iterator[str]:
    """A replay server of `articles` ANT articles in its own process; yields its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(articles), *map(str, ant_corpora())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield server.stdout.readline().strip()
    finally:
        server.stdin.close()
        server.wait(timeout=30)


def main() -> None:
    """Run the cases and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    args = parser.parse_args()
    with replay_process(args.articles) as base:
        for case in args.cases:
            run = subprocess.run(
                [sys.executable, "-c", CHILD, base, CASES[case]], capture_output=True, text=True, check=False
            )
            if run.returncode != 0:
                print(json.dumps({"case": case, "error": run.stderr[-2000:]}), flush=True)
                continue
            print(
                json.dumps(
                    {"case": case, "faults": CASES[case], **json.loads(run.stdout.strip().splitlines()[-1])},
                    ensure_ascii=False,
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
