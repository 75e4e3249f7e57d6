"""Read corpus files: JSON Lines (optionally gzip) of articles in the format of DESIGN.md.

A line that cannot be an article (not JSON, nested too deep, a field of the wrong type, a URL over its
cap) becomes an error naming file:line; the other lines are read as usual. Every string read loses lone
surrogates and control characters, and title, source and author are cut to their caps.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from akhbar import text as analyzer
from akhbar.errors import CorpusError
from akhbar.models import Article
from akhbar.text.hygiene import MAX_AUTHOR_CHARS, MAX_SOURCE_CHARS, MAX_TITLE_CHARS, cap, url_too_long
from akhbar.times import parse_iso, stamp

MAX_TEXT_CHARS = 2_000_000
REQUIRED_FIELDS = ("id", "url", "title", "source")
# The longest date a corpus writes is 25 characters (2018-02-01T10:00:00+03:00); longer is not a date.
MAX_DATE_CHARS = 64


@dataclass
class CorpusLine:
    """One line of a corpus file: an article, or the error that kept it out."""

    path: str
    line: int
    article: Article | None = None
    error: CorpusError | None = None


def _field(record: dict[str, object], name: str) -> str:
    """A text field scrubbed, ends stripped (inner spacing kept as the corpus wrote it); "" when not text."""
    value = record.get(name)
    return analyzer.scrub(value).strip() if isinstance(value, str) else ""


def _required(record: dict[str, object], name: str, path: str, line: int) -> str:
    """A required text field, scrubbed, or CorpusError when it is missing, not text or empty."""
    cleaned = _field(record, name)
    if not cleaned:
        raise CorpusError(path, line, f"missing or empty {name!r}")
    return cleaned


def _published(record: dict[str, object], path: str, line: int) -> datetime | None:
    """The record's publication time, None when it has none, or CorpusError when it is not ISO 8601."""
    published = record.get("published")
    if published in (None, ""):
        return None
    if not isinstance(published, str) or len(published) > MAX_DATE_CHARS:
        raise CorpusError(path, line, f"invalid date {str(published)[:MAX_DATE_CHARS]!r}")
    try:
        return parse_iso(analyzer.scrub(published))
    except ValueError:
        raise CorpusError(path, line, f"invalid date {analyzer.one_line(published)!r}") from None


def article_from_record(record: object, path: str, line: int) -> Article:
    """Validate one decoded corpus record and turn it into an Article, or raise CorpusError."""
    if not isinstance(record, dict):
        raise CorpusError(path, line, "not a JSON object")
    external_id, url, title, source = (_required(record, name, path, line) for name in REQUIRED_FIELDS)
    url = analyzer.clean_url(str(record["url"]))  # controls removed from the raw URL, not made spaces
    if not url:
        raise CorpusError(path, line, "missing or empty 'url'")
    if too_long := url_too_long(url):
        raise CorpusError(path, line, too_long)
    text = record.get("text") or ""
    summary = record.get("summary") or None
    if not isinstance(text, str) or (summary is not None and not isinstance(summary, str)):
        raise CorpusError(path, line, "'text' and 'summary' must be strings")
    text = analyzer.scrub(text)
    summary = analyzer.scrub(summary) if summary else None
    if len(text) > MAX_TEXT_CHARS:
        raise CorpusError(
            path, line, f"text is {len(text):,} characters, over the limit of {MAX_TEXT_CHARS:,}"
        )
    partial = False
    if not text.strip():
        if not summary or not summary.strip():
            raise CorpusError(path, line, "empty text and no summary")
        text, partial = summary, True
    return Article(
        url=url,
        title=cap(title, MAX_TITLE_CHARS),
        text=text,
        source=cap(analyzer.one_line(source), MAX_SOURCE_CHARS),
        published=_published(record, path, line),
        external_id=analyzer.one_line(external_id),
        summary=summary,
        author=cap(_field(record, "author"), MAX_AUTHOR_CHARS) or None,
        category=analyzer.one_line(_field(record, "category")) or None,
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
                yield CorpusLine(
                    str(path),
                    number,
                    error=CorpusError(str(path), number, f"invalid UTF-8 ({exc.reason} at byte {exc.start})"),
                )
                continue
            except json.JSONDecodeError as exc:
                yield CorpusLine(
                    str(path), number, error=CorpusError(str(path), number, f"malformed JSON ({exc.msg})")
                )
                continue
            except RecursionError:
                yield CorpusLine(
                    str(path), number, error=CorpusError(str(path), number, "JSON nested too deep")
                )
                continue
            try:
                yield CorpusLine(str(path), number, article=article_from_record(record, str(path), number))
            except CorpusError as exc:
                yield CorpusLine(str(path), number, error=exc)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield CorpusLine(
            str(path),
            number + 1,
            error=CorpusError(str(path), number + 1, f"truncated or corrupt gzip file ({exc})"),
        )
    except OSError as exc:
        yield CorpusLine(
            str(path),
            number + 1,
            error=CorpusError(str(path), number + 1, f"cannot read file ({exc.strerror or exc})"),
        )


def record_from_article(article: Article) -> dict[str, object]:
    """The corpus-format record of an article (the inverse of article_from_record)."""
    return {
        "id": article.external_id or str(article.id),
        "source": article.source,
        "url": article.url,
        "title": article.title,
        "published": stamp(article.published) if article.published else None,
        "category": article.category,
        "summary": article.summary,
        "text": article.text,
        "author": article.author,
    }
