"""`akhbar import`: stream corpus files through the pipeline in batches, in publication order."""

from __future__ import annotations

import heapq
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from akhbar.corpus import CorpusLine, iter_corpus
from akhbar.errors import CorpusError
from akhbar.models import Article, ImportCounts
from akhbar.pipeline import Pipeline

EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass
class ImportReport:
    """What an import did: counts, the rejected lines' errors and the time it took."""

    counts: ImportCounts = field(default_factory=ImportCounts)
    errors: list[CorpusError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Articles per second."""
        return self.counts.total / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        """The final summary line."""
        c = self.counts
        return (
            f"imported {c.imported}, updated {c.updated}, unchanged {c.unchanged}, rejected {c.rejected}, "
            f"in {self.seconds:.1f} s ({self.rate:.0f} articles/s)"
        )


def count_lines(path: str | Path) -> int:
    """How many lines a corpus file has (for progress); a broken file counts what can be read."""
    path = Path(path)
    with path.open("rb") as handle:
        data_is_gzip = handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        if not data_is_gzip:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        inflater, lines = zlib.decompressobj(wbits=47), 0
        try:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                lines += inflater.decompress(chunk).count(b"\n")
        except zlib.error:
            pass
        return lines


def _order_key(line: CorpusLine) -> datetime:
    """Publication time of a line (errors and undated articles first)."""
    return line.article.published if line.article and line.article.published else EARLIEST


def merged_lines(paths: Iterable[str | Path]) -> Iterator[CorpusLine]:
    """Every line of every file, merged in publication order (each file is sorted by time)."""
    return heapq.merge(*(iter_corpus(p) for p in paths), key=_order_key)


def import_corpora(
    paths: Iterable[str | Path],
    pipeline: Pipeline,
    batch_size: int = 500,
    on_batch: Callable[[int], None] | None = None,
    on_error: Callable[[CorpusError], None] | None = None,
) -> ImportReport:
    """Import corpus files through the pipeline; each batch is one transaction."""
    report = ImportReport()
    started = time.perf_counter()
    batch: list[Article] = []

    def flush() -> None:
        if batch:
            report.counts.add(pipeline.ingest(batch))
            if on_batch:
                on_batch(len(batch))
            batch.clear()

    try:
        for line in merged_lines(paths):
            if line.error is not None:
                report.errors.append(line.error)
                report.counts.rejected += 1
                if on_error:
                    on_error(line.error)
                if on_batch:
                    on_batch(1)
                continue
            assert line.article is not None  # a CorpusLine holds an article or an error
            batch.append(line.article)
            if len(batch) >= batch_size:
                flush()
        flush()
        pipeline.finish()
    finally:
        report.seconds = time.perf_counter() - started
    return report
