"""Learn the spelling-variant table (src/akhbar/text/variants.tsv) from the corpora.

Candidates: index terms (document frequency >= --min-df) that differ only by ج/غ/ق, one long vowel or
the final ه/ي/ا (akhbar.text.variants.candidate_pairs). Kept: pairs whose context vectors (the sum of
the TF-IDF vectors of the documents each term occurs in, randomly projected to 512 dimensions) have a
cosine >= --threshold. Usage: python benchmarks/learn_variants.py [--shared DIR] [--out FILE] [--show N]
Needs numpy and scipy (benchmark-only tools, not dependencies of Akhbar).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import pickle
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

from akhbar.text import terms
from akhbar.text.variants import candidate_pairs, skeleton

REPO = Path(__file__).resolve().parents[1]


def corpus_documents(shared: Path) -> list[Counter[str]]:
    """Term counts of every article of ../shared/corpora."""
    docs = []
    for path in sorted((shared / "corpora").glob("*/*.jsonl.gz")):
        with gzip.open(path) as handle:
            for line in handle:
                record = json.loads(line)
                docs.append(Counter(terms((record.get("title") or "") + "\n" + (record.get("text") or ""))))
    return docs


def context_vectors(
    docs: list[Counter[str]], vocab: dict[str, int], wanted: list[str], dims: int = 512
) -> np.ndarray:
    """Unit context vectors of the wanted terms: summed unit TF-IDF document vectors, projected to `dims`."""
    df = Counter(t for d in docs for t in d if t in vocab)
    idf = {t: math.log(len(docs) / df[t]) for t in df}
    rows, cols, vals = [], [], []
    for i, doc in enumerate(docs):
        weights = {vocab[t]: (1 + math.log(c)) * idf[t] for t, c in doc.items() if t in vocab}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for j, w in weights.items():
            rows.append(i)
            cols.append(j)
            vals.append(w / norm)
    matrix = sparse.csr_matrix(
        (np.array(vals, dtype=np.float32), (rows, cols)), shape=(len(docs), len(vocab))
    )
    projection = np.random.default_rng(7).standard_normal((len(vocab), dims)).astype(np.float32) / math.sqrt(
        dims
    )
    embedded = matrix @ projection  # documents x dims
    incidence = (matrix[:, [vocab[t] for t in wanted]] > 0).astype(np.float32).T.tocsr()  # wanted x documents
    vectors = np.asarray(incidence @ embedded)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def cooccurrence(docs: list[Counter[str]], pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """How many documents hold both terms, for each candidate pair."""
    wanted = {t for pair in pairs for t in pair}
    postings: dict[str, set[int]] = {t: set() for t in wanted}
    for i, doc in enumerate(docs):
        for t in doc:
            if t in postings:
                postings[t].add(i)
    return {(a, b): len(postings[a] & postings[b]) for a, b in pairs}


def main() -> None:
    """Learn and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.environ.get("AKHBAR_SHARED", str(REPO.parent / "shared")))
    parser.add_argument("--out", default=str(REPO / "src/akhbar/text/variants.tsv"))
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=0.4)
    parser.add_argument(
        "--min-length", type=int, default=5, help="shortest term (4-letter /g/ swaps such as جوجل are kept)"
    )
    parser.add_argument(
        "--show", type=int, default=0, help="print the N best pairs with their scores and exit"
    )
    parser.add_argument(
        "--max-cooccurrence",
        type=float,
        default=0.15,
        help="keep pairs found together in at most this share of the rarer term's documents (or in one)",
    )
    parser.add_argument("--doc-cache", help="pickle of the documents' terms, reused between runs")
    args = parser.parse_args()
    if args.doc_cache and Path(args.doc_cache).exists():
        docs = pickle.loads(Path(args.doc_cache).read_bytes())
    else:
        docs = corpus_documents(Path(args.shared))
        if args.doc_cache:
            Path(args.doc_cache).write_bytes(pickle.dumps(docs))
    df = Counter(t for d in docs for t in d)
    frequent = [t for t, n in df.items() if n >= args.min_df]
    vocab = {t: i for i, t in enumerate(frequent)}
    pairs = sorted(candidate_pairs(frequent))
    wanted = sorted({t for pair in pairs for t in pair})
    vectors = context_vectors(docs, vocab, wanted)
    together = cooccurrence(docs, pairs)
    row = {t: i for i, t in enumerate(wanted)}
    scored = sorted(((float(vectors[row[a]] @ vectors[row[b]]), a, b) for a, b in pairs), reverse=True)
    if args.show:
        for score, a, b in scored[: args.show]:
            share = together[a, b] / min(df[a], df[b])
            print(f"{score:.3f}\t{share:.3f}\t{a}\t{b}\t{df[a]}\t{df[b]}")
        return
    kept = [
        (a, b)
        for score, a, b in scored
        if score >= args.threshold
        and together[a, b] <= max(1.0, args.max_cooccurrence * min(df[a], df[b]))
        and (min(len(a), len(b)) >= args.min_length or len(a) == len(b) and skeleton(a) == skeleton(b))
    ]
    lines = [
        "# Spelling variants learnt from ../shared/corpora by benchmarks/learn_variants.py",
        f"# ({len(docs)} documents, min df {args.min_df}, context cosine >= {args.threshold}, found together in <= "
        f"{args.max_cooccurrence:.0%} of the rarer term's documents or one, min length {args.min_length}). One pair a line.",
        *(f"{a}\t{b}" for a, b in kept),
    ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(pairs)} candidate pairs, {len(kept)} kept, written to {args.out}")


if __name__ == "__main__":
    main()
