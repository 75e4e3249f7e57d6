"""`akhbar migrate-store --from URL --to URL`: move a store to another backend, table by table.

Both schemas are the same column for column, so rows are copied as they are (ids kept, so links,
stories and duplicate groups survive), in one transaction on the target. The full-text index is then
rebuilt on the target from the copied terms (FTS5 on SQLite; tsvectors and term_df on PostgreSQL).
The target must be empty. The source is only read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from akhbar.check import Checker
from akhbar.errors import StoreError
from akhbar.store import Store, open_store
from akhbar.store.postgres import tsvector_literal

# Parents before children; tables not named here follow in name order.
TABLE_ORDER = ("sources", "articles", "article_aliases", "article_versions", "article_terms", "tags", "article_tags",
               "stories", "duplicate_groups", "fetch_log", "stage_state")
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


def columns(checker: Checker, table: str) -> list[str]:
    """A table's column names, in order."""
    if checker.sqlite:
        return [r[1] for r in checker.rows(f"PRAGMA table_info({table})")]
    return [r[0] for r in checker.rows(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? "
        "ORDER BY ordinal_position", (table,))]


def copy_order(tables: set[str]) -> list[str]:
    """The tables to copy, parents first."""
    wanted = tables - SKIPPED
    wanted = {t for t in wanted if not t.startswith(("articles_fts", "articles_vocab", "sqlite_"))}
    return [t for t in TABLE_ORDER if t in wanted] + sorted(wanted - set(TABLE_ORDER))


def read_rows(checker: Checker, table: str, cols: list[str]) -> Iterator[list[tuple]]:
    """A table's rows in chunks."""
    names = ", ".join(cols)
    if checker.sqlite:
        cursor = checker.store.conn.execute(f"SELECT {names} FROM {table}")
        while chunk := cursor.fetchmany(CHUNK):
            yield [tuple(r) for r in chunk]
        return
    with checker.store.pool.connection() as conn, conn.cursor(name=f"copy_{table}") as cursor:
        conn.autocommit = False
        cursor.execute(f"SELECT {names} FROM {table}")
        while chunk := cursor.fetchmany(CHUNK):
            yield [tuple(r.values()) for r in chunk]
        conn.rollback()
        conn.autocommit = True


def write_rows(checker: Checker, table: str, cols: list[str], rows: list[tuple]) -> None:
    """Insert rows into the target (inside its transaction)."""
    if checker.sqlite:
        marks = ", ".join("?" * len(cols))
        checker.store.conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
        return
    if table == "article_terms":
        at = {c: i for i, c in enumerate(cols)}
        cols = [*cols, "tsv"]
        rows = [(*r, tsvector_literal(r[at["title"]].split(), r[at["body"]].split())) for r in rows]
    with checker.store.connection() as conn, conn.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def finish_target(checker: Checker, tables: list[str]) -> None:
    """Rebuild the target's full-text index and move its id sequences past the copied ids."""
    if checker.sqlite:
        checker.run("INSERT INTO articles_fts(articles_fts) VALUES('rebuild')")
        return
    for table in tables:
        sequence = checker.rows("SELECT pg_get_serial_sequence(?, 'id')", (table,))[0][0] if "id" in columns(
            checker, table) else None
        if sequence:
            checker.rows(f"SELECT setval(?, max(id)) FROM {table} HAVING count(*) > 0", (sequence,))


def migrate_store(source_url: str, target_url: str, on_table: Callable[[str, int], None] | None = None) -> MigrationReport:
    """Copy every table of the store at source_url into the empty store at target_url."""
    started = time.perf_counter()
    source, target = open_store(source_url), open_store(target_url)
    try:
        return _copy(source, target, on_table, started)
    finally:
        source.close()
        target.close()


def _copy(source: Store, target: Store, on_table: Callable[[str, int], None] | None, started: float) -> MigrationReport:
    """Copy table by table in one target transaction."""
    if target.article_count() or target.list_sources():
        raise StoreError(f"{target.url} is not empty; migrate-store only fills an empty store")
    src, dst = Checker(source), Checker(target)
    tables = [t for t in copy_order(src.tables()) if t in dst.tables()]
    report = MigrationReport()
    with target.transaction():
        for table in tables:
            cols = [c for c in columns(src, table) if c in set(columns(dst, table))]
            copied = 0
            for chunk in read_rows(src, table, cols):
                write_rows(dst, table, cols, chunk)
                copied += len(chunk)
            report.rows[table] = copied
            if on_table:
                on_table(table, copied)
        finish_target(dst, tables)
    if not dst.sqlite:
        target.rebuild_term_df()
    report.seconds = time.perf_counter() - started
    return report
