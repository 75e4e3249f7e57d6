"""Similar articles and read-also, from the profiles the relate stage stores as articles arrive.

When an article comes in, the stage stores its profile: its weighted terms, its tags and the stories it
came closest to (its own and others, found through the story index of the recent window). On read, the
candidates are the members of those stories; they are scored by content similarity, shared tags and
recency, then made diverse: never the article itself or one of its duplicates, one entry per duplicate
group, at most two per story, no entry that is a near-duplicate of an entry already taken. Read also is
the best candidate from another story; it is not repeated in the similar list.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from akhbar.models import Article
from akhbar.relate.vectors import Vector, cosine, top
from akhbar.store import Store

SIMILAR = 10
PER_STORY = 2
NEAR_DUPLICATE = 0.8  # cosine above which two entries say the same thing
PROFILE_TERMS = 40
RELATED_STORIES = 12
MEMBERS_PER_STORY = 6  # candidates taken from one story: those published closest to the article
TAG_WEIGHT = 0.2
RECENCY_DAYS = 3.0  # time scale of the recency factor
RECENCY_WEIGHT = 0.15


@dataclass
class Profile:
    """What similarity knows of an article."""

    vector: Vector
    tags: frozenset[str] = frozenset()
    stories: list[tuple[int, float]] = field(default_factory=list)

    def to_json(self) -> str:
        """The profile as JSON text."""
        return json.dumps(
            {
                "v": {t: round(w, 4) for t, w in top(self.vector, PROFILE_TERMS).items()},
                "t": sorted(self.tags),
                "s": [[s, round(score, 4)] for s, score in self.stories],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Profile:
        """The inverse of to_json()."""
        data = json.loads(text)
        return cls(data["v"], frozenset(data["t"]), [(s, score) for s, score in data["s"]])


def tag_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard of two tag sets."""
    return len(a & b) / len(a | b) if a and b else 0.0


def similarity(a: Profile, b: Profile) -> float:
    """Content similarity, with shared tags when both articles have tags (0 … 1)."""
    content = cosine(a.vector, b.vector)
    if not a.tags or not b.tags:
        return content
    return (1 - TAG_WEIGHT) * content + TAG_WEIGHT * tag_overlap(a.tags, b.tags)


def recency(a: datetime | None, b: datetime | None) -> float:
    """A factor in (1 - RECENCY_WEIGHT, 1]: closer in time is better."""
    if a is None or b is None:
        return 1.0 - RECENCY_WEIGHT
    days = abs((a - b).total_seconds()) / 86400
    return 1.0 - RECENCY_WEIGHT + RECENCY_WEIGHT * math.exp(-days / RECENCY_DAYS)


@dataclass
class Candidate:
    """One possible entry."""

    article_id: int
    story_id: int | None
    group: int | None
    score: float
    vector: Vector


def candidates(store: Store, article: Article, profile: Profile) -> list[Candidate]:
    """Members of the article's story and of the stories it came close to, scored, best first."""
    story_ids = [s for s in dict.fromkeys([article.story_id, *(s for s, _ in profile.stories)]) if s]
    by_story: dict[int, list[tuple[int, int, int | None, datetime | None]]] = {}
    for row in store.story_members(story_ids):
        if row[0] != article.id and not (article.duplicate_group and row[2] == article.duplicate_group):
            by_story.setdefault(row[1], []).append(row)
    when = article.published
    rows = []
    for members in by_story.values():
        members.sort(key=lambda r: (abs((r[3] - when).total_seconds()) if r[3] and when else 0.0, r[0]))
        rows += members[:MEMBERS_PER_STORY]
    profiles = store.article_profiles([r[0] for r in rows])
    found = []
    for article_id, story_id, group, published in rows:
        if article_id not in profiles:
            continue
        other = Profile.from_json(profiles[article_id])
        score = similarity(profile, other) * recency(when, published)
        found.append(Candidate(article_id, story_id, group, score, other.vector))
    found.sort(key=lambda c: (-c.score, c.article_id))
    return found


def diversify(
    ranked: Iterable[Candidate], limit: int = SIMILAR, taken: Iterable[Candidate] = ()
) -> list[Candidate]:
    """The best entries, one per duplicate group, at most PER_STORY per story, no near-duplicates."""
    chosen: list[Candidate] = []
    seen = list(taken)
    groups = {c.group for c in seen if c.group}
    stories: dict[int | None, int] = {}
    for candidate in ranked:
        if len(chosen) >= limit:
            break
        if candidate.group and candidate.group in groups:
            continue
        if candidate.story_id and stories.get(candidate.story_id, 0) >= PER_STORY:
            continue
        if any(cosine(candidate.vector, c.vector) >= NEAR_DUPLICATE for c in [*seen, *chosen]):
            continue
        chosen.append(candidate)
        if candidate.group:
            groups.add(candidate.group)
        stories[candidate.story_id] = stories.get(candidate.story_id, 0) + 1
    return chosen


def related_for(store: Store, article: Article) -> tuple[Article | None, list[Article]]:
    """The read-also article (best related one from another story) and up to ten similar articles."""
    if article.id is None:
        return None, []
    stored = store.article_profiles([article.id])
    if article.id not in stored:
        return None, []
    profile = Profile.from_json(stored[article.id])
    ranked = candidates(store, article, profile)
    read_also = next((c for c in ranked if c.story_id != article.story_id or not article.story_id), None)
    own = Candidate(article.id, article.story_id, article.duplicate_group, 1.0, profile.vector)
    rest = [c for c in ranked if read_also is None or c.article_id != read_also.article_id]
    taken = [own] if read_also is None else [own, read_also]
    chosen = diversify(rest, SIMILAR, taken)
    wanted = ([read_also.article_id] if read_also else []) + [c.article_id for c in chosen]
    articles = {a.id: a for a in store.get_articles(wanted)}
    also = articles.get(read_also.article_id) if read_also else None
    return also, [articles[c.article_id] for c in chosen if c.article_id in articles]
