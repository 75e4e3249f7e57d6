"""Keyword tags (كلمات دلالية): an article's phrases and entities ranked by what they say about it.

Score of a candidate = (1 + ln tf) × specificity × position × entity boost, where specificity is
-ln of the share of articles holding it, from the corpus counts (CorpusStats) blended with the general
Arabic prior (wordfreq) as K pseudo-articles, so a small store still ranks sensibly. Multi-word
candidates must recur, be an entity, or be a cohesive phrase in the corpus.
Variants fold into one tag by tag key (and gazetteer spellings into their entity); a phrase mostly
seen inside a longer selected one is dropped.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import attrgetter

from akhbar import text as analyzer
from akhbar.enrich.candidates import Document, document_of
from akhbar.enrich.entities import find_people, head_type
from akhbar.enrich.gazetteer import Entity, Gazetteer, default_gazetteer
from akhbar.enrich.stats import CorpusStats
from akhbar.enrich.vocab import KNOWN_WORD, document_rate, prior_frequency, slug_of
from akhbar.models import Tag

MAX_TAGS = 10
MIN_TAGS = 5


@dataclass(frozen=True)
class Weights:
    """The tunable constants of the score (tuned on the AKEC train split and ANT, never on test)."""

    prior_articles: float = 2000.0  # K: weight of the general prior, in articles
    phrase_factor: float = 0.1  # prior rate of an n-gram: rarest word's rate × factor^(n-1)
    title: float = 1.0  # added to the position factor when the candidate is in the title
    lead: float = 0.5  # … when it first occurs in the lead (first LEAD_WORDS words of the body)
    lead_words: int = 60
    gazetteer: float = 1.6
    person: float = 1.4
    head: float = 1.2
    cohesion: float = 0.25  # df(phrase) / min df(word) for a phrase to count as cohesive
    min_cohesive_df: int = 3
    sub_ratio: float = 1.3  # a sub-phrase with tf ≤ ratio × tf of its longer selected phrase is dropped
    entity_floor: float = (
        6.0  # least specificity of a gazetteer entity or person: frequent names still tag well
    )


@dataclass(slots=True)
class Scored:
    """A candidate tag being scored: occurrences merged over its variants."""

    key: str
    tf: int = 0
    first: int = 1 << 30
    in_title: bool = False
    starts: list[int] = field(default_factory=list)
    entity: Entity | None = None
    type: str = "topic"
    score: float = 0.0


@dataclass
class Tagger:
    """Ranks tags of articles against corpus statistics; `stats` may grow as articles are observed."""

    stats: CorpusStats = field(default_factory=CorpusStats)
    gazetteer: Gazetteer = field(default_factory=default_gazetteer)
    weights: Weights = field(default_factory=Weights)
    max_tags: int = MAX_TAGS

    def tag(self, title: str, text: str) -> list[Tag]:
        """Tags of an article given in any form (it is put in display form first)."""
        body = "\n".join(p for p in (analyzer.normalize(line) for line in (text or "").splitlines()) if p)
        return self.tag_document(document_of(analyzer.normalize(title or ""), body))

    def tag_document(self, doc: Document, counted: bool = False) -> list[Tag]:
        """Tags of an analysed article; `counted` says whether `stats` already includes this article."""
        people = find_people(doc)
        buckets = self._buckets(doc, people)
        self._score_all(buckets.values(), doc.title_words, counted)
        chosen = self._select(buckets)
        return [self._tag(bucket, doc) for bucket in chosen]

    def observe(self, doc: Document) -> None:
        """Count an analysed article in the corpus statistics."""
        self.stats.observe(doc.occurrences.keys(), find_people(doc).keys())

    # candidates --------------------------------------------------------------------------------

    def _buckets(self, doc: Document, people: dict[str, tuple[int, int]]) -> dict[str, Scored]:
        """Candidates that may be tags, variants merged under one key, with their types.

        The hot loop of tagging (about 400 n-grams an article): the tests of `_admissible` are inlined.
        """
        spelling = self.gazetteer.spellings.get
        surnames = {key.rsplit(" ", 1)[1]: key for key in people if " " in key}
        cohesive, known_people, df_of = self._cohesive, self.stats.people, self.stats.df.get
        min_df = self.weights.min_cohesive_df
        buckets: dict[str, Scored] = {}
        for key, starts in doc.occurrences.items():
            entity = spelling(key)
            if entity is not None:
                target = entity.key
            else:
                target = surnames.get(key, key) if surnames else key
                if target == key:  # not a variant of something known: must be admissible on its own
                    if " " not in key:
                        if len(key) < 3 or key.isdigit():
                            continue
                    elif (
                        len(starts) < 2
                        and key not in people
                        and known_people.get(key, 0) < 2
                        and (df_of(key, 0) < min_df or not cohesive(key))
                    ):
                        continue
            bucket = buckets.get(target)
            if bucket is None:
                bucket = buckets[target] = Scored(target, entity=entity)
            bucket.tf += len(starts)
            if starts[0] < bucket.first:
                bucket.first = starts[0]
            if target == key:
                bucket.starts = starts
        title_words = doc.title_words
        for bucket in buckets.values():
            bucket.in_title = bucket.first < title_words
            bucket.type = self._type(bucket, people)
        return buckets

    def _admissible(self, key: str, starts: list[int], people: dict[str, tuple[int, int]]) -> bool:
        """Whether a non-gazetteer candidate may be a tag at all (as `_buckets` tests it inline)."""
        if " " not in key:
            return len(key) >= 3 and not key.isdigit()
        return len(starts) >= 2 or key in people or self._known_person(key) or self._cohesive(key)

    def _known_person(self, key: str) -> bool:
        """A multi-word name found after titles in at least two articles of the corpus."""
        return " " in key and self.stats.people.get(key, 0) >= 2

    def _cohesive(self, key: str) -> bool:
        """A phrase the corpus uses as a unit: its articles are a large share of its rarest word's."""
        df_of = self.stats.df.get
        df = df_of(key, 0)
        if df < self.weights.min_cohesive_df:
            return False
        rarest = min(map(df_of, key.split(), repeat(0)))
        return df >= self.weights.cohesion * max(rarest, 1)

    def _type(self, bucket: Scored, people: dict[str, tuple[int, int]]) -> str:
        """person, place, organisation or topic."""
        if bucket.entity is not None:
            return bucket.entity.type
        key = bucket.key
        if key in people:
            return "person"
        if " " not in key:
            return "topic"
        if self.stats.people.get(key, 0) >= 2:
            return "person"
        return head_type(key) or "topic"

    # scoring -----------------------------------------------------------------------------------

    def specificity(self, key: str, counted: bool = False) -> float:
        """-ln of the blended share of articles holding a candidate (this article included)."""
        k = self.weights.prior_articles
        df = self.stats.document_frequency(key) + (0 if counted else 1)
        n = self.stats.n_docs + (0 if counted else 1)
        return -math.log((df + k * prior_rate(key, self.weights.phrase_factor)) / (n + k))

    def _score_all(self, buckets: Iterable[Scored], title_words: int, counted: bool) -> None:
        """Score candidates: (1 + ln tf) × specificity × position × boost (`specificity` inlined)."""
        w = self.weights
        k, phrase_factor, lead_words = w.prior_articles, w.phrase_factor, w.lead_words
        boosts = {"person": w.person, "topic": 1.0}
        df_of = self.stats.df.get
        extra = 0 if counted else 1
        log, denominator = math.log, self.stats.n_docs + extra + k
        for bucket in buckets:
            position = 1.0
            if bucket.in_title:
                position += w.title
            if 0 <= bucket.first - title_words < lead_words:
                position += w.lead
            boost = w.gazetteer if bucket.entity is not None else boosts.get(bucket.type, w.head)
            key = bucket.key
            specificity = -log((df_of(key, 0) + extra + k * prior_rate(key, phrase_factor)) / denominator)
            if boost > 1.0 and specificity < w.entity_floor:
                specificity = w.entity_floor
            bucket.score = (1.0 + log(bucket.tf)) * specificity * position * boost

    def _select(self, buckets: dict[str, Scored]) -> list[Scored]:
        """The best candidates, none inside (or a padded copy of) a better one."""
        ranked = sorted(buckets.values(), key=attrgetter("key"))
        ranked.sort(key=attrgetter("score"), reverse=True)  # stable: by score, then key
        chosen: list[Scored] = []
        for bucket in ranked:
            if len(chosen) >= self.max_tags:
                break
            if not any(self._overlaps(bucket, better) for better in chosen):
                chosen.append(bucket)
        return chosen

    def _overlaps(self, bucket: Scored, better: Scored) -> bool:
        """True when a candidate repeats a better one: inside it (and mostly seen there) or padding it."""
        inner, outer = f" {bucket.key} ", f" {better.key} "
        if inner in outer:
            return bucket.tf <= self.weights.sub_ratio * better.tf
        return outer in inner

    # display -----------------------------------------------------------------------------------

    def _tag(self, bucket: Scored, doc: Document) -> Tag:
        """The Tag of a chosen candidate, shown in its most frequent clitic-free form."""
        name = (
            bucket.entity.name
            if bucket.entity
            else display_name(doc, bucket.key, bucket.starts or [bucket.first])
        )
        return Tag(
            slug=slug_of(bucket.key),
            name=name,
            type=bucket.type,
            score=round(bucket.score, 4),
            key=bucket.key,
        )


