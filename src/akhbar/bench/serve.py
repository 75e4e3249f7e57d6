"""`akhbar bench serve`: load on `akhbar serve` from another process — a mix of pages, API and feeds.

The server runs as its own `akhbar serve` process on a free port (or an already running one is given);
N closed-loop clients (httpx, asyncio) request for D seconds a mix of home, article, search, API and
feed URLs. Reported per kind: requests, errors, p50/p95/p99 latency; overall requests per second.
Several runs give medians.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

from akhbar import text as analyzer
from akhbar.store import open_store

# kind, weight
MIX = (
    ("home", 15),
    ("article", 30),
    ("search", 20),
    ("api_articles", 10),
    ("api_article", 10),
    ("api_search", 5),
    ("feed", 10),
)


@dataclass
class Targets:
    """What the clients ask for: article ids and search queries drawn from the store."""

    article_ids: list[int]
    queries: list[str]
    categories: list[str] = field(default_factory=list)


def pick_targets(db_url: str, articles: int = 5000, queries: int = 3000, seed: int = 11) -> Targets:
    """Random articles, and 1–2 word queries taken from their titles."""
    rng = random.Random(seed)
    store = open_store(db_url)
    try:
        count = store.article_count()
        ids = sorted(rng.sample(range(1, count + 1), min(articles, count)))
        found = store.get_articles(ids)
    finally:
        store.close()
    words_per_title = [[t.text for t in analyzer.tokens(a.title) if analyzer.term_of(t.key)] for a in found]
    chosen: list[str] = []
    pool = [w for w in words_per_title if w]
    while pool and len(chosen) < queries:
        words = rng.choice(pool)
        size = rng.randint(1, min(2, len(words)))
        start = rng.randint(0, len(words) - size)
        chosen.append(" ".join(words[start : start + size]))
    categories = sorted({a.category for a in found if a.category})
    return Targets([a.id for a in found if a.id is not None], chosen, categories)


def next_url(kind: str, targets: Targets, rng: random.Random) -> str:
    """One request path of a kind."""
    if kind == "home":
        if targets.categories and rng.random() < 0.3:
            return f"/?category={rng.choice(targets.categories)}"
        return "/"
    if kind == "article":
        return f"/articles/{rng.choice(targets.article_ids)}"
    if kind == "search":
        return f"/search?q={quote(rng.choice(targets.queries))}"
    if kind == "api_articles":
        return "/api/v1/articles?limit=20"
    if kind == "api_article":
        return f"/api/v1/articles/{rng.choice(targets.article_ids)}"
    if kind == "api_search":
        return f"/api/v1/search?q={quote(rng.choice(targets.queries))}&limit=10"
    return "/feed.xml"


async def client_loop(
    client: httpx.AsyncClient,
    targets: Targets,
    deadline: float,
    seed: int,
    times: dict[str, list[float]],
    errors: dict[str, int],
    reasons: dict[str, int],
) -> None:
    """One closed-loop client: request, wait for the answer, request again, until the deadline."""
    rng = random.Random(seed)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    while time.perf_counter() < deadline:
        kind = rng.choices(kinds, weights)[0]
        started = time.perf_counter()
        try:
            response = await client.get(next_url(kind, targets, rng))
            reason = "" if response.status_code == 200 else f"{kind}: HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            reason = f"{kind}: {type(exc).__name__}"
        elapsed = time.perf_counter() - started
        if not reason:
            times[kind].append(elapsed)
        else:
            errors[kind] += 1
            reasons[reason] += 1


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0–1) of values, in milliseconds."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def load(base_url: str, targets: Targets, clients: int, seconds: float) -> dict:
    """Run the clients for `seconds` and summarise."""
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    reasons: dict[str, int] = defaultdict(int)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0) as client:
        await client.get("/healthz")
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(client_loop(client, targets, deadline, i, times, errors, reasons) for i in range(clients))
        )
        wall = time.perf_counter() - started
    kinds = {}
    for kind, _ in MIX:
        values = times.get(kind, [])
        kinds[kind] = {
            "requests": len(values),
            "errors": errors.get(kind, 0),
            "p50_ms": round(percentile(values, 0.50), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
        }
    total = sum(len(v) for v in times.values()) + sum(errors.values())
    return {
        "requests": total,
        "errors": sum(errors.values()),
        "requests_per_second": round(total / wall, 1),
        "kinds": kinds,
        "error_reasons": dict(reasons),
    }


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_url: str, port: int, workers: int = 1) -> subprocess.Popen:
    """`akhbar serve` in a child process; returns once /healthz answers."""
    env = {**os.environ, "AKHBAR_DB": db_url}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "akhbar",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"akhbar serve exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}"
            )
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("akhbar serve did not answer within 60 s")


def summarise(runs: list[dict]) -> dict:
    """Medians over runs of every figure."""
    kinds = {}
    for kind, _ in MIX:
        kinds[kind] = {
            key: statistics.median(r["kinds"][kind][key] for r in runs)
            for key in ("requests", "p50_ms", "p95_ms", "p99_ms")
        }
        kinds[kind]["errors"] = sum(r["kinds"][kind]["errors"] for r in runs)
    return {
        "runs": len(runs),
        "requests_per_second": statistics.median(r["requests_per_second"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "kinds": kinds,
        "each_run": [
            {
                "requests_per_second": r["requests_per_second"],
                "errors": r["errors"],
                "error_reasons": r["error_reasons"],
            }
            for r in runs
        ],
    }


def load_average() -> float | None:
    """The machine's 1-minute load average (other work on the machine skews the figures)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def run_serve_bench(
    db_url: str,
    clients: int = 50,
    seconds: float = 60.0,
    runs: int = 3,
    url: str | None = None,
    warmup: float = 5.0,
    workers: int = 1,
) -> dict:
    """Start `akhbar serve` (unless `url` is given), warm it up, load it `runs` times; medians as JSON data."""
    targets = pick_targets(db_url)
    proc = None
    if url is None:
        port = free_port()
        proc = start_server(db_url, port, workers)
        url = f"http://127.0.0.1:{port}"
    try:
        if warmup:
            asyncio.run(load(url, targets, clients, warmup))
        load_before = load_average()
        results = [asyncio.run(load(url, targets, clients, seconds)) for _ in range(runs)]
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)
    return {
        "clients": clients,
        "seconds": seconds,
        "workers": workers,
        "articles": len(targets.article_ids),
        "queries": len(targets.queries),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        **summarise(results),
    }
