"""The replay catalog: corpus articles indexed by source, timeline and URL path, texts held in memory."""

from __future__ import annotations

import bisect
import functools
import gc
import random
import re
import sys
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from akhbar.corpus import iter_corpus
from akhbar.errors import ReplayError
from akhbar.replay.sites import SiteProfile, profile_for

WORD = re.compile(r"[^\W_]+")
CATEGORY_SLUGS = {
    "sport": "sports",
    "economy": "business",
    "technology": "technology",
    "culture": "culture",
    "middleEast": "middleeast",
    "internationalNews": "world",
}
CATEGORY_NAMES = {
    "sport": "رياضة",
    "economy": "اقتصاد",
    "technology": "علوم وتكنولوجيا",
    "culture": "ثقافة وفنون",
    "middleEast": "الشرق الأوسط",
    "internationalNews": "العالم",
}


@dataclass(slots=True)
class ReplayArticle:
    """One corpus article as a replayed page: index data plus its text."""

    source: str
    id: str
    title: str
    published: datetime | None
    category: str | None
    summary: str | None
    author: str | None
    text: str
    number: int = 0
    path: str = ""
    position: int = 0
    visible_at: float = 0.0

    @property
    def category_slug(self) -> str:
        """The URL segment of the article's section."""
        return CATEGORY_SLUGS.get(self.category or "", "news")

    @property
    def category_name(self) -> str:
        """The Arabic name of the article's section."""
        return CATEGORY_NAMES.get(self.category or "", "أخبار")


@dataclass
class SiteTimeline:
    """One source: its profile and its articles in publication order."""

    profile: SiteProfile
    articles: list[ReplayArticle] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def visible_count(self, now: float | None) -> int:
        """How many articles are published at `now` (epoch seconds; None means all)."""
        if now is None:
            return len(self.articles)
        return bisect.bisect_right(self.times, now)

    def latest(self, now: float | None, limit: int) -> list[ReplayArticle]:
        """The `limit` newest articles published at `now`, newest first."""
        count = self.visible_count(now)
        return self.articles[max(0, count - limit) : count][::-1]


@dataclass
class Catalog:
    """Every replayed article, by source and by URL path."""

    sites: dict[str, SiteTimeline]
    by_path: dict[str, ReplayArticle]
    errors: int = 0

    @property
    def size(self) -> int:
        """Number of articles in the catalog."""
        return len(self.by_path)

    def first_published(self) -> datetime | None:
        """The earliest publication time in the catalog."""
        starts = [s.times[0] for s in self.sites.values() if s.times]
        return datetime.fromtimestamp(min(starts), UTC) if starts else None


def article_number(article_id: str, taken: set[int]) -> int:
    """A stable 8-digit number for an article id (the next free one on a collision)."""
    number = 10_000_000 + zlib.crc32(article_id.encode("utf-8")) % 90_000_000
    while number in taken:
        number += 1
    taken.add(number)
    return number


@functools.lru_cache(maxsize=4096)
def _escape_char(ch: str) -> str:
    """One character of a URL path, percent-encoded."""
    return quote(ch, safe="-")


def _arabic_slug(title: str) -> str:
    """A percent-encoded, dash-separated slug of the first words of a title."""
    words = WORD.findall(title)[:8]
    return "".join(map(_escape_char, "-".join(words) or "article"))


def article_path(profile: SiteProfile, article: ReplayArticle) -> str:
    """The article's URL path, in its site's pattern (always starting with /<slug>/)."""
    day = article.published or datetime(2000, 1, 1, tzinfo=UTC)
    n, cat, base = article.number, article.category_slug, f"/{profile.slug}"
    style = profile.url_style
    if style == "bbc":
        return f"{base}/arabic/{cat}-{n}"
    if style == "dated":
        return f"{base}/{day:%Y/%m/%d}/{cat}/{n}"
    if style == "f24":
        return f"{base}/ar/{cat}/{day:%Y%m%d}-{n}"
    if style == "slug":
        return f"{base}/article/{n}/{_arabic_slug(article.title)}"
    if style == "html":
        return f"{base}/ar/{cat}/{day:%Y/%m/%d}/{n}.html"
    if style == "node":
        return f"{base}/node/{n}"
    return f"{base}/news/{n}"


