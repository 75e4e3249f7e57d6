"""Check the stop-word list against word frequencies of ../shared/corpora.

Prints the share of running words the list removes, and the most frequent key-form words that are not
stop words (to review: function words missing from the list show up here), and the listed words never
seen in the corpora. Usage: python benchmarks/stopword_check.py [--shared DIR] [--top 200]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
from collections import Counter
from pathlib import Path

from akhbar.text import STOPWORDS, key

REPO = Path(__file__).resolve().parents[1]
WORD = re.compile(r"[\u0621-\u064a]+")


def word_counts(shared: Path) -> Counter[str]:
    """Key-form word counts of every article (title and text)."""
    counts: Counter[str] = Counter()
    for path in sorted((shared / "corpora").glob("*/*.jsonl.gz")):
        with gzip.open(path) as handle:
            for line in handle:
                record = json.loads(line)
                counts.update(
                    WORD.findall(key((record.get("title") or "") + " " + (record.get("text") or "")))
                )
    return counts


def main() -> None:
    """Print the report as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.environ.get("AKHBAR_SHARED", str(REPO.parent / "shared")))
    parser.add_argument("--top", type=int, default=200)
    args = parser.parse_args()
    counts = word_counts(Path(args.shared))
    total = sum(counts.values())
    top = counts.most_common(args.top)
    print(
        json.dumps(
            {
                "running_words": total,
                "share_removed": round(sum(counts[w] for w in STOPWORDS) / total, 4),
                f"stop_words_in_top_{args.top}": sum(1 for w, _ in top if w in STOPWORDS),
                f"top_{args.top}_not_stop_words": [w for w, _ in top if w not in STOPWORDS],
                "listed_but_unseen": sorted(w for w in STOPWORDS if counts[w] == 0),
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
