"""Write `data/word_prior.tsv.gz`, the general Arabic word prior of tags, from wordfreq's Arabic table.

    python -m akhbar.enrich.make_prior [--out FILE] [--check]

Re-run it when the analyzer's folding or clitic stripping changes (the loader notices through the
probe words kept in the file and computes the prior itself until then). `--check` only compares.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

from akhbar import text as analyzer
from akhbar.enrich.vocab import (
    KNOWN_WORD,
    PRIOR_FILE,
    base_strip,
    compute_prior,
    format_prior,
    parse_prior,
    quantize,
    wordfreq_arabic,
)

PROBES = 400


def probe_words(frequencies: dict[str, float], count: int = PROBES) -> list[tuple[str, str]]:
    """Evenly spread known words whose key differs from the word (clitics, hamza, ة…), with their keys."""
    words = sorted(w for w, f in frequencies.items() if f >= KNOWN_WORD and base_strip(analyzer.fold(w)) != w)
    step = max(len(words) // count, 1)
    return [(w, base_strip(analyzer.fold(w))) for w in words[::step][:count]]


def prior_text() -> str:
    """The file's text, made from wordfreq with the current analyzer."""
    frequencies = wordfreq_arabic()
    return format_prior(compute_prior(frequencies), probe_words(frequencies))


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check compare) the shipped prior; prints a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / PRIOR_FILE)
    parser.add_argument("--check", action="store_true", help="only say whether the file is up to date")
    args = parser.parse_args(argv)
    text = prior_text()
    table, probes = parse_prior(text)
    if args.check:
        shipped = gzip.decompress(args.out.read_bytes()).decode("utf-8") if args.out.exists() else ""
        same = shipped == text
        print(json.dumps({"file": str(args.out), "up_to_date": same}))
        return 0 if same else 1
    args.out.write_bytes(gzip.compress(text.encode("utf-8"), 9, mtime=0))
    print(
        json.dumps(
            {
                "file": str(args.out),
                "words": len(table),
                "probes": len(probes),
                "values": len({quantize(f) for f in table.values()}),
                "bytes": args.out.stat().st_size,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
