"""Small Arabic articles of a few recurring stories, for the store maintenance tests (check, migrate-store)."""

from __future__ import annotations

from datetime import UTC, datetime

from akhbar.models import Article

TOPICS = ["كوريا الشمالية تسلم حاويات إلى روسيا", "زلزال قوي يضرب اليابان", "الانتخابات في مصر"]


def story_article(n: int) -> Article:
    """A small article of a few recurring stories."""
    topic = TOPICS[n % 3]
    return Article(
        url=f"http://example.com/news/{n}",
        title=f"{topic} {n}",
        text=f"قال المتحدث إن {topic}. الخبر {n}.",
        source=f"src{n % 4}",
        published=datetime(2018, 5, 1, n % 24, tzinfo=UTC),
        external_id=f"T-{n}",
    )
