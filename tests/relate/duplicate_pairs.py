"""Fixture generator for the duplicates gold: labelled pairs built from real articles of the shared corpora.

Positives perturb a real article the way republishing does (new headline, boilerplate and datelines
added or removed, sentences reordered, up to 10% of words edited, a cut copy, several at once) and
include same-story pairs from two outlets whose words align over 80% of the shorter text (agency copy).
Negatives are same-story articles by different outlets from the stories gold, and unrelated articles.
Nothing is copied into the repository: the pairs are made from AKHBAR_SHARED when needed.

    .venv/bin/python tests/relate/duplicate_pairs.py OUT.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from akhbar.eval.duplicates import labelled_pairs


def build(shared: Path, per_perturbation: int = 60, seed: int = 7) -> list[dict]:
    """The labelled pairs from the shared folder."""
    return labelled_pairs(
        shared / "corpora" / "ant-v2.1",
        shared / "eval" / "stories-ant-dev.jsonl",
        per_perturbation=per_perturbation,
        seed=seed,
    )


def write(pairs: list[dict], path: Path) -> None:
    """Write pairs as a gold file (JSON lines)."""
    with path.open("w", encoding="utf-8") as handle:
        for pair in pairs:
            handle.write(json.dumps(pair, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from conftest import shared_dir

    write(build(shared_dir()), Path(sys.argv[1]))
