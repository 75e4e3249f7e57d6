"""`akhbar eval search`: nDCG@10 and P@10 of Akhbar's search against graded judgements, beside raw FTS5.

The ANT corpus goes through the normal import into a SQLite store kept in a cache folder, keyed by the
corpus files (names, sizes, modification times), the store's schema (migrations) and the analyzer's
terms of a sample of the corpus (so a change of the query-time variant table does not rebuild it; a second run reuses it).
The baseline is SQLite FTS5 with its unicode61 tokenizer over the raw title and text: BM25, the query's
words ANDed, ORed when AND finds fewer than 10 articles.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from akhbar.corpus import iter_corpus
from akhbar.errors import AkhbarError

CUTOFF = 10


class EvalSearchError(AkhbarError):
    """The gold file or the corpus cannot be used."""


@dataclass
class Query:
    """One gold query with its graded judgements (ANT id -> 0, 1 or 2)."""

    qid: str
    query: str
    judgments: dict[str, int]


def load_gold(path: Path) -> list[Query]:
    """Read a search gold file (JSON lines: qid, query, judgments)."""
    queries = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalSearchError(f"{path}: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            queries.append(
                Query(
                    str(record["qid"]),
                    str(record["query"]),
                    {str(k): int(v) for k, v in record["judgments"].items()},
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise EvalSearchError(f"{path}:{number}: not a search judgement line ({exc})") from exc
    if not queries:
        raise EvalSearchError(f"{path}: no queries")
    return queries


def cache_dir() -> Path:
    """Where evaluation stores are kept (XDG_CACHE_HOME/akhbar/eval, default ~/.cache/akhbar/eval)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "akhbar" / "eval"


def fingerprint(files: Sequence[Path], salt: str = "") -> str:
    """A short hash of the corpus files' names, sizes and modification times, and of `salt`."""
    digest = hashlib.blake2b(salt.encode(), digest_size=8)
    for path in sorted(files):
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def code_fingerprint(*packages: str) -> str:
    """A hash of the Python sources of the named akhbar packages (the index changes when they do)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.blake2b(digest_size=8)
    for package in packages:
        target = root / package
        for path in sorted(target.rglob("*")) if target.is_dir() else [target]:
            if path.suffix in (".py", ".sql") and path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


def analyzer_fingerprint(files: Sequence[Path], sample: int = 300) -> str:
    """A hash of the analyzer's terms for the first articles of each file: the index changes when they do."""
    from itertools import islice

    from akhbar.text import terms

    digest = hashlib.blake2b(digest_size=8)
    for path in files:
        for line in islice(iter_corpus(path), sample):
            if line.article is not None:
                digest.update(" ".join(terms(line.article.title + "\n" + line.article.text)).encode())
    return digest.hexdigest()


def ids_by_url(files: Sequence[Path]) -> dict[str, list[str]]:
    """ANT ids of every canonical URL (the corpus repeats some articles under two ids)."""
    found: dict[str, list[str]] = {}
    for path in files:
        for line in iter_corpus(path):
            if line.article is not None and line.article.external_id:
                found.setdefault(line.article.url, []).append(line.article.external_id)
    return found


def gains(ranked_urls: Sequence[str], judgments: dict[str, int], url_ids: dict[str, list[str]]) -> list[int]:
    """The graded relevance of each ranked article (best judgement over its ids; unjudged 0)."""
    return [max((judgments.get(i, 0) for i in url_ids.get(url, ())), default=0) for url in ranked_urls]


def ideal_gains(judgments: dict[str, int], url_ids: dict[str, list[str]]) -> list[int]:
    """The best possible gains: one per distinct article, highest first."""
    url_of = {i: url for url, ids in url_ids.items() for i in ids}
    best: dict[str, int] = {}
    for doc_id, grade in judgments.items():
        url = url_of.get(doc_id, doc_id)
        best[url] = max(best.get(url, 0), grade)
    return sorted(best.values(), reverse=True)


def ndcg(found: Sequence[int], ideal: Sequence[int], cutoff: int = CUTOFF) -> float:
    """nDCG@cutoff with exponential gains 2^grade - 1."""

    def dcg(grades: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades[:cutoff]))

    best = dcg(ideal)
    return dcg(found) / best if best else 0.0


def precision(found: Sequence[int], cutoff: int = CUTOFF) -> float:
    """Share of the first `cutoff` results judged relevant (grade ≥ 1)."""
    return sum(1 for g in found[:cutoff] if g > 0) / cutoff