@lru_cache(maxsize=1 << 18)
def prior_rate(key: str, phrase_factor: float) -> float:
    """The share of articles the general prior expects to hold a candidate (rarest word, damped per word)."""
    words = key.split()
    rates = [
        document_rate(max(prior_frequency(w), KNOWN_WORD / 10)) for w in words if w not in analyzer.STOPWORDS
    ]
    rate = min(rates) if rates else document_rate(KNOWN_WORD)
    return rate * phrase_factor ** (len(words) - 1)


@lru_cache(maxsize=1 << 16)
def clitic_free(word: str, tag: str) -> str | None:
    """A display word without its clitics (ال kept), or None if no cut of it spells the tag word."""
    folded = analyzer.fold(word)
    if folded in (tag, "ال" + tag):
        return word
    if folded.startswith("لل") and folded[2:] == tag:
        return "ال" + word[2:]
    for cut in range(1, 4):
        if analyzer.fold(word[cut:]) in (tag, "ال" + tag):
            return word[cut:]
    return None


def display_name(doc: Document, key: str, starts: list[int]) -> str:
    """The most frequent clitic-free display form of a candidate's occurrences (first seen on ties)."""
    length = key.count(" ") + 1
    first_tag = key.split(" ", 1)[0]
    forms: Counter[str] = Counter()
    fallback = doc.span_text(starts[0], length)
    for start in starts:
        text = doc.span_text(start, length)
        head, _, rest = text.partition(" ")
        clean = clitic_free(head, first_tag)
        if clean is not None:
            forms[f"{clean} {rest}".strip() if rest else clean] += 1
    return forms.most_common(1)[0][0] if forms else fallback


#: A plain text's first line is its title only when it is this short (longer first lines are body).
TITLE_MAX_WORDS = 20


def split_title(text: str) -> tuple[str, str]:
    """Plain text as (title, body): its first line is the title when it is short (≤ 20 words), else none."""
    first, _, rest = text.strip().partition("\n")
    return (first, rest) if rest.strip() and len(first.split()) <= TITLE_MAX_WORDS else ("", text.strip())
