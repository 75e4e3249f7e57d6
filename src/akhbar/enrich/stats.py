"""Corpus statistics for tags: in how many articles each candidate key occurs, and the people discovered.

Counted incrementally as articles pass the enrich stage, bounded in memory by lossy counting (keys seen
in one article only are dropped first when the table is full), and saved in the store's stage state
(keys seen in at least two articles) so that the next process starts from them.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from akhbar.store import Store

STATE_NAME = "enrich.stats"
STATE_VERSION = 1
DEFAULT_CAPACITY = 3_000_000
SAVED_MIN_DF = 2
# Save when the articles seen since the last save are at least this share of the table's size, so that
# saving costs a bounded number of rows per article however large the table grows.
SAVE_ROWS_PER_ARTICLE = 40
SAVE_EVERY_SECONDS = 600  # counts never stay unsaved longer than this in a long-running crawl


@dataclass
class CorpusStats:
    """Document frequencies of candidate keys, articles counted, and people discovered in the corpus."""

    n_docs: int = 0
    df: Counter[str] = field(default_factory=Counter)
    people: Counter[str] = field(default_factory=Counter)
    floor: int = 0
    capacity: int = DEFAULT_CAPACITY
    unsaved: int = 0
    saved_at: float = field(default_factory=time.monotonic)

    def observe(self, keys: Iterable[str], people: Iterable[str] = ()) -> None:
        """Count one article: its distinct candidate keys and the people named in it."""
        self.n_docs += 1
        self.unsaved += 1
        self.df.update(keys)
        self.people.update(people)
        if len(self.df) > self.capacity:
            self.prune()

    def prune(self) -> None:
        """Drop the rarest keys until the table is at most half full (lossy counting)."""
        while len(self.df) > self.capacity // 2:
            self.floor += 1
            self.df = Counter({k: n for k, n in self.df.items() if n > self.floor})
        self.people = Counter({k: n for k, n in self.people.items() if n > 1})

    def document_frequency(self, key: str) -> int:
        """In how many counted articles a key occurs (an underestimate by at most `floor`)."""
        return self.df.get(key, 0)

    def to_json(self) -> str:
        """The saved form: keys seen in at least two articles."""
        return json.dumps(
            {
                "version": STATE_VERSION,
                "n_docs": self.n_docs,
                "floor": self.floor,
                "df": {k: n for k, n in self.df.items() if n >= SAVED_MIN_DF},
                "people": {k: n for k, n in self.people.items() if n >= SAVED_MIN_DF},
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str, capacity: int = DEFAULT_CAPACITY) -> CorpusStats:
        """Read the saved form (an unknown version starts empty: statistics can always be rebuilt)."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            return cls(capacity=capacity)
        return cls(
            n_docs=int(data["n_docs"]),
            df=Counter(data["df"]),
            people=Counter(data["people"]),
            floor=int(data.get("floor", 0)),
            capacity=capacity,
        )

    @classmethod
    def load(cls, store: Store, capacity: int = DEFAULT_CAPACITY) -> CorpusStats:
        """The statistics saved in a store (empty when none were)."""
        saved = store.get_state(STATE_NAME)
        return cls.from_json(saved, capacity) if saved else cls(capacity=capacity)

    def save(self, store: Store) -> None:
        """Save the statistics in the store's stage state."""
        store.set_state(STATE_NAME, self.to_json())
        self.unsaved = 0
        self.saved_at = time.monotonic()

    def save_due(self) -> bool:
        """True when enough articles were counted since the last save to pay for writing the table."""
        if not self.unsaved:
            return False
        return (
            self.unsaved * SAVE_ROWS_PER_ARTICLE >= len(self.df)
            or time.monotonic() - self.saved_at >= SAVE_EVERY_SECONDS
        )

    def save_if_unsaved(self, store: Store) -> None:
        """Save when anything was counted since the last save (at the end of an import or a crawl pass)."""
        if self.unsaved:
            self.save(store)