def score_run(
    queries: Sequence[Query], search: Callable[[str], list[str]], url_ids: dict[str, list[str]]
) -> dict:
    """Mean nDCG@10 and P@10 of a search function (query -> ranked URLs), with per-query nDCG."""
    per_query, total_ndcg, total_p = {}, 0.0, 0.0
    for q in queries:
        found = gains(search(q.query)[:CUTOFF], q.judgments, url_ids)
        value = ndcg(found, ideal_gains(q.judgments, url_ids))
        per_query[q.qid] = round(value, 3)
        total_ndcg += value
        total_p += precision(found)
    return {
        "ndcg_at_10": round(total_ndcg / len(queries), 4),
        "p_at_10": round(total_p / len(queries), 4),
        "per_query": per_query,
    }


def build_akhbar_store(files: Sequence[Path], db_path: Path) -> None:
    """Import the corpus files into a new SQLite store through the normal pipeline."""
    from akhbar.ingest import import_corpora
    from akhbar.pipeline import Pipeline
    from akhbar.store import open_store

    partial = db_path.with_suffix(".building")
    for leftover in db_path.parent.glob(partial.name + "*"):
        leftover.unlink()
    store = open_store(f"sqlite:///{partial}")
    try:
        import_corpora(files, Pipeline.default(store))
    finally:
        store.close()
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(db_path)


def akhbar_search(db_path: Path) -> Callable[[str], list[str]]:
    """Akhbar's own search over the cached store (query -> ranked URLs)."""
    from akhbar.store import open_store

    store = open_store(f"sqlite:///{db_path}")
    return lambda query: [hit.url for hit in store.search(query, limit=CUTOFF).hits]


def build_raw_fts(files: Sequence[Path], db_path: Path) -> None:
    """The baseline index: FTS5 unicode61 over the raw title and text of every article (one row per URL)."""
    partial = db_path.with_suffix(".building")
    partial.unlink(missing_ok=True)
    conn = sqlite3.connect(partial)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(url UNINDEXED, title, body, tokenize='unicode61')")
    seen: set[str] = set()
    for path in files:
        for line in iter_corpus(path):
            article = line.article
            if article is not None and article.url not in seen:
                seen.add(article.url)
                conn.execute(
                    "INSERT INTO docs (url, title, body) VALUES (?, ?, ?)",
                    (article.url, article.title, article.text),
                )
    conn.commit()
    conn.close()
    partial.rename(db_path)


def raw_fts_search(db_path: Path) -> Callable[[str], list[str]]:
    """The raw FTS5 baseline (query -> ranked URLs): words ANDed, ORed when fewer than 10 hits."""
    conn = sqlite3.connect(db_path)

    def run(query: str) -> list[str]:
        words = ['"' + w.replace('"', '""') + '"' for w in query.split()]
        if not words:
            return []
        rows: list[tuple[str]] = []
        for operator in ("AND", "OR"):
            rows = conn.execute(
                "SELECT url FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
                (f" {operator} ".join(words), CUTOFF),
            ).fetchall()
            if len(rows) >= CUTOFF:
                break
        return [row[0] for row in rows]

    return run


def cached(path: Path, build: Callable[[Path], None]) -> Path:
    """The cached file at `path`, built first when missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        build(path)
    return path


def run_search_eval(gold: Path, corpus_dir: Path, cache: Path | None = None) -> dict:
    """Both runs over the gold's queries, as a JSON-ready dict."""
    queries = load_gold(gold)
    files = sorted(corpus_dir.glob("*.jsonl.gz")) + sorted(corpus_dir.glob("*.jsonl"))
    if not files:
        raise EvalSearchError(f"{corpus_dir}: no corpus files (*.jsonl, *.jsonl.gz)")
    cache = cache or cache_dir()
    corpus_key = fingerprint(files)
    store_key = fingerprint(files, analyzer_fingerprint(files) + code_fingerprint("store/migrations"))
    akhbar_db = cached(cache / f"search-akhbar-{store_key}.db", lambda p: build_akhbar_store(files, p))
    raw_db = cached(cache / f"search-fts5raw-{corpus_key}.db", lambda p: build_raw_fts(files, p))
    url_ids = ids_by_url(files)
    return {
        "akhbar": score_run(queries, akhbar_search(akhbar_db), url_ids),
        "fts5_raw": score_run(queries, raw_fts_search(raw_db), url_ids),
        "n_queries": len(queries),
    }
