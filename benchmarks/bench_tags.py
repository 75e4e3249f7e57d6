"""Tagging speed on ANT: median milliseconds per article (CPU time) of the enrich stage's work.

    .venv/bin/python benchmarks/bench_tags.py [--db sqlite:///ant.db] [--articles 3000] [--runs 3]

Statistics come from the store given (empty store: prior only). Per article: analysis, counting in the
statistics and tagging (`tags`), then language and category (`enrich`, the whole stage's work).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from itertools import islice
from pathlib import Path

from akhbar.config import load_settings
from akhbar.enrich.candidates import document_of
from akhbar.enrich.category import categorize
from akhbar.enrich.language import detect_language
from akhbar.enrich.stage import tagger_for
from akhbar.ingest import merged_lines
from akhbar.pipeline import clean_article
from akhbar.store import open_store


def main() -> None:
    """Print JSON: median ms per article for tags and for the whole enrich work, over several runs."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite:///:memory:")
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = sorted((load_settings().shared_path / "corpora" / "ant-v2.1").glob("*.jsonl.gz"))
    articles = [
        clean_article(line.article) for line in islice(merged_lines(files), args.articles) if line.article
    ]
    store = (
        open_store(args.db)
        if args.db != "sqlite:///:memory:"
        else open_store(f"sqlite:///{Path('/tmp/bench-tags.db')}")
    )
    tag_runs, enrich_runs = [], []
    for _ in range(args.runs):
        tagger = tagger_for(store)
        tag_times, enrich_times = [], []
        for article in articles:
            start = time.process_time()
            doc = document_of(article.title, article.text)
            tagger.observe(doc)
            tagger.tag_document(doc, counted=True)
            tagged = time.process_time()
            detect_language(f"{article.title}\n{article.text[:2000]}")
            categorize(article.category, article.url, doc.words)
            tag_times.append(tagged - start)
            enrich_times.append(time.process_time() - start)
        tag_runs.append(statistics.median(tag_times) * 1000)
        enrich_runs.append(statistics.median(enrich_times) * 1000)
    print(
        json.dumps(
            {
                "articles": len(articles),
                "runs": args.runs,
                "tags_ms_median": round(statistics.median(tag_runs), 3),
                "enrich_ms_median": round(statistics.median(enrich_runs), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
