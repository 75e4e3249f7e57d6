"""The SQLite store: the embedded default. WAL mode, versioned migrations, FTS5 over analyzer terms."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from akhbar.errors import NotADatabaseError, StoreError, StoreLockedError
from akhbar.store.query import fts_match
from akhbar.store.rows import Row
from akhbar.store.sql import Chunk, Dialect, Groups, Params, SQLStore, migrations
from akhbar.times import now_iso

BUSY_TIMEOUT_MS = 15_000
TITLE_WEIGHT = 3.0
# SQLite before 3.32 takes at most 999 host parameters a statement; 500 leaves room for the others.
IN_CHUNK = 500
BM25 = f"bm25(articles_fts, {TITLE_WEIGHT}, 1.0)"


def sql_statements(script: str) -> list[str]:
    """Split a SQL script into complete statements."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if not current and line.strip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def dict_row(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> Row:
    """A row as a dict of column name to value (the shape both backends return)."""
    return {column[0]: value for column, value in zip(cursor.description, values, strict=True)}


class SQLiteStore(SQLStore):
    """Store on one SQLite file; one connection per thread, writes serialised by SQLite."""

    dialect: Dialect = "sqlite"
    in_chunk = IN_CHUNK

    def __init__(
        self,
        path: str | Path,
        url: str | None = None,
        busy_timeout: float = BUSY_TIMEOUT_MS / 1000,
        read_only: bool | None = False,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.url = url or f"sqlite:///{self.path}"
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise NotADatabaseError(f"{self.path} is not an SQLite database; refusing to open it")
        writable = os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        if read_only is None:  # read-only only where the file or its folder cannot be written
            read_only = self.path.exists() and not writable
        self.read_only: bool = read_only
        # A WAL database opened with mode=ro still needs to create its -shm file, so on a read-only file
        # or folder SQLite refuses every read ("attempt to write a readonly database"); immutable=1 reads
        # the file as it is, which is right there because no process can be writing it.
        self._target = (
            self.path.resolve().as_uri() + ("?mode=ro" if writable else "?mode=ro&immutable=1")
            if read_only
            else str(self.path)
        )
        if self.read_only:
            self._require_schema()
        else:
            self.migrate()

    # connections and transactions -------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _connect(self) -> sqlite3.Connection:
        """Open a connection with the pragmas Akhbar relies on."""
        try:
            conn = sqlite3.connect(
                self._target,
                isolation_level=None,
                check_same_thread=False,
                timeout=self.busy_timeout,
                uri=self.read_only,
            )
            conn.row_factory = dict_row
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            if not self.read_only:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA cache_size = -65536")
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        with self._lock:
            self._connections.append(conn)
        return conn

    def _require_schema(self) -> None:
        """Refuse a read-only open of a missing, empty or unmigrated store (it cannot be created or migrated)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            raise StoreError(f"no store at {self.path}: create it with `akhbar init` or `akhbar import`")
        version = self.schema_version()
        if version < migrations("sqlite")[-1][0]:
            raise StoreError(f"{self.path} is at schema {version}: run `akhbar init` once with write access")

    def _error(self, exc: sqlite3.Error) -> StoreError:
        """A typed, clear error for an sqlite3 exception, classed by its error code."""
        code = exc.sqlite_errorname or ""
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreLockedError(
                f"{self.path} is locked by another process (waited {self.busy_timeout:g} s): {exc}"
            )
        if code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            return NotADatabaseError(f"{self.path} is not a usable Akhbar database: {exc}")
        return StoreError(f"{self.path}: {exc}")

    @contextmanager
    def _outermost(self) -> Iterator[None]:
        """BEGIN IMMEDIATE on this thread's connection; COMMIT at the end, ROLLBACK on an error."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        self._local.depth = 1
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            self._local.depth = 0
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise self._error(exc) from exc

    def rows(self, sql: str, params: Params = ()) -> list[Row]:
        """The rows of a statement, with typed errors."""
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc

    def run(self, sql: str, params: Params = ()) -> int:
        """Run a write; rows changed."""
        try:
            return self.conn.execute(sql, params).rowcount
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc

    def run_many(self, sql: str, params: Sequence[Params]) -> None:
        """Run a write once per parameter tuple."""
        try:
            self.conn.executemany(sql, params)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc

    def in_clause(self, count: int) -> str:
        """IN (?, ?, …) with one mark per value."""
        return f"IN ({', '.join('?' * count)})"

    def in_params(self, values: list[Any]) -> list[Any]:
        """One parameter per value."""
        return values

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def migrate(self) -> list[int]:
        """Apply pending migrations; returns the versions applied."""
        applied: list[int] = []
        conn = self.conn
        done_sql = "SELECT version FROM schema_migrations"
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            pending = migrations("sqlite")
            done = {row["version"] for row in conn.execute(done_sql)}
            if all(version in done for version, _, _ in pending):
                return applied
            with self.transaction():
                done = {row["version"] for row in conn.execute(done_sql)}
                for version, name, script in pending:
                    if version in done:
                        continue
                    for statement in sql_statements(script):
                        conn.execute(statement)
                    conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now_iso()))
                    applied.append(version)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        return applied

    # full-text index -------------------------------------------------------------------------------

    def _write_terms(self, article_id: int, title: str, body: str, old: Row | None) -> None:
        """Store the terms row and move the FTS5 entry from the old terms to the new ones."""
        if old is not None:
            self.run(
                "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                (article_id, old["title"], old["body"]),
            )
        self.run(
            "INSERT INTO article_terms (article_id, title, body) VALUES (?, ?, ?) ON CONFLICT (article_id) "
            "DO UPDATE SET title = excluded.title, body = excluded.body",
            (article_id, title, body),
        )
        self.run("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", (article_id, title, body))

    def _apply_df(self, delta: Counter[str]) -> None:
        """Nothing: FTS5's vocabulary table counts documents itself."""

    def _size_bytes(self) -> int:
        """The database file with its WAL and shared-memory files."""
        return sum(
            p.stat().st_size
            for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"))
            if p.exists()
        )

    # search --------------------------------------------------------------------------------------

    def _count_matches(self, groups: Groups, every: bool, filters: str, params: list[Any]) -> int:
        """How many articles match the FTS5 expression under the filters."""
        match = fts_match(groups, "AND" if every else "OR")
        if not filters:
            return int(
                self._value("SELECT count(*) AS n FROM articles_fts WHERE articles_fts MATCH ?", [match])
            )
        return int(
            self._value(
                f"""SELECT count(*) AS n FROM articles_fts f CROSS JOIN articles a INDEXED BY articles_search_cover
                ON a.id = f.rowid WHERE articles_fts MATCH ? {filters}""",
                [match, *params],
            )
        )

    def _rank_matches(
        self, groups: Groups, every: bool, filters: str, params: list[Any], limit: int, offset: int
    ) -> list[tuple[int, float]]:
        """BM25 over title (weighted) and body terms, best first, newest first on ties.

        Without filters the FTS table answers alone (ids follow publication order on import); with them,
        CROSS JOIN keeps the FTS index driving and the covering index serves the filter columns.
        """
        match = fts_match(groups, "AND" if every else "OR")
        if not filters:
            rows = self.rows(
                f"""SELECT rowid AS id, {BM25} AS rank FROM articles_fts
                                 WHERE articles_fts MATCH ? ORDER BY rank, rowid DESC LIMIT ? OFFSET ?""",
                [match, limit, offset],
            )
        else:
            rows = self.rows(
                f"""SELECT f.rowid AS id, {BM25} AS rank
                    FROM articles_fts f CROSS JOIN articles a INDEXED BY articles_search_cover ON a.id = f.rowid
                    WHERE articles_fts MATCH ? {filters}
                    ORDER BY rank, a.published DESC LIMIT ? OFFSET ?""",
                [match, *params, limit, offset],
            )
        return [(row["id"], -row["rank"]) for row in rows]

    def match_terms(
        self, term_groups: Sequence[Sequence[str]], limit: int = 50, exclude: Sequence[int] = ()
    ) -> list[tuple[int, float]]:
        """Article ids ranked by BM25 for any of the terms (a "more like this" query)."""
        if not term_groups:
            return []
        excluded = set(exclude)
        rows = self.rows(
            f"SELECT rowid AS id, {BM25} AS rank FROM articles_fts WHERE articles_fts MATCH ? "
            "ORDER BY rank LIMIT ?",
            (fts_match(term_groups, "OR"), limit + len(excluded)),
        )
        return [(row["id"], -row["rank"]) for row in rows if row["id"] not in excluded][:limit]

    def term_document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """In how many articles each term occurs (from the FTS5 vocabulary)."""
        return {
            term: int(self._value("SELECT doc FROM articles_vocab WHERE term = ?", (term,)) or 0)
            for term in set(terms)
        }

    def document_frequencies(self) -> tuple[int, dict[str, int]]:
        """The number of articles and, for every indexed term, in how many articles it occurs."""
        total = int(self._value("SELECT count(*) AS n FROM article_terms"))
        return total, {
            row["term"]: row["doc"] for row in self.conn.execute("SELECT term, doc FROM articles_vocab")
        }

    # maintenance ---------------------------------------------------------------------------------

    def tables(self) -> set[str]:
        """The store's tables and views."""
        return {
            row["name"] for row in self.rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        }

    def columns(self, table: str) -> list[str]:
        """A table's column names, in order."""
        return [row["name"] for row in self.rows(f"PRAGMA table_info({table})")]

    def _rebuild_index(self) -> None:
        """Rebuild the FTS5 index from every terms row."""
        self.run("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")

    def check_index(self) -> tuple[int, str]:
        """FTS5's own integrity check against the terms table."""
        try:
            self.conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            return 1, str(exc)
        return 0, ""

    def read_table(self, table: str, columns: Sequence[str], chunk: int) -> Iterator[Chunk]:
        """A table's rows in chunks (as tuples), in one read."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
        while batch := cursor.fetchmany(chunk):
            yield batch

    def write_table(self, table: str, columns: Sequence[str], rows: Chunk) -> None:
        """Insert rows as they are."""
        self.run_many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
        )

    def restart_ids(self, tables: Sequence[str]) -> None:
        """Nothing: a new rowid always follows the largest one."""
