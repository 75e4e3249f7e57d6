"""`akhbar migrate-store --from URL --to URL`: move a store to another backend, table by table.

Both schemas are the same column for column, so rows are copied as they are (ids kept, so links,
stories and duplicate groups survive), in one transaction on the target. The full-text index is then
rebuilt on the target from the copied terms (FTS5 on SQLite; tsvectors and term_df on PostgreSQL).
The target must be empty. The source is only read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from akhbar.errors import StoreError
from akhbar.store import SQLStore, open_store

# Parents before children; tables not named here follow in name order.
TABLE_ORDER = (
    "sources",
    "articles",
    "article_aliases",
    "article_versions",
    "article_terms",
    "tags",
    "article_tags",
    "stories",
    "duplicate_groups",
    "fetch_log",
    "stage_state",
)
SKIPPED = {"schema_migrations", "jobs", "term_df"}
CHUNK = 2000


@dataclass
class MigrationReport:
    """Rows copied per table and the time it took."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line."""
        total = sum(self.rows.values())
        return f"copied {total:,} rows in {len(self.rows)} tables in {self.seconds:.1f} s (articles: {self.rows.get('articles', 0):,})"


def copy_order(tables: set[str]) -> list[str]:
    """The tables to copy, parents first."""
    wanted = tables - SKIPPED
    wanted = {t for t in wanted if not t.startswith(("articles_fts", "articles_vocab", "sqlite_"))}
    return [t for t in TABLE_ORDER if t in wanted] + sorted(wanted - set(TABLE_ORDER))


def migrate_store(
    source_url: str, target_url: str, on_table: Callable[[str, int], None] | None = None
) -> MigrationReport:
    """Copy every table of the store at source_url into the empty store at target_url."""
    started = time.perf_counter()
    source, target = open_store(source_url), open_store(target_url)
    try:
        return _copy(source, target, on_table, started)
    finally:
        source.close()
        target.close()


def _copy(
    source: SQLStore, target: SQLStore, on_table: Callable[[str, int], None] | None, started: float
) -> MigrationReport:
    """Copy table by table in one target transaction, then rebuild the target's full-text index."""
    if target.article_count() or target.list_sources():
        raise StoreError(f"{target.url} is not empty; migrate-store only fills an empty store")
    target_tables = target.tables()
    tables = [t for t in copy_order(source.tables()) if t in target_tables]
    report = MigrationReport()
    with target.transaction():
        for table in tables:
            target_cols = set(target.columns(table))
            cols = [c for c in source.columns(table) if c in target_cols]
            copied = 0
            for chunk in source.read_table(table, cols, CHUNK):
                target.write_table(table, cols, chunk)
                copied += len(chunk)
            report.rows[table] = copied
            if on_table:
                on_table(table, copied)
        target.restart_ids(tables)
        target.reindex()
    report.seconds = time.perf_counter() - started
    return report
