"""`/healthz` latency while `akhbar run` crawls hostile sites in the same process (the issue's goal: < 100 ms
while the crawler parses the largest sitemap).

The replay server runs in its own process with a fault on every source (default `huge_sitemap`: 100,000
URLs per sitemap). A second process runs `akhbar run`'s supervisor (crawl loop and web server in one event
loop) on a fresh SQLite store holding the replay's sources; this process asks `/healthz` every 50 ms for
`--seconds` and prints the latencies (median, p95, max, how many over 100 ms) per run, then the medians.

    .venv/bin/python benchmarks/healthz_under_crawl.py [--articles 300] [--faults huge_sitemap] [--seconds 40]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time

import httpx
from crawl_hostile import replay_process

RUN = """
import asyncio, sys, tempfile
from dataclasses import replace
import httpx
from akhbar.config import load_settings
from akhbar.sources import sources_from_manifest
from akhbar.store import open_store
from akhbar.supervisor import run_all

base, spec, port, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
httpx.post(base + "/_replay/faults", content=spec.encode())
manifest = httpx.get(base + "/_replay/manifest", timeout=60).json()
with tempfile.TemporaryDirectory() as folder:
    settings = replace(load_settings(env={}), db=f"sqlite:///{folder}/run.db", allow_private_hosts=True,
                       crawl_delay=0.0, partial_retry_base=0.0)
    store = open_store(settings.db)
    for source in sources_from_manifest(manifest):
        store.upsert_source(source)
    store.close()

    async def main():
        shutdown = asyncio.Event()
        asyncio.get_running_loop().call_later(seconds, shutdown.set)
        await run_all(settings, "127.0.0.1", port, shutdown=shutdown)

    asyncio.run(main())
"""


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, limit: float = 60.0) -> None:
    """Wait until the site answers."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {limit:g} s")


def one_run(base: str, faults: str, seconds: float) -> dict[str, float]:
    """Latencies of /healthz while one `akhbar run` crawls the hostile replay."""
    port = free_port()
    child = subprocess.Popen([sys.executable, "-c", RUN, base, faults, str(port), str(seconds + 15)])
    url = f"http://127.0.0.1:{port}/healthz"
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    try:
        wait_for(url)
        with httpx.Client(timeout=10.0) as client:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                started = time.perf_counter()
                status = client.get(url).status_code
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
                time.sleep(0.05)
    finally:
        child.wait(timeout=seconds + 120)
    latencies.sort()
    return {
        "requests": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "max_ms": round(latencies[-1], 1),
        "over_100_ms": sum(1 for v in latencies if v > 100),
        "statuses": statuses,
    }


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--faults", default="huge_sitemap")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with replay_process(args.articles) as base:
        runs = [one_run(base, args.faults, args.seconds) for _ in range(args.runs)]
    for run in runs:
        print(json.dumps(run))
    summary = {
        key: statistics.median(r[key] for r in runs) for key in ("p50_ms", "p95_ms", "max_ms", "over_100_ms")
    }
    print(json.dumps({"faults": args.faults, "runs": args.runs, "median_of_runs": summary}))


if __name__ == "__main__":
    main()
