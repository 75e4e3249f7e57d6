"""Stories: online clustering of articles, in publication order, against the stories of a recent window.

An article joins the recent story it is most similar to, if similar enough, else it starts a story.
Similarity blends the content vector's cosine with the story's centroid and with its closest recent
member (reactions and follow-ups chain through one close member), the title's cosine with the story's
titles, and the entities (tags) the article shares with the story. Two stories merge when an article
binds them and their centroids have converged. Deterministic for a given order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from akhbar.models import Tag
from akhbar.relate.vectors import Vector, add_into, cosine, top, unit
from akhbar.times import parse_iso, stamp

WINDOW = timedelta(days=3)  # a story stops taking articles after this long without one
CENTROID_TERMS = 150  # terms kept in a story's centroid (and title centroid)
INDEX_TERMS = 40  # a story's heaviest centroid terms are the ones that find it
RECENT_MEMBERS = 6  # member vectors kept for the closest-member link
MEMBER_TERMS = 40  # terms kept of each such member vector
CANDIDATE_TERMS = 12  # an article's heaviest terms used to find candidate stories
MAX_POSTING = 400  # a term found in more window stories than this says too little to find candidates
MAX_CANDIDATES = 20
EXPIRE_EVERY = timedelta(hours=1)
LINK_FLOOR = 0.5  # closest-member links are only looked at for stories already half-way to joining

# The few global parameters of the decision.
CONTENT_WEIGHT = 0.7
TITLE_WEIGHT = 0.3
ENTITY_WEIGHT = 0.0  # measured: a bonus for shared named entities merged topic-level neighbours (dev pairwise F1 0.85 -> 0.77)
JOIN_THRESHOLD = 0.26
MERGE_THRESHOLD = 0.45


@dataclass
class ArticleFeatures:
    """What clustering knows of an article."""

    article_id: int
    published: datetime
    source: str
    title: str
    vector: Vector
    title_vector: Vector
    entities: frozenset[str] = frozenset()


@dataclass
class StoryState:
    """A story as clustering sees it: centroid sums, recent members, entities, times."""

    id: int
    centroid: dict[str, float]
    titles: dict[str, float]
    entities: dict[str, int]
    size: int
    first_seen: datetime
    last_seen: datetime
    sources: list[str]
    recent: list[Vector] = field(default_factory=list)
    title: str = ""
    central_id: int = 0
    central_vector: Vector = field(default_factory=dict)
    members: list[int] = field(default_factory=list)
    indexed: tuple[str, ...] = field(default=(), repr=False, compare=False)
    _centers: tuple[Vector, Vector] | None = field(default=None, repr=False, compare=False)

    def centers(self) -> tuple[Vector, Vector]:
        """Unit-length centroid and title centroid (cached until the story changes)."""
        if self._centers is None:
            self._centers = (unit(self.centroid), unit(self.titles))
        return self._centers

    def to_json(self) -> str:
        """The state as JSON text (floats rounded)."""
        return json.dumps(
            {
                "centroid": _rounded(self.centroid),
                "titles": _rounded(self.titles),
                "entities": self.entities,
                "size": self.size,
                "first_seen": stamp(self.first_seen),
                "last_seen": stamp(self.last_seen),
                "sources": self.sources,
                "recent": [_rounded(v) for v in self.recent],
                "title": self.title,
                "central_id": self.central_id,
                "central_vector": _rounded(self.central_vector),
                "members": self.members,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, story_id: int, text: str) -> StoryState:
        """The inverse of to_json()."""
        d = json.loads(text)
        return cls(
            id=story_id,
            centroid=d["centroid"],
            titles=d["titles"],
            entities=d["entities"],
            size=d["size"],
            first_seen=parse_iso(d["first_seen"]),
            last_seen=parse_iso(d["last_seen"]),
            sources=d["sources"],
            recent=d["recent"],
            title=d["title"],
            central_id=d["central_id"],
            central_vector=d["central_vector"],
            members=d["members"],
        )


def _rounded(vector: dict[str, float]) -> dict[str, float]:
    """A vector with weights rounded for storage."""
    return {t: round(w, 5) for t, w in vector.items()}


def entity_overlap(entities: frozenset[str], story: StoryState) -> float:
    """Share of the article's entities the story already has (0 when the article has none)."""
    if not entities:
        return 0.0
    return sum(1 for e in entities if e in story.entities) / len(entities)


