"""The 62k figure: import all of ANT and SaudiNewsNet through the full pipeline (tags, duplicates, stories)
into a fresh SQLite store, in a child process per run; report articles/s (wall and per CPU second: the machine
may be shared) and peak RSS (median of runs),
then the latency of similar articles + read-also (relate.similar.related_for) for sampled articles.

    .venv/bin/python benchmarks/full_import.py [--runs 3] [--samples 500] [--keep DB]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from akhbar.bench.importing import timed_import
from akhbar.config import load_settings
from akhbar.relate.similar import related_for
from akhbar.store import open_store


def corpus_files(shared: Path) -> list[Path]:
    """ANT's and SaudiNewsNet's files."""
    return sorted((shared / "corpora" / "ant-v2.1").glob("*.jsonl.gz")) + sorted(
        (shared / "corpora" / "saudinewsnet").glob("*.jsonl.gz")
    )


def related_latency(db_url: str, samples: int, seed: int = 11) -> dict:
    """p50/p95 milliseconds of related_for (read-also + similar) over sampled articles, and list sizes."""
    store = open_store(db_url)
    try:
        total = store.article_count()
        ids = random.Random(seed).sample(range(1, total + 1), min(samples, total))
        times, sizes, with_read_also = [], [], 0
        for article_id in ids:
            article = store.get_article(article_id)
            if article is None:
                continue
            started = time.perf_counter()
            read_also, similar = related_for(store, article)
            times.append((time.perf_counter() - started) * 1000)
            sizes.append(len(similar))
            with_read_also += read_also is not None
        times.sort()
        return {
            "related_p50_ms": round(times[len(times) // 2], 2),
            "related_p95_ms": round(times[int(len(times) * 0.95)], 2),
            "similar_mean": round(statistics.mean(sizes), 2),
            "read_also_share": round(with_read_also / len(times), 3),
            "samples": len(times),
        }
    finally:
        store.close()


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="Keep the last run's store at this path.")
    args = parser.parse_args()
    files = corpus_files(load_settings().shared_path)
    if not files:
        sys.exit("no corpora: set AKHBAR_SHARED")
    runs = []
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-") as folder:
        for run in range(args.runs):
            path = args.keep if args.keep and run == args.runs - 1 else Path(folder) / f"run{run}.db"
            url = f"sqlite:///{path}"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            result = timed_import(files, url)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            result["cpu_seconds"] = round(
                after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1
            )
            store = open_store(url)
            result["articles"] = store.article_count()
            store.close()
            result["articles_per_s"] = round(result["articles"] / result["seconds"], 1)
            result["articles_per_cpu_s"] = round(result["articles"] / result["cpu_seconds"], 1)
            print(json.dumps(result), file=sys.stderr, flush=True)
            runs.append((result, url))
        latency = related_latency(runs[-1][1], args.samples)
    print(
        json.dumps(
            {
                "runs": [r for r, _ in runs],
                "median_articles_per_s": statistics.median(r["articles_per_s"] for r, _ in runs),
                "median_articles_per_cpu_s": statistics.median(r["articles_per_cpu_s"] for r, _ in runs),
                "median_peak_rss_mb": round(statistics.median(r["peak_rss_mb"] for r, _ in runs), 1),
                **latency,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
