"""Choose the stemmer on evidence: TF-IDF similarity and BM25 search with each candidate stemmer.

Measures, for each stemmer (after the same clitic stripping and stop words):
- SemEval-2022 Task 8 (ar): Spearman of TF-IDF cosine against -overall, per split;
- stories (ANT dev): average precision of same-story pairs ranked by TF-IDF cosine, and the best
  B-cubed F1 of single-link clustering over a grid of thresholds;
- search (ANT dev): nDCG@10 and P@10 of BM25 over title + text, query terms ANDed (OR when < 10 hits).
IDF comes from the whole ANT corpus.  Usage: python benchmarks/stemmer_choice.py [--shared DIR]
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import math
import os
import time
from collections import Counter, defaultdict
from pathlib import Path

from akhbar.eval.search import ndcg
from akhbar.eval.similar import spearman
from akhbar.eval.stories import bcubed
from akhbar.text.stem import STEMMERS, index_term
from akhbar.text.terms import terms_with


def load_ant(shared: Path) -> dict[str, dict]:
    """ANT articles by id."""
    docs = {}
    for path in sorted(glob.glob(str(shared / "corpora/ant-v2.1/*.jsonl.gz"))):
        with gzip.open(path) as handle:
            for line in handle:
                record = json.loads(line)
                docs[record["id"]] = record
    return docs


class Model:
    """Term statistics of the ANT corpus for one stemmer."""

    def __init__(self, stemmer: str, docs: dict[str, dict]) -> None:
        cache: dict[str, str | None] = {}

        def term(word_key: str) -> str | None:
            if word_key not in cache:
                cache[word_key] = index_term(word_key, stemmer)
            return cache[word_key]

        self.term = term
        self.doc_terms = {
            i: Counter(self.terms(d["title"] + "\n" + (d["text"] or ""))) for i, d in docs.items()
        }
        self.df: Counter[str] = Counter()
        for counts in self.doc_terms.values():
            self.df.update(counts.keys())
        self.n = len(self.doc_terms)
        self.avgdl = sum(sum(c.values()) for c in self.doc_terms.values()) / self.n
        self.postings: dict[str, list[str]] = defaultdict(list)
        for doc_id, counts in self.doc_terms.items():
            for t in counts:
                self.postings[t].append(doc_id)

    def terms(self, text: str) -> list[str]:
        """Index terms with this stemmer."""
        return terms_with(text, self.term)

    def idf(self, t: str) -> float:
        """Smoothed IDF."""
        return math.log((self.n + 1) / (self.df.get(t, 0) + 1)) + 1

    def vector(self, counts: Counter[str]) -> dict[str, float]:
        """Unit-length TF-IDF vector (log tf)."""
        vec = {t: (1 + math.log(c)) * self.idf(t) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def bm25(self, query: str, k1: float = 1.2, b: float = 0.75) -> list[str]:
        """Doc ids ranked by BM25: documents with every query term, else any (OR) when fewer than 10."""
        q = list(dict.fromkeys(self.terms(query)))
        if not q:
            return []
        sets = [set(self.postings.get(t, ())) for t in q]
        candidates = set.intersection(*sets)
        if len(candidates) < 10:
            candidates = set.union(*sets)
        scores = {}
        for doc_id in candidates:
            counts = self.doc_terms[doc_id]
            dl = sum(counts.values())
            score = 0.0
            for t in q:
                tf = counts.get(t, 0)
                if tf:
                    idf = math.log(1 + (self.n - self.df[t] + 0.5) / (self.df[t] + 0.5))
                    score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / self.avgdl))
            scores[doc_id] = score
        return sorted(scores, key=lambda d: (-scores[d], d))


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def semeval(model: Model, shared: Path) -> dict[str, float]:
    """Spearman of TF-IDF cosine against -overall, per split and overall."""
    rows = [
        json.loads(line)
        for line in (shared / "eval/semeval2022-task8-ar.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    out = {}
    for split in ("training", "testing", None):
        subset = [r for r in rows if split is None or r["split"] == split]
        sims = [
            cosine(
                model.vector(Counter(model.terms(r["text1"]))), model.vector(Counter(model.terms(r["text2"])))
            )
            for r in subset
        ]
        out[split or "all"] = round(spearman(sims, [-r["overall"] for r in subset]), 4)
    return out


def bcubed_f1(clusters: dict[str, int], gold: dict[str, str]) -> float:
    """B-cubed F1 of a clustering against gold labels (the measure of `akhbar eval stories`)."""
    p, r = bcubed(clusters, {item: gold[item] for item in clusters})
    return 2 * p * r / (p + r)


def find(parent: dict[str, str], x: str) -> str:
    """Union-find root with path halving."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def stories(model: Model, docs: dict[str, dict], shared: Path) -> dict[str, float]:
    """Average precision of same-story pairs, and best single-link B-cubed F1 over thresholds."""
    gold = {
        r["id"]: r["story"]
        for r in map(
            json.loads, (shared / "eval/stories-ant-dev.jsonl").read_text(encoding="utf-8").splitlines()
        )
    }
    ids = sorted(i for i in gold if i in docs)
    vecs = {i: model.vector(model.doc_terms[i]) for i in ids}
    pairs = [
        (cosine(vecs[a], vecs[b]), gold[a] == gold[b], a, b) for n, a in enumerate(ids) for b in ids[n + 1 :]
    ]
    pairs.sort(key=lambda p: -p[0])
    hits, ap, positives = 0, 0.0, sum(p[1] for p in pairs)
    for n, (_, same, _, _) in enumerate(pairs, 1):
        if same:
            hits += 1
            ap += hits / n
    best = (0.0, 0.0)
    for threshold in [x / 100 for x in range(10, 80, 2)]:
        parent = {i: i for i in ids}
        for sim, _, a, b in pairs:
            if sim < threshold:
                break
            parent[find(parent, a)] = find(parent, b)
        f1 = bcubed_f1({i: hash(find(parent, i)) for i in ids}, gold)
        best = max(best, (f1, threshold))
    return {"pair_ap": round(ap / positives, 4), "best_bcubed_f1": round(best[0], 4), "at_threshold": best[1]}


