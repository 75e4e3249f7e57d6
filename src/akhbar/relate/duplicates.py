"""Duplicates: the same text republished (wire copy, syndication, a re-post under a new headline).

Exact repeats are caught first by a hash of the body's key-form terms, over every article in the store.
Near repeats: MinHash over 3-term shingles of the body (title left out, so a new headline does not
matter), LSH over a recent window for candidates, then a direct check on the candidates' shingle sets:
a duplicate shares most of its shingles with the other text (Jaccard), or is a cut copy of it
(containment of the shorter in the longer).
"""

from __future__ import annotations

import hashlib
import zlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from datasketch import MinHash, MinHashLSH

from akhbar.store import Store

SHINGLE = 3  # terms per shingle
NUM_PERM = 64
LSH_THRESHOLD = 0.3  # candidate recall: a cut copy keeps half its shingles and more
WINDOW = timedelta(days=7)  # near repeats are looked for among the articles of this window
MIN_TERMS = 12  # below this many body terms, the title is part of the text compared
JACCARD = 0.5
CONTAINMENT = 0.8
MIN_CONTAINED = 25  # shingles a cut copy must have for containment alone to count
SCHEME = "affine32"

_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=7)


def _identity(value: int) -> int:
    """Shingles are hashed already."""
    return value


def compared_terms(title_terms: Sequence[str], body_terms: Sequence[str]) -> list[str]:
    """The terms duplicates are judged on: the body, with the title when the body is very short."""
    if len(body_terms) < MIN_TERMS:
        return [*title_terms, *body_terms]
    return list(body_terms)


def shingles(terms: Sequence[str], size: int = SHINGLE) -> set[int]:
    """Hashed runs of `size` consecutive terms (the whole text as one shingle when shorter)."""
    if len(terms) < size:
        return {zlib.crc32(" ".join(terms).encode())} if terms else set()
    runs = zip(*(terms[i:] for i in range(size)), strict=False)
    return set(map(zlib.crc32, map(str.encode, map(" ".join, runs))))


def body_hash(terms: Sequence[str]) -> str:
    """Hash of the compared terms: equal for the same text whatever its punctuation or spelling variants."""
    return hashlib.blake2b(" ".join(terms).encode(), digest_size=12).hexdigest()


def signature(shingle_set: set[int]) -> MinHash:
    """The MinHash of a set of shingles."""
    minhash = MinHash(
        num_perm=NUM_PERM, hashfunc=_identity, permutations=_TEMPLATE.permutations, scheme=SCHEME
    )
    minhash.update_batch(sorted(shingle_set))
    return minhash


def signature_from_bytes(data: bytes) -> MinHash:
    """A MinHash saved with `signature(...).hashvalues.tobytes()`."""
    values = np.frombuffer(data, dtype=_TEMPLATE.hashvalues.dtype)
    return MinHash(hashvalues=values, permutations=_TEMPLATE.permutations, hashfunc=_identity, scheme=SCHEME)


@dataclass
class Overlap:
    """How much two texts share."""

    jaccard: float
    containment: float
    smaller: int


def overlap(a: set[int], b: set[int]) -> Overlap:
    """Jaccard and containment (of the smaller set in the larger) of two shingle sets."""
    if not a or not b:
        return Overlap(0.0, 0.0, 0)
    common = len(a & b)
    smaller = min(len(a), len(b))
    return Overlap(common / (len(a) + len(b) - common), common / smaller, smaller)


def is_near_duplicate(a: set[int], b: set[int]) -> bool:
    """The direct check: most shingles shared, or the smaller text a cut copy of the larger."""
    o = overlap(a, b)
    return o.jaccard >= JACCARD or (o.containment >= CONTAINMENT and o.smaller >= MIN_CONTAINED)


def are_duplicates(
    a_title: Sequence[str], a_body: Sequence[str], b_title: Sequence[str], b_body: Sequence[str]
) -> bool:
    """Whether two articles (as analyzer terms) are the same text: the rule the import groups by."""
    a, b = compared_terms(a_title, a_body), compared_terms(b_title, b_body)
    if a and body_hash(a) == body_hash(b):
        return True
    return is_near_duplicate(shingles(a), shingles(b))


@dataclass
class DuplicateFinder:
    """Finds an earlier copy of an article: exact hash over the store, MinHash LSH over the window."""

    store: Store
    lsh: MinHashLSH = field(default_factory=lambda: MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM))
    window: deque[tuple[datetime, int]] = field(default_factory=deque)

    @classmethod
    def from_store(cls, store: Store, now: datetime | None) -> DuplicateFinder:
        """A finder with the store's recent signatures in its LSH index."""
        finder = cls(store)
        if now is not None:
            for article_id, published, data in store.recent_signatures(now - WINDOW):
                finder.lsh.insert(article_id, signature_from_bytes(data), check_duplication=False)
                finder.window.append((published, article_id))
        return finder

    def _expire(self, now: datetime) -> None:
        """Drop signatures older than the window from the LSH index."""
        cutoff = now - WINDOW
        while self.window and self.window[0][0] < cutoff:
            _, article_id = self.window.popleft()
            self.lsh.remove(article_id)

    def find(
        self, article_id: int, published: datetime | None, title_terms: list[str], body_terms: list[str]
    ) -> int | None:
        """The earliest earlier article this one duplicates (or None); records the article's signature."""
        terms = compared_terms(title_terms, body_terms)
        if not terms:
            return None
        digest = body_hash(terms)
        exact = [i for i in self.store.articles_with_body_hash(digest) if i != article_id]
        own = shingles(terms)
        minhash = signature(own)
        match = exact[0] if exact else self._near(article_id, own, minhash)
        self.store.save_signature(article_id, published, digest, minhash.hashvalues.tobytes())
        if published is not None:
            self._expire(published)
            if article_id not in self.lsh:
                self.lsh.insert(article_id, minhash, check_duplication=False)
                self.window.append((published, article_id))
        return match

    def _near(self, article_id: int, own: set[int], minhash: MinHash) -> int | None:
        """The earliest LSH candidate that passes the direct check."""
        candidates: list[int] = sorted(c for c in self.lsh.query(minhash) if c != article_id)
        if not candidates:
            return None
        found = self.store.article_terms(candidates)
        for candidate in candidates:
            if candidate in found:
                title, body = found[candidate]
                if is_near_duplicate(own, shingles(compared_terms(title, body))):
                    return candidate
        return None
