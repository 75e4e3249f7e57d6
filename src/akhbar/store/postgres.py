"""The PostgreSQL store: the scale-out backend. Same schema and behaviour as the SQLite store.

The analyzer's key-form terms go into a weighted tsvector (title A, body D) with a GIN index; lexemes
are written verbatim (never re-parsed by a text search configuration) so PostgreSQL and SQLite agree
on what a word is. Connections come from a pool; a thread holds one connection while inside a
transaction (nesting is SQLStore's). Statements come with `?` placeholders, translated once each.

URL: postgresql://user@host:port/db[?schema=NAME&pool=N&...]; `schema` (Akhbar's option) puts every
table in that schema (created if missing), `pool` caps the connection pool; the other query options
go to libpq.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

import psycopg
from psycopg.rows import dict_row
from psycopg.sql import SQL, Identifier
from psycopg_pool import ConnectionPool, PoolTimeout

from akhbar.errors import StoreError
from akhbar.store.query import join_groups
from akhbar.store.rows import Row
from akhbar.store.sql import Chunk, Dialect, Groups, Params, SQLStore, migrations
from akhbar.times import now_iso

# ts_rank weights for {D, C, B, A}: a title term counts three times a body term (as in the SQLite store).
RANK_WEIGHTS = "{0.1, 0.2, 0.2, 0.3}"
RANK_NORMALIZATION = 1  # divide by 1 + log(document length), like BM25's length normalisation
MAX_POSITION = 16383
MIGRATION_LOCK = 0x616B6862  # "akhb": advisory lock serialising migrations across processes
CONNECT_RETRIES = 3
# One array parameter binds a whole list; chunks only bound a statement's size.
IN_CHUNK = 50_000
RANK = f"ts_rank(?, t.tsv, q, {RANK_NORMALIZATION})"


def split_url(url: str) -> tuple[str, str | None, int]:
    """libpq conninfo, Akhbar's schema option and pool size from a store URL."""
    base, _, query = url.partition("?")
    options = dict(parse_qsl(query))
    schema = options.pop("schema", None)
    pool = int(options.pop("pool", 8))
    if base.startswith("postgres://"):
        base = "postgresql://" + base.removeprefix("postgres://")
    return (f"{base}?{urlencode(options)}" if options else base), schema, pool


def quote_lexeme(term: str) -> str:
    """A term as a tsvector/tsquery literal lexeme (taken verbatim)."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(title_terms: Sequence[str], body_terms: Sequence[str]) -> str:
    """The tsvector of an article's terms: title positions weight A, body positions weight D."""
    positions: dict[str, list[str]] = {}
    for position, term in enumerate(title_terms, start=1):
        positions.setdefault(term, []).append(f"{min(position, MAX_POSITION)}A")
    offset = len(title_terms)
    for position, term in enumerate(body_terms, start=offset + 1):
        positions.setdefault(term, []).append(str(min(position, MAX_POSITION)))
    return " ".join(f"{quote_lexeme(term)}:{','.join(marks[:256])}" for term, marks in positions.items())


def tsquery_literal(groups: Sequence[Sequence[str]], operator: str = "&") -> str:
    """A tsquery: alternatives ORed inside a group, groups joined by & or |."""
    return join_groups(groups, quote_lexeme, "|", operator)


@lru_cache(maxsize=1024)
def placeholders(statement: str) -> str:
    """A statement with `?` placeholders in psycopg's form (`%s`, a literal % doubled)."""
    return statement.replace("%", "%%").replace("?", "%s")


