"""Weighted term vectors of articles: sublinear TF-IDF over the analyzer's terms, with incremental DF."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from akhbar.store import Store

Vector = dict[str, float]

TITLE_BOOST = 2.0  # a title term counts as much as this many body occurrences
LEAD_TERMS = 120  # body terms past the lead weigh half: the event is told first, background comes later
MAX_TERMS = 80  # terms kept per vector: bounded memory and time, the tail adds little


@dataclass
class TermStats:
    """Document frequencies of terms, loaded once from the store and then kept up to date in memory."""

    documents: int = 0
    df: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_store(cls, store: Store) -> TermStats:
        """The store's current document frequencies."""
        documents, df = store.document_frequencies()
        return cls(documents, Counter(df))

    def add(self, terms: Iterable[str]) -> None:
        """Count one more article with these terms."""
        self.documents += 1
        self.df.update(set(terms))

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency (≥ 1 for a term seen in every article)."""
        return math.log((self.documents + 1) / (self.df.get(term, 0) + 1)) + 1.0


def term_counts(title_terms: list[str], body_terms: list[str]) -> dict[str, float]:
    """Weighted counts: title terms boosted, the lead in full, the rest of the body at half weight."""
    counts: dict[str, float] = dict(Counter(body_terms[:LEAD_TERMS]))
    for term, n in Counter(body_terms[LEAD_TERMS:]).items():
        counts[term] = counts.get(term, 0) + 0.5 * n
    for term, n in Counter(title_terms).items():
        counts[term] = counts.get(term, 0) + TITLE_BOOST * n
    return counts


def tfidf(counts: Mapping[str, float], stats: TermStats, keep: int = MAX_TERMS) -> Vector:
    """Unit-length sublinear TF-IDF vector of the `keep` heaviest terms."""
    df, log = stats.df.get, math.log
    base = log(stats.documents + 1) + 1.0  # idf = base - log(df + 1), as TermStats.idf
    weights = {t: ((1.0 + log(c)) if c >= 1 else c) * (base - log(df(t, 0) + 1)) for t, c in counts.items()}
    return unit(top(weights, keep))


def unit(vector: Mapping[str, float]) -> Vector:
    """The vector scaled to length 1 (empty stays empty)."""
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two unit vectors (fsum: exact, so the set's order cannot change the result)."""
    return math.fsum([a[t] * b[t] for t in a.keys() & b.keys()])


def add_into(total: dict[str, float], vector: Mapping[str, float], scale: float = 1.0) -> None:
    """total += scale · vector."""
    for t, w in vector.items():
        total[t] = total.get(t, 0.0) + scale * w


def top(vector: Mapping[str, float], keep: int) -> Vector:
    """The `keep` heaviest terms of a vector (ties broken by term, for determinism)."""
    if len(vector) <= keep:
        return dict(vector)
    cut = sorted(vector.values(), reverse=True)[keep - 1]
    above = {t: w for t, w in vector.items() if w > cut}
    tied = sorted(t for t, w in vector.items() if w == cut)[: keep - len(above)]
    return {**above, **{t: cut for t in tied}}
