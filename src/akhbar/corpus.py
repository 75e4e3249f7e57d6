"""Read corpus files: JSON Lines (optionally gzip) of articles in the format of DESIGN.md."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from akhbar.errors import CorpusError
from akhbar.models import Article

MAX_TEXT_CHARS = 2_000_000
REQUIRED_FIELDS = ("id", "url", "title")


@dataclass
class CorpusLine:
    """One line of a corpus file: an article, or the error that kept it out."""

    path: str
    line: int
    article: Article | None = None
    error: CorpusError | None = None


def parse_iso_datetime(value: str) -> datetime:
    """Parse an ISO 8601 timestamp into an aware UTC datetime (naive means UTC)."""
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def article_from_record(record: object, path: str, line: int) -> Article:
    """Validate one decoded corpus record and turn it into an Article, or raise CorpusError."""
    if not isinstance(record, dict):
        raise CorpusError(path, line, "not a JSON object")
    for name in REQUIRED_FIELDS:
        value = record.get(name)
        if not isinstance(value, str) or not value.strip():
            raise CorpusError(path, line, f"missing or empty {name!r}")
    if not record.get("source") or not isinstance(record.get("source"), str):
        raise CorpusError(path, line, "missing or empty 'source'")
    text = record.get("text") or ""
    summary = record.get("summary") or None
    if not isinstance(text, str) or (summary is not None and not isinstance(summary, str)):
        raise CorpusError(path, line, "'text' and 'summary' must be strings")
    if len(text) > MAX_TEXT_CHARS:
        raise CorpusError(
            path, line, f"text is {len(text):,} characters, over the limit of {MAX_TEXT_CHARS:,}"
        )
    partial = False
    if not text.strip():
        if not summary or not summary.strip():
            raise CorpusError(path, line, "empty text and no summary")
        text, partial = summary, True
    published = record.get("published")
    when: datetime | None = None
    if published not in (None, ""):
        if not isinstance(published, str):
            raise CorpusError(path, line, f"invalid date {published!r}")
        try:
            when = parse_iso_datetime(published)
        except ValueError:
            raise CorpusError(path, line, f"invalid date {published!r}") from None
    category = record.get("category")
    author = record.get("author")
    return Article(
        url=record["url"].strip(),
        title=record["title"].strip(),
        text=text,
        source=record["source"].strip(),
        published=when,
        external_id=record["id"].strip(),
        summary=summary,
        author=author if isinstance(author, str) and author.strip() else None,
        category=category if isinstance(category, str) and category.strip() else None,
        partial=partial,
    )


def _open_lines(path: Path) -> Iterator[bytes]:
    """Yield the raw lines of a plain or gzip-compressed file."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rb") as handle:
        yield from handle


def iter_corpus(path: str | Path) -> Iterator[CorpusLine]:
    """Yield every line of a corpus file as an article or an error; a broken file ends with an error."""
    path = Path(path)
    number = 0
    try:
        for number, raw in enumerate(_open_lines(path), start=1):  # noqa: B007
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield CorpusLine(str(path), number, error=CorpusError(str(path), number, f"invalid UTF-8 ({exc.reason} at byte {exc.start})"))
                continue
            except json.JSONDecodeError as exc:
                yield CorpusLine(str(path), number, error=CorpusError(str(path), number, f"malformed JSON ({exc.msg})"))
                continue
            try:
                yield CorpusLine(str(path), number, article=article_from_record(record, str(path), number))
            except CorpusError as exc:
                yield CorpusLine(str(path), number, error=exc)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield CorpusLine(str(path), number + 1, error=CorpusError(str(path), number + 1, f"truncated or corrupt gzip file ({exc})"))
    except OSError as exc:
        yield CorpusLine(str(path), number + 1, error=CorpusError(str(path), number + 1, f"cannot read file ({exc.strerror or exc})"))


def record_from_article(article: Article) -> dict:
    """The corpus-format record of an article (the inverse of article_from_record)."""
    return {
        "id": article.external_id or str(article.id),
        "source": article.source,
        "url": article.url,
        "title": article.title,
        "published": article.published.strftime("%Y-%m-%dT%H:%M:%SZ") if article.published else None,
        "category": article.category,
        "summary": article.summary,
        "text": article.text,
        "author": article.author,
    }