class PostgresStore(SQLStore):
    """Store on a PostgreSQL database (optionally one schema of it), shared by any number of processes."""

    dialect: Dialect = "postgres"
    in_chunk = IN_CHUNK

    def __init__(self, url: str, pool_size: int | None = None) -> None:
        self.url = url
        self.conninfo, self.schema, default_pool = split_url(url)
        self._local = threading.local()
        self.pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            self.conninfo,
            min_size=1,
            max_size=max(2, pool_size or default_pool),
            kwargs={"autocommit": True, "row_factory": dict_row},
            configure=self._configure,
            check=ConnectionPool.check_connection,
            open=False,
            name="akhbar",
        )
        try:
            self.pool.open(wait=True, timeout=10)
        except PoolTimeout as exc:
            self.pool.close()
            raise StoreError(f"cannot connect to PostgreSQL at {self.conninfo}: {exc}") from exc
        self.migrate()

    # connections and transactions -------------------------------------------------------------

    def _configure(self, conn: psycopg.Connection[Row]) -> None:
        """Put a new connection on the store's schema."""
        if self.schema:
            conn.execute(SQL("SET search_path TO {}, public").format(Identifier(self.schema)))

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Row]]:
        """This thread's transaction connection, or a pooled one (autocommit) outside transactions."""
        if self.depth:
            yield self._local.conn
            return
        with self.pool.connection(timeout=30) as conn:
            yield conn

    @contextmanager
    def _outermost(self) -> Iterator[None]:
        """BEGIN on a pooled connection this thread keeps; COMMIT at the end, ROLLBACK on an error."""
        with self.pool.connection(timeout=30) as conn:
            try:
                conn.execute("BEGIN")
            except psycopg.Error as exc:
                raise StoreError(f"PostgreSQL: {exc}") from exc
            self._local.conn, self._local.depth = conn, 1
            try:
                yield
            except BaseException:
                self._local.depth, self._local.conn = 0, None
                if not conn.broken:
                    conn.execute("ROLLBACK")
                raise
            self._local.depth, self._local.conn = 0, None
            conn.execute("COMMIT")

    def rows(self, sql: str, params: Params = ()) -> list[Row]:
        """The rows of a statement; outside a transaction a dropped connection is retried."""
        attempts = 1 if self.depth else CONNECT_RETRIES
        for attempt in range(attempts):
            try:
                with self.connection() as conn:
                    cursor = conn.execute(placeholders(sql), params)
                    return cursor.fetchall() if cursor.description else []
            except psycopg.OperationalError:
                if attempt + 1 == attempts:
                    raise
                time.sleep(0.2 * (attempt + 1))
        return []

    def run(self, sql: str, params: Params = ()) -> int:
        """Run a write; rows changed."""
        with self.connection() as conn:
            return conn.execute(placeholders(sql), params).rowcount

    def run_many(self, sql: str, params: Sequence[Params]) -> None:
        """Run a write once per parameter tuple."""
        with self.connection() as conn:
            conn.cursor().executemany(placeholders(sql), params)

    def in_clause(self, count: int) -> str:
        """= ANY(?): one array parameter, whatever the count."""
        return "= ANY(?)"

    def in_params(self, values: list[Any]) -> list[Any]:
        """The values as one array parameter."""
        return [values]

    def close(self) -> None:
        """Close the pool."""
        self.pool.close()

    def migrate(self) -> list[int]:
        """Apply pending migrations (one process at a time); returns the versions applied."""
        applied: list[int] = []
        with self.transaction():
            self.run("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            if self.schema:
                self._local.conn.execute(
                    SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(self.schema))
                )
            self.run(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = {row["version"] for row in self.rows("SELECT version FROM schema_migrations")}
            for version, name, script in migrations("postgres"):
                if version in done:
                    continue
                self._local.conn.execute(script)
                self.run("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now_iso()))
                applied.append(version)
        return applied

    # full-text index -------------------------------------------------------------------------------

    def _write_terms(self, article_id: int, title: str, body: str, old: Row | None) -> None:
        """Store the terms row with its tsvector (document frequencies follow in _apply_df)."""
        self.run(
            """INSERT INTO article_terms (article_id, title, body, tsv) VALUES (?, ?, ?, ?::tsvector)
               ON CONFLICT (article_id) DO UPDATE SET title = excluded.title, body = excluded.body, tsv = excluded.tsv""",
            (article_id, title, body, tsvector_literal(title.split(), body.split())),
        )

    def _apply_df(self, delta: Counter[str]) -> None:
        """Add the batch's document-frequency changes, in term order (no deadlocks between writers)."""
        changes = sorted((term, n) for term, n in delta.items() if n)
        if changes:
            self.run(
                """INSERT INTO term_df (term, df) SELECT * FROM unnest(?::text[], ?::int[])
                        ON CONFLICT (term) DO UPDATE SET df = term_df.df + excluded.df""",
                ([t for t, _ in changes], [n for _, n in changes]),
            )

    def _rebuild_index(self) -> None:
        """Recount every term's document frequency (term_df) from the tsvectors."""
        self.run("LOCK TABLE term_df IN EXCLUSIVE MODE")
        self.run("DELETE FROM term_df")
        self.run(
            "INSERT INTO term_df (term, df) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM article_terms')"
        )

    def _size_bytes(self) -> int:
        """The schema's tables with their indexes."""
        return int(
            self._value(
                """SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'"""
            )
        )

    # search --------------------------------------------------------------------------------------

    def _count_matches(self, groups: Groups, every: bool, filters: str, params: list[Any]) -> int:
        """How many articles match the tsquery under the filters."""
        return int(
            self._value(
                f"""SELECT count(*) AS n FROM article_terms t JOIN articles a ON a.id = t.article_id
                WHERE t.tsv @@ ?::tsquery {filters}""",
                [tsquery_literal(groups, "&" if every else "|"), *params],
            )
        )

    def _rank_matches(
        self, groups: Groups, every: bool, filters: str, params: list[Any], limit: int, offset: int
    ) -> list[tuple[int, float]]:
        """ts_rank over title (weighted) and body terms, best first, newest first on ties."""
        rows = self.rows(
            f"""SELECT t.article_id AS id, {RANK} AS rank
                FROM article_terms t JOIN articles a ON a.id = t.article_id, CAST(? AS tsquery) q
                WHERE t.tsv @@ q {filters}
                ORDER BY rank DESC, a.published DESC NULLS LAST, a.id DESC LIMIT ? OFFSET ?""",
            [RANK_WEIGHTS, tsquery_literal(groups, "&" if every else "|"), *params, limit, offset],
        )
        return [(row["id"], float(row["rank"])) for row in rows]

    def match_terms(
        self, term_groups: Sequence[Sequence[str]], limit: int = 50, exclude: Sequence[int] = ()
    ) -> list[tuple[int, float]]:
        """Article ids ranked for any of the terms (a "more like this" query); higher is better."""
        if not term_groups:
            return []
        rows = self.rows(
            f"""SELECT t.article_id AS id, {RANK} AS rank FROM article_terms t, CAST(? AS tsquery) q
                WHERE t.tsv @@ q AND NOT (t.article_id = ANY(?)) ORDER BY rank DESC, t.article_id DESC LIMIT ?""",
            (RANK_WEIGHTS, tsquery_literal(term_groups, "|"), list(exclude), limit),
        )
        return [(row["id"], float(row["rank"])) for row in rows]

    def term_document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """In how many articles each term occurs (from the term_df table)."""
        wanted = list(set(terms))
        found = dict.fromkeys(wanted, 0)
        found.update(
            {
                row["term"]: row["df"]
                for row in self.rows("SELECT term, df FROM term_df WHERE term = ANY(?)", (wanted,))
            }
        )
        return found

    def document_frequencies(self) -> tuple[int, dict[str, int]]:
        """The number of articles and, for every indexed term, in how many articles it occurs."""
        total = int(self._value("SELECT count(*) AS n FROM article_terms"))
        return total, {
            row["term"]: row["df"] for row in self.rows("SELECT term, df FROM term_df WHERE df > 0")
        }

    # maintenance ---------------------------------------------------------------------------------

    def tables(self) -> set[str]:
        """The tables of the store's schema."""
        return {
            row["table_name"]
            for row in self.rows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        }

    def columns(self, table: str) -> list[str]:
        """A table's column names, in order."""
        return [
            row["column_name"]
            for row in self.rows(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ? ORDER BY ordinal_position",
                (table,),
            )
        ]

    def check_index(self) -> tuple[int, str]:
        """Terms whose term_df count differs from their document count in the tsvectors."""
        wrong = self._value(
            """SELECT count(*) AS n FROM (SELECT word, ndoc FROM ts_stat('SELECT tsv FROM article_terms')) s
               FULL JOIN (SELECT term, df FROM term_df WHERE df > 0) d ON d.term = s.word
               WHERE s.ndoc IS DISTINCT FROM d.df"""
        )
        return int(wrong), ""

    def read_table(self, table: str, columns: Sequence[str], chunk: int) -> Iterator[Chunk]:
        """A table's rows in chunks through a server-side cursor (one snapshot)."""
        with self.pool.connection() as conn, conn.cursor(name=f"copy_{table}") as cursor:
            conn.autocommit = False
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
            while batch := cursor.fetchmany(chunk):
                yield [tuple(row.values()) for row in batch]
            conn.rollback()
            conn.autocommit = True

    def write_table(self, table: str, columns: Sequence[str], rows: Chunk) -> None:
        """COPY rows in; article_terms rows get their tsvector from their terms."""
        names = list(columns)
        if table == "article_terms":
            at = {name: i for i, name in enumerate(names)}
            keep = [i for i, name in enumerate(names) if name != "tsv"]
            names = [names[i] for i in keep] + ["tsv"]
            rows = [
                (*(row[i] for i in keep), tsvector_literal(row[at["title"]].split(), row[at["body"]].split()))
                for row in rows
            ]
        with (
            self.connection() as conn,
            conn.cursor().copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def restart_ids(self, tables: Sequence[str]) -> None:
        """Move each table's id sequence past its largest id."""
        for table in tables:
            if "id" not in self.columns(table):
                continue
            sequence = self._value("SELECT pg_get_serial_sequence(?, 'id') AS s", (table,))
            if sequence:
                self.rows(f"SELECT setval(?, max(id)) FROM {table} HAVING count(*) > 0", (sequence,))
