"""Train the category classifier on ANT's categories and write `data/category_nb.json.gz`.

    python -m akhbar.enrich.train [ANT_DIR] [--out FILE] [--split-date 2018-08-01]

Articles published before the split date train the model; the later ones measure it (held-out
accuracy printed as JSON). The shipped model is then refitted on all of them.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

from akhbar.config import load_settings
from akhbar.corpus import iter_corpus
from akhbar.enrich.candidates import document_of
from akhbar.enrich.category import MODEL_FILE, NaiveBayes, features, section_category, train_naive_bayes
from akhbar.pipeline import clean_article
from akhbar.times import parse_iso


def labelled_samples(paths: list[Path]) -> list[tuple[datetime | None, Counter[str], str]]:
    """(published, features, category) of every article whose corpus category maps to the taxonomy."""
    samples = []
    for path in paths:
        for line in iter_corpus(path):
            article = line.article
            if article is None or (label := section_category(article.category)) is None:
                continue
            article = clean_article(article)
            samples.append(
                (article.published, features(document_of(article.title, article.text).words), label)
            )
    return samples


def accuracy(model: NaiveBayes, samples: list[tuple[Counter[str], str]]) -> float:
    """Share of samples the model labels right."""
    return sum(model.predict(counts) == label for counts, label in samples) / max(len(samples), 1)


def main(argv: list[str] | None = None) -> None:
    """Train, measure on the later articles, refit on all, write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "ant", nargs="?", type=Path, default=load_settings().shared_path / "corpora" / "ant-v2.1"
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / MODEL_FILE)
    parser.add_argument("--split-date", default="2018-08-01")
    args = parser.parse_args(argv)
    split = parse_iso(args.split_date)
    samples = labelled_samples(sorted(args.ant.glob("*.jsonl.gz")))
    early = [(f, label) for when, f, label in samples if when is not None and when < split]
    late = [(f, label) for when, f, label in samples if when is None or when >= split]
    held_out = accuracy(train_naive_bayes(early), late)
    model = train_naive_bayes((f, label) for _, f, label in samples)
    args.out.write_bytes(gzip.compress(json.dumps(model.to_json(), ensure_ascii=False).encode("utf-8"), 9))
    print(
        json.dumps(
            {
                "train": len(early),
                "test": len(late),
                "held_out_accuracy": round(held_out, 4),
                "classes": dict(Counter(label for _, _, label in samples)),
                "model_bytes": args.out.stat().st_size,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