def ndcg_at_10(ranked: list[str], judgments: dict[str, int]) -> float:
    """nDCG@10 with gains 2^rel - 1 (unjudged = 0), as `akhbar eval search` computes it."""
    return ndcg([judgments.get(d, 0) for d in ranked], sorted(judgments.values(), reverse=True))


def search(model: Model, shared: Path) -> dict[str, float]:
    """Mean nDCG@10 and P@10 (relevance ≥ 1) of BM25 over the dev queries."""
    queries = [
        json.loads(line)
        for line in (shared / "eval/search-ant-dev.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    nd = p10 = 0.0
    per_query = {}
    for q in queries:
        ranked = model.bm25(q["query"])
        score = ndcg_at_10(ranked, q["judgments"])
        per_query[q["qid"]] = round(score, 3)
        nd += score
        p10 += sum(1 for d in ranked[:10] if q["judgments"].get(d, 0) > 0) / 10
    return {
        "ndcg_at_10": round(nd / len(queries), 4),
        "p_at_10": round(p10 / len(queries), 4),
        "per_query": per_query,
    }


def main() -> None:
    """Run every measure for every stemmer and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        default=os.environ.get("AKHBAR_SHARED", str(Path(__file__).resolve().parents[1].parent / "shared")),
    )
    parser.add_argument("--stemmers", default=",".join(STEMMERS))
    args = parser.parse_args()
    shared = Path(args.shared)
    docs = load_ant(shared)
    results = {}
    for name in args.stemmers.split(","):
        started = time.perf_counter()
        model = Model(name, docs)
        results[name] = {
            "semeval_spearman": semeval(model, shared),
            "stories": stories(model, docs, shared),
            "search": search(model, shared),
            "vocabulary": len(model.df),
            "seconds": round(time.perf_counter() - started, 1),
        }
        print(json.dumps({name: results[name]}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