@dataclass
class Decision:
    """Where an article went: its story, whether the story is new, and stories merged into it."""

    story: StoryState
    score: float
    created: bool
    merged: list[StoryState] = field(default_factory=list)
    nearby: list[tuple[int, float]] = field(default_factory=list)  # other stories, best first


class StoryClusterer:
    """The recent window of stories, in memory, with an inverted index from terms to stories."""

    def __init__(self, stories: Iterable[StoryState] = ()) -> None:
        self.stories: dict[int, StoryState] = {}
        self.index: dict[str, set[int]] = {}
        self.latest: datetime | None = None
        self.expired_at: datetime | None = None
        for story in stories:
            self._remember(story)

    def _remember(self, story: StoryState) -> None:
        """Put a story in the window and index its centroid's terms."""
        self.stories[story.id] = story
        story.indexed = tuple(top(story.centroid, INDEX_TERMS))
        story._centers = None
        for term in story.indexed:
            self.index.setdefault(term, set()).add(story.id)
        if self.latest is None or story.last_seen > self.latest:
            self.latest = story.last_seen

    def _forget(self, story_id: int) -> None:
        """Take a story out of the window."""
        story = self.stories.pop(story_id)
        for term in story.indexed:
            ids = self.index.get(term)
            if ids is not None:
                ids.discard(story_id)
                if not ids:
                    del self.index[term]

    def expire(self, now: datetime) -> None:
        """Drop the stories last seen more than a window before `now` (checked once an hour of news)."""
        if self.expired_at is not None and abs(now - self.expired_at) < EXPIRE_EVERY:
            return
        self.expired_at = now
        cutoff = now - WINDOW
        for story_id in [s.id for s in self.stories.values() if s.last_seen < cutoff]:
            self._forget(story_id)

    def candidates(self, article: ArticleFeatures) -> list[StoryState]:
        """Stories sharing the article's heaviest terms, most shared first."""
        shared: dict[int, float] = {}
        heaviest = sorted(article.vector.items(), key=lambda kv: (-kv[1], kv[0]))[:CANDIDATE_TERMS]
        for term, weight in heaviest:
            posting = self.index.get(term, ())
            if len(posting) > MAX_POSTING:
                continue
            for story_id in posting:
                shared[story_id] = shared.get(story_id, 0.0) + weight
        ranked = sorted(shared, key=lambda s: (-shared[s], s))[:MAX_CANDIDATES]
        return [self.stories[s] for s in ranked]

    def score(self, article: ArticleFeatures, story: StoryState) -> float:
        """How well an article fits a story (0 … 1)."""
        center, titles = story.centers()
        content = cosine(article.vector, center)
        title = cosine(article.title_vector, titles)
        link = 0.0
        if CONTENT_WEIGHT * content + TITLE_WEIGHT * title >= LINK_FLOOR * JOIN_THRESHOLD:
            link = max((cosine(article.vector, member) for member in story.recent), default=0.0)
        return (
            CONTENT_WEIGHT * max(content, link)
            + TITLE_WEIGHT * title
            + ENTITY_WEIGHT * entity_overlap(article.entities, story)
        )

    def assign(self, article: ArticleFeatures, new_id: int = 0, into: int | None = None) -> Decision:
        """Put an article in its best story (or `into`, e.g. its duplicate's), or in a new one with id `new_id`."""
        self.expire(article.published)
        scored = [(self.score(article, s), s) for s in self.candidates(article)]
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        if into is not None and into in self.stories:
            best, best_score = self.stories[into], 1.0
        elif scored and scored[0][0] >= JOIN_THRESHOLD:
            best_score, best = scored[0]
        else:
            story = self._new_story(article, new_id)
            return Decision(story, 1.0, created=True, nearby=[(s.id, score) for score, s in scored])
        self._forget(best.id)
        self._add(best, article)
        merged = []
        for score, other in scored:
            if other.id == best.id or score < JOIN_THRESHOLD or other.id not in self.stories:
                continue
            if cosine(unit(best.centroid), unit(other.centroid)) >= MERGE_THRESHOLD:
                self._forget(other.id)
                self._absorb(best, other)
                merged.append(other)
        self._remember(best)
        gone = {best.id, *(m.id for m in merged)}
        nearby = [(s.id, score) for score, s in scored if s.id not in gone]
        return Decision(best, best_score, created=False, merged=merged, nearby=nearby)

    def _new_story(self, article: ArticleFeatures, story_id: int) -> StoryState:
        """A story of one article."""
        member = unit(
            top(article.vector, MEMBER_TERMS)
        )  # shared by the recent members and the central vector
        story = StoryState(
            id=story_id,
            centroid=dict(article.vector),
            titles=dict(article.title_vector),
            entities={e: 1 for e in article.entities},
            size=1,
            first_seen=article.published,
            last_seen=article.published,
            sources=[article.source],
            recent=[member],
            title=article.title,
            central_id=article.article_id,
            central_vector=member,
            members=[article.article_id],
        )
        if story_id:
            self._remember(story)
        return story

    def register(self, story: StoryState) -> None:
        """Put a story created by `assign` (once it has its store id) in the window."""
        self._remember(story)

    @staticmethod
    def _add(story: StoryState, article: ArticleFeatures) -> None:
        """Add an article's features to a story (the story is out of the index meanwhile)."""
        add_into(story.centroid, article.vector)
        story.centroid = top(story.centroid, CENTROID_TERMS)
        add_into(story.titles, article.title_vector)
        story.titles = top(story.titles, CENTROID_TERMS)
        for entity in article.entities:
            story.entities[entity] = story.entities.get(entity, 0) + 1
        story.size += 1
        story.members.append(article.article_id)
        story.first_seen = min(story.first_seen, article.published)
        story.last_seen = max(story.last_seen, article.published)
        if article.source not in story.sources:
            story.sources.append(article.source)
        member = unit(top(article.vector, MEMBER_TERMS))
        story.recent = [*story.recent, member][-RECENT_MEMBERS:]
        center = unit(story.centroid)
        if cosine(member, center) > cosine(story.central_vector, center):
            story.title, story.central_id, story.central_vector = article.title, article.article_id, member

    @staticmethod
    def _absorb(story: StoryState, other: StoryState) -> None:
        """Merge another story's state into a story."""
        add_into(story.centroid, other.centroid)
        story.centroid = top(story.centroid, CENTROID_TERMS)
        add_into(story.titles, other.titles)
        story.titles = top(story.titles, CENTROID_TERMS)
        for entity, count in other.entities.items():
            story.entities[entity] = story.entities.get(entity, 0) + count
        story.size += other.size
        story.members += other.members
        story.first_seen = min(story.first_seen, other.first_seen)
        story.last_seen = max(story.last_seen, other.last_seen)
        story.sources += [s for s in other.sources if s not in story.sources]
        story.recent = (story.recent + other.recent)[-RECENT_MEMBERS:]


ENTITY_TYPES = frozenset({"person", "place", "organisation", "organization"})


def entity_keys(tags: Sequence[Tag]) -> frozenset[str]:
    """The keys of an article's tags that name entities (people, places, organisations)."""
    return frozenset((t.key or t.slug) for t in tags if t.type in ENTITY_TYPES and (t.key or t.slug))