def _pick(
    sources: dict[str, list[ReplayArticle]],
    limit_per_source: int | None,
    sample: int | None,
    ids: set[str] | None,
    seed: int,
) -> dict[str, list[ReplayArticle]]:
    """Apply the `ids`, `sample` and `limit_per_source` selections (the newest are kept by the limit)."""
    if ids is not None:
        sources = {s: [a for a in arts if a.id in ids] for s, arts in sources.items()}
    if sample is not None:
        everything = [a for arts in sources.values() for a in arts]
        chosen = {id(a) for a in random.Random(seed).sample(everything, min(sample, len(everything)))}
        sources = {s: [a for a in arts if id(a) in chosen] for s, arts in sources.items()}
    if limit_per_source is not None:
        sources = {s: arts[-limit_per_source:] if limit_per_source > 0 else [] for s, arts in sources.items()}
    return {s: arts for s, arts in sources.items() if arts}


def _sort_key(article: ReplayArticle) -> tuple[float, str]:
    """Publication order; undated articles first (they count as published at the timeline's start)."""
    return (article.published.timestamp() if article.published else float("-inf"), article.id)


def load_catalog(
    corpora: Iterable[str | Path],
    *,
    limit_per_source: int | None = None,
    sample: int | None = None,
    ids: Iterable[str] | None = None,
    seed: int = 0,
    on_error: Callable[[str], None] | None = None,
) -> Catalog:
    """Read corpus files into a catalog; bad lines are reported through `on_error` and skipped."""
    report = on_error or (lambda message: print(message, file=sys.stderr))
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of long-lived objects: the cyclic collector would rescan them over and over
    try:
        return _load(corpora, limit_per_source, sample, ids, seed, report)
    finally:
        if collecting:
            gc.enable()


def _load(
    corpora: Iterable[str | Path],
    limit_per_source: int | None,
    sample: int | None,
    ids: Iterable[str] | None,
    seed: int,
    report: Callable[[str], None],
) -> Catalog:
    """load_catalog without the collector."""
    raw: dict[str, list[ReplayArticle]] = {}
    errors = 0
    seen: set[tuple[str, str]] = set()
    for corpus in corpora:
        path = Path(corpus)
        if not path.is_file():
            raise ReplayError(f"{path}: no such corpus file")
        for line in iter_corpus(path):
            if line.error is not None or line.article is None:
                errors += 1
                report(f"skipped {line.error}")
                continue
            item = line.article
            key = (item.source, item.external_id or item.url)
            if key in seen:
                errors += 1
                report(f"skipped {line.path}:{line.line}: duplicate id {key[1]!r} in source {key[0]!r}")
                continue
            seen.add(key)
            raw.setdefault(item.source, []).append(
                ReplayArticle(
                    source=item.source,
                    id=key[1],
                    title=" ".join(item.title.split()),
                    published=item.published,
                    category=item.category,
                    summary=item.summary,
                    author=item.author,
                    text=item.text,
                )
            )
    for arts in raw.values():
        arts.sort(key=_sort_key)
    chosen = _pick(raw, limit_per_source, sample, set(ids) if ids is not None else None, seed)
    return _index(chosen, errors)


def _index(chosen: dict[str, list[ReplayArticle]], errors: int) -> Catalog:
    """Number the articles, give them paths and build the timelines and the path index."""
    sites: dict[str, SiteTimeline] = {}
    by_path: dict[str, ReplayArticle] = {}
    slugs: set[str] = set()
    for source in sorted(chosen):
        profile = profile_for(source)
        if profile.slug in slugs:
            raise ReplayError(f"sources {source!r} and another one share the URL segment {profile.slug!r}")
        slugs.add(profile.slug)
        arts = chosen[source]
        dated = [a.published.timestamp() for a in arts if a.published]
        start = min(dated) if dated else 0.0
        taken: set[int] = set()
        timeline = SiteTimeline(profile)
        for position, art in enumerate(arts):
            art.number = article_number(art.id, taken)
            art.path = article_path(profile, art)
            art.position = position
            art.visible_at = art.published.timestamp() if art.published else start
            by_path[art.path] = art
            timeline.articles.append(art)
            timeline.times.append(art.visible_at)
        sites[profile.slug] = timeline
    return Catalog(sites=sites, by_path=by_path, errors=errors)
