"""The PostgreSQL store: the scale-out backend. Same schema and behaviour as the SQLite store.

The analyzer's key-form terms go into a weighted tsvector (title A, body D) with a GIN index; lexemes
are written verbatim (never re-parsed by a text search configuration) so PostgreSQL and SQLite agree
on what a word is. Connections come from a pool; a thread holds one connection while inside a
transaction, and transactions nest by depth counting like the SQLite store's.

URL: postgresql://user@host:port/db[?schema=NAME&pool=N&...]; `schema` (Akhbar's option) puts every
table in that schema (created if missing), `pool` caps the connection pool; the other query options
go to libpq.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from akhbar import text as analyzer
from akhbar.errors import StoreError
from akhbar.models import Article, FetchResult, Source, Story, Tag
from akhbar.store.base import SearchPage, SourceHealth, WriteOutcome
from akhbar.store.query import COORDINATION_POOL, coordination_rank, query_term_groups, search_hits
from akhbar.store.sqlite import (
    ARTICLE_COLUMNS,
    from_iso,
    iso,
    migrations,
    now_iso,
    row_to_article,
    row_to_source,
)

# ts_rank weights for {D, C, B, A}: a title term counts three times a body term (as in the SQLite store).
RANK_WEIGHTS = "{0.1, 0.2, 0.2, 0.3}"
RANK_NORMALIZATION = 1  # divide by 1 + log(document length), like BM25's length normalisation
MAX_POSITION = 16383
MIGRATION_LOCK = 0x616B6862  # "akhb": advisory lock serialising migrations across processes
CONNECT_RETRIES = 3


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
    parts = []
    for group in groups:
        alternatives = " | ".join(quote_lexeme(term) for term in group)
        parts.append(f"({alternatives})" if len(group) > 1 else alternatives)
    return f" {operator} ".join(parts)


def article_terms(article: Article) -> tuple[list[str], list[str]]:
    """The analyzer's index terms of an article's title and text."""
    return analyzer.terms(article.title), analyzer.terms(article.text)


class PostgresStore:
    """Store on a PostgreSQL database (optionally one schema of it), shared by any number of processes."""

    def __init__(self, url: str, pool_size: int | None = None) -> None:
        self.url = url
        self.conninfo, self.schema, default_pool = split_url(url)
        self._local = threading.local()
        self.pool = ConnectionPool(
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

    def _configure(self, conn: psycopg.Connection) -> None:
        """Put a new connection on the store's schema."""
        if self.schema:
            conn.execute(sql.SQL("SET search_path TO {}, public").format(sql.Identifier(self.schema)))

    @property
    def depth(self) -> int:
        """How deep this thread is in nested transactions."""
        return getattr(self._local, "depth", 0)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """This thread's transaction connection, or a pooled one (autocommit) outside transactions."""
        if self.depth:
            yield self._local.conn
            return
        with self.pool.connection(timeout=30) as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside is committed together or rolled back; nested calls join the outer one."""
        if self.depth:
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
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

    def _execute(self, query: str, params: Sequence | dict | None = None) -> psycopg.Cursor:
        """Run a statement on this thread's transaction connection (call inside transaction())."""
        return self._local.conn.execute(query, params)

    def _query(self, query: str, params: Sequence | dict | None = None) -> list[dict[str, Any]]:
        """Run a read and return its rows; outside a transaction a dropped connection is retried."""
        attempts = 1 if self.depth else CONNECT_RETRIES
        for attempt in range(attempts):
            try:
                with self.connection() as conn:
                    return conn.execute(query, params).fetchall()
            except psycopg.OperationalError:
                if attempt + 1 == attempts:
                    raise
                time.sleep(0.2 * (attempt + 1))
        return []

    def close(self) -> None:
        """Close the pool."""
        self.pool.close()

    def advisory_lock(self, name: str) -> None:
        """Hold a database-wide lock on `name` until the current transaction ends (serialises writers)."""
        self._execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (name,))

    def migrate(self) -> list[int]:
        """Apply pending migrations (one process at a time); returns the versions applied."""
        applied: list[int] = []
        with self.transaction():
            self._execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            if self.schema:
                self._local.conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
            self._execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = {row["version"] for row in self._execute("SELECT version FROM schema_migrations").fetchall()}
            for version, name, script in migrations("postgres"):
                if version in done:
                    continue
                self._execute(script)
                self._execute("INSERT INTO schema_migrations VALUES (%s, %s, %s)", (version, name, now_iso()))
                applied.append(version)
        return applied

    def schema_version(self) -> int:
        """The newest applied migration."""
        return self._query("SELECT coalesce(max(version), 0) AS v FROM schema_migrations")[0]["v"]

    # sources -----------------------------------------------------------------------------------

    def upsert_source(self, source: Source) -> None:
        """Add a source or replace its settings (its crawl state is kept)."""
        with self.transaction():
            self._execute(
                """INSERT INTO sources (id, name, home, feeds, sitemaps, language, country, poll_interval, enabled, added_at)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT(id) DO UPDATE SET name=excluded.name, home=excluded.home, feeds=excluded.feeds,
                     sitemaps=excluded.sitemaps, language=excluded.language, country=excluded.country,
                     poll_interval=excluded.poll_interval, enabled=excluded.enabled""",
                (source.id, source.name, source.home, json.dumps(source.feeds), json.dumps(source.sitemaps),
                 source.language, source.country, source.poll_interval, int(source.enabled), now_iso()),
            )

    def get_source(self, source_id: str) -> Source | None:
        """One source by id."""
        rows = self._query("SELECT * FROM sources WHERE id = %s", (source_id,))
        return row_to_source(rows[0]) if rows else None

    def list_sources(self) -> list[Source]:
        """Every source, by id."""
        return [row_to_source(row) for row in self._query("SELECT * FROM sources ORDER BY id")]

    def delete_source(self, source_id: str) -> bool:
        """Remove a source (its articles stay)."""
        with self.transaction():
            return self._execute("DELETE FROM sources WHERE id = %s", (source_id,)).rowcount > 0

    def move_articles(self, from_source: str, to_source: str, url_prefix: str) -> int:
        """Give the articles of `from_source` whose URL starts with `url_prefix` to `to_source`; how many moved."""
        with self.transaction():
            return self._execute(
                "UPDATE articles SET source_id = %s WHERE source_id = %s AND left(url, %s) = %s",
                (to_source, from_source, len(url_prefix), url_prefix)).rowcount

    def source_state(self, source_id: str) -> dict:
        """The crawler's saved state for a source."""
        rows = self._query("SELECT state, next_poll_at FROM sources WHERE id = %s", (source_id,))
        if not rows:
            return {}
        state = json.loads(rows[0]["state"])
        state.setdefault("next_poll_at", rows[0]["next_poll_at"])
        return state

    def save_source_state(self, source_id: str, state: dict, next_poll_at: datetime | None) -> None:
        """Save the crawler's state for a source."""
        with self.transaction():
            self._execute(
                "UPDATE sources SET state = %s, next_poll_at = %s WHERE id = %s",
                (json.dumps(state, ensure_ascii=False), iso(next_poll_at), source_id),
            )

    # articles ----------------------------------------------------------------------------------

    def write_articles(self, articles: Sequence[Article]) -> list[WriteOutcome]:
        """Insert new articles, version changed ones, skip unchanged ones, all in one transaction."""
        outcomes: list[WriteOutcome] = []
        stamp = now_iso()
        df_delta: Counter[str] = Counter()
        with self.transaction():
            for article in articles:
                digest = article.content_hash
                row = self._execute(
                    "SELECT id, content_hash, version, title, text, partial FROM articles WHERE url = %s", (article.url,)
                ).fetchone()
                if row is None:
                    article_id = self._insert_article(article, digest, stamp, df_delta)
                    if article_id is None:  # another writer stored this URL just now
                        row = self._execute(
                            "SELECT id, content_hash, version, title, text, partial FROM articles WHERE url = %s", (article.url,)
                        ).fetchone()
                if row is None:
                    status = "imported"
                elif row["content_hash"] == digest or self._execute(
                    "SELECT 1 FROM article_versions WHERE article_id = %s AND content_hash = %s", (row["id"], digest)
                ).fetchone():
                    article_id, status = row["id"], "unchanged"
                    article.version = row["version"]
                    if row["partial"] and not article.partial:
                        status = "updated"  # the full page of an article first known from its feed
                        self._execute(
                            "UPDATE articles SET partial = 0, author = coalesce(author, %s), image = coalesce(image, %s), "
                            "updated_at = %s WHERE id = %s",
                            (article.author, article.image, stamp, row["id"]),
                        )
                else:
                    article_id, status = row["id"], "updated"
                    article.version = self._update_article(row, article, digest, stamp, df_delta)
                article.id = article_id
                if article.external_id:
                    self._execute(
                        "INSERT INTO article_aliases (external_id, article_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                        (article.external_id, article_id),
                    )
                outcomes.append(WriteOutcome(article_id, status))
            self._apply_df(df_delta)
        return outcomes

    def _insert_article(self, article: Article, digest: str, stamp: str, df_delta: Counter[str]) -> int | None:
        """Insert a new article and index its terms; None if the URL was stored concurrently."""
        row = self._execute(
            """INSERT INTO articles (url, source_id, title, text, summary, author, category, language, image,
                 published, fetched, partial, content_hash, version, created_at, updated_at)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1, %s, %s)
               ON CONFLICT (url) DO NOTHING RETURNING id""",
            (article.url, article.source, article.title, article.text, article.summary, article.author,
             article.category, article.language, article.image, iso(article.published), iso(article.fetched),
             int(article.partial), digest, stamp, stamp),
        ).fetchone()
        if row is None:
            return None
        self._index(row["id"], article, df_delta)
        return row["id"]

    def _update_article(self, row: dict, article: Article, digest: str, stamp: str, df_delta: Counter[str]) -> int:
        """Keep the current text as a version, write the new one, re-index; returns the new version."""
        self._execute(
            """INSERT INTO article_versions (article_id, version, title, text, content_hash, replaced_at)
               VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING""",
            (row["id"], row["version"], row["title"], row["text"], row["content_hash"], stamp),
        )
        version = row["version"] + 1
        self._execute(
            """UPDATE articles SET title = %s, text = %s, summary = coalesce(%s, summary), author = coalesce(%s, author),
                 category = coalesce(%s, category), language = coalesce(%s, language), image = coalesce(%s, image),
                 published = coalesce(published, %s), fetched = coalesce(%s, fetched), partial = %s,
                 content_hash = %s, version = %s, updated_at = %s WHERE id = %s""",
            (article.title, article.text, article.summary, article.author, article.category, article.language,
             article.image, iso(article.published), iso(article.fetched), int(article.partial), digest, version,
             stamp, row["id"]),
        )
        self._index(row["id"], article, df_delta)
        return version

    def _index(self, article_id: int, article: Article, df_delta: Counter[str]) -> None:
        """Write an article's analyzer terms and tsvector, and note the document-frequency change."""
        title_terms, body_terms = article_terms(article)
        old = self._execute("SELECT title, body FROM article_terms WHERE article_id = %s", (article_id,)).fetchone()
        if old is not None:
            df_delta.subtract(set(old["title"].split()) | set(old["body"].split()))
        df_delta.update(set(title_terms) | set(body_terms))
        self.write_terms(article_id, " ".join(title_terms), " ".join(body_terms))

    def write_terms(self, article_id: int, title: str, body: str) -> None:
        """Store an article's space-joined title and body terms with their tsvector (no df update)."""
        self._execute(
            """INSERT INTO article_terms (article_id, title, body, tsv) VALUES (%s, %s, %s, %s::tsvector)
               ON CONFLICT (article_id) DO UPDATE SET title = excluded.title, body = excluded.body, tsv = excluded.tsv""",
            (article_id, title, body, tsvector_literal(title.split(), body.split())),
        )

    def _apply_df(self, delta: Counter[str]) -> None:
        """Add the batch's document-frequency changes, in term order (no deadlocks between writers)."""
        changes = sorted((term, n) for term, n in delta.items() if n)
        if changes:
            self._execute(
                """INSERT INTO term_df (term, df) SELECT * FROM unnest(%s::text[], %s::int[])
                   ON CONFLICT (term) DO UPDATE SET df = term_df.df + excluded.df""",
                ([t for t, _ in changes], [n for _, n in changes]),
            )

    def rebuild_term_df(self) -> None:
        """Recount every term's document frequency from the index."""
        with self.transaction():
            self._execute("LOCK TABLE term_df IN EXCLUSIVE MODE")
            self._execute("DELETE FROM term_df")
            self._execute("INSERT INTO term_df (term, df) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM article_terms')")

    def get_article(self, article_id: int) -> Article | None:
        """One article with its tags."""
        rows = self._query(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = %s", (article_id,))
        if not rows:
            return None
        article = row_to_article(rows[0])
        article.tags = self.article_tags(article_id)
        return article

    def get_articles(self, article_ids: Sequence[int]) -> list[Article]:
        """Several articles by id, in the given order (no tags)."""
        if not article_ids:
            return []
        rows = self._query(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ANY(%s)", (list(article_ids),))
        by_id = {row["id"]: row_to_article(row) for row in rows}
        return [by_id[i] for i in article_ids if i in by_id]

    def article_id_for_url(self, url: str) -> int | None:
        """The id of the article stored under this canonical URL."""
        rows = self._query("SELECT id FROM articles WHERE url = %s", (url,))
        return rows[0]["id"] if rows else None

    def article_ids_for_external(self, external_ids: Sequence[str]) -> dict[str, int]:
        """Map corpus ids to store ids."""
        rows = self._query(
            "SELECT external_id, article_id FROM article_aliases WHERE external_id = ANY(%s)", (list(external_ids),)
        )
        return {row["external_id"]: row["article_id"] for row in rows}

    def article_versions(self, article_id: int) -> list[dict]:
        """Earlier versions of an article, oldest first."""
        return self._query(
            "SELECT version, title, text, replaced_at FROM article_versions WHERE article_id = %s ORDER BY version",
            (article_id,),
        )

    def latest_articles(
        self,
        limit: int = 20,
        before: tuple[str, int] | None = None,
        source: str | None = None,
        category: str | None = None,
        story_id: int | None = None,
    ) -> list[Article]:
        """Newest articles first, after the (published, id) cursor `before`."""
        where, params = ["published IS NOT NULL"], []
        if before is not None:
            where.append("(published < %s OR (published = %s AND id < %s))")
            params += [before[0], before[0], before[1]]
        for column, value in (("source_id", source), ("category", category), ("story_id", story_id)):
            if value is not None:
                where.append(f"{column} = %s")
                params.append(value)
        rows = self._query(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE {' AND '.join(where)} ORDER BY published DESC, id DESC LIMIT %s",
            [*params, limit],
        )
        return [row_to_article(row) for row in rows]

    def iter_articles(self, batch_size: int = 1000) -> Iterator[Article]:
        """Every article in publication order (undated first)."""
        last: tuple[str, int] = ("", 0)
        while True:
            rows = self._query(
                f"""SELECT {ARTICLE_COLUMNS} FROM articles WHERE (coalesce(published, ''), id) > (%s, %s)
                    ORDER BY coalesce(published, ''), id LIMIT %s""",
                (last[0], last[1], batch_size),
            )
            if not rows:
                return
            for row in rows:
                yield row_to_article(row)
            last = (rows[-1]["published"] or "", rows[-1]["id"])

    def article_count(self) -> int:
        """How many articles are stored."""
        return self._query("SELECT count(*) AS n FROM articles")[0]["n"]

    def stats(self) -> dict:
        """Articles per source, date range and store size in bytes (the schema's tables and indexes)."""
        per_source = {row["source_id"]: row["n"] for row in self._query(
            "SELECT source_id, count(*) AS n FROM articles GROUP BY source_id ORDER BY count(*) DESC")}
        span = self._query("SELECT min(published) AS first, max(published) AS last FROM articles")[0]
        size = self._query(
            """SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'"""
        )[0]["bytes"]
        return {"articles": sum(per_source.values()), "sources": per_source, "first": span["first"],
                "last": span["last"], "bytes": size}

    # search --------------------------------------------------------------------------------------

    def _filters(self, source: str | None, since: datetime | None, until: datetime | None) -> tuple[str, list]:
        """SQL conditions and parameters for the search filters."""
        filters, params = "", []
        if source:
            filters += " AND a.source_id = %s"
            params.append(source)
        if since:
            filters += " AND a.published >= %s"
            params.append(iso(since))
        if until:
            filters += " AND a.published <= %s"
            params.append(iso(until))
        return filters, params

    def _count(self, tsquery: str, filters: str, params: list) -> int:
        """How many articles match a tsquery under the filters."""
        return self._query(
            f"""SELECT count(*) AS n FROM article_terms t JOIN articles a ON a.id = t.article_id
                WHERE t.tsv @@ %s::tsquery {filters}""",
            [tsquery, *params],
        )[0]["n"]

    def search(
        self,
        query: str,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchPage:
        """Ranked over title (weighted) and body terms, recency as tie-break; AND, then OR if AND finds little."""
        groups = query_term_groups(query)
        if not groups:
            return SearchPage([], 0)
        filters, params = self._filters(source, since, until)
        tsquery = tsquery_literal(groups, "&")
        total = self._count(tsquery, filters, params)
        fallback = total < 10 and len(groups) > 1
        if fallback:
            tsquery = tsquery_literal(groups, "|")
            total = self._count(tsquery, filters, params)
        window = (max(COORDINATION_POOL, offset + limit), 0) if fallback else (limit, offset)
        rows = self._query(
            f"""SELECT t.article_id AS id, ts_rank(%s, t.tsv, q, {RANK_NORMALIZATION}) AS rank,
                       t.title || ' ' || t.body AS terms
                FROM article_terms t JOIN articles a ON a.id = t.article_id, CAST(%s AS tsquery) q
                WHERE t.tsv @@ q {filters}
                ORDER BY rank DESC, a.published DESC NULLS LAST, a.id DESC LIMIT %s OFFSET %s""",
            [RANK_WEIGHTS, tsquery, *params, *window],
        )
        ranked = [(row["id"], float(row["rank"])) for row in rows]
        if fallback:
            terms_by_id = {row["id"]: row["terms"] for row in rows}
            ranked = coordination_rank(ranked, groups, terms_by_id)[offset : offset + limit]
        articles = self.get_articles([article_id for article_id, _ in ranked])
        return SearchPage(search_hits(articles, ranked, groups), total)

    def match_terms(self, term_groups: Sequence[Sequence[str]], limit: int = 50,
                    exclude: Sequence[int] = ()) -> list[tuple[int, float]]:
        """Article ids ranked for any of the terms (a "more like this" query); higher is better."""
        if not term_groups:
            return []
        rows = self._query(
            f"""SELECT article_id AS id, ts_rank(%s, tsv, q, {RANK_NORMALIZATION}) AS rank
                FROM article_terms, CAST(%s AS tsquery) q
                WHERE tsv @@ q AND NOT (article_id = ANY(%s)) ORDER BY rank DESC, article_id DESC LIMIT %s""",
            (RANK_WEIGHTS, tsquery_literal(term_groups, "|"), list(exclude), limit),
        )
        return [(row["id"], float(row["rank"])) for row in rows]

    def term_document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """In how many articles each term occurs (from the term_df table)."""
        wanted = list(set(terms))
        rows = self._query("SELECT term, df FROM term_df WHERE term = ANY(%s)", (wanted,))
        found = {term: 0 for term in wanted}
        found.update({row["term"]: row["df"] for row in rows})
        return found

    # tags ----------------------------------------------------------------------------------------

    def set_article_enrichment(self, article_id: int, language: str | None, category: str | None) -> None:
        """Set an article's detected language and category (a None leaves that field as it is)."""
        with self.transaction():
            self._execute(
                "UPDATE articles SET language = coalesce(%s, language), category = coalesce(%s, category) WHERE id = %s",
                (language, category, article_id),
            )

    def set_article_tags(self, article_id: int, tags: Sequence[Tag]) -> None:
        """Replace an article's tags (ordered, best first), keeping tag counts right."""
        with self.transaction():
            self._execute(
                """UPDATE tags SET article_count = article_count - 1
                   WHERE id IN (SELECT tag_id FROM article_tags WHERE article_id = %s)""",
                (article_id,),
            )
            self._execute("DELETE FROM article_tags WHERE article_id = %s", (article_id,))
            for rank, tag in enumerate(tags):
                tag_key = tag.key or analyzer.key(tag.name)
                tag_id = self._execute(
                    """INSERT INTO tags (slug, key, name, type) VALUES (%s, %s, %s, %s)
                       ON CONFLICT(key) DO UPDATE SET name = excluded.name, type = excluded.type
                       RETURNING id""",
                    (tag.slug, tag_key, tag.name, tag.type),
                ).fetchone()["id"]
                inserted = self._execute(
                    """INSERT INTO article_tags (article_id, tag_id, rank, score) VALUES (%s, %s, %s, %s)
                       ON CONFLICT DO NOTHING""",
                    (article_id, tag_id, rank, tag.score),
                ).rowcount
                if inserted:
                    self._execute("UPDATE tags SET article_count = article_count + 1 WHERE id = %s", (tag_id,))

    def article_tags(self, article_id: int) -> list[Tag]:
        """An article's tags, best first."""
        rows = self._query(
            """SELECT t.slug, t.name, t.type, t.key, at.score FROM article_tags at JOIN tags t ON t.id = at.tag_id
               WHERE at.article_id = %s ORDER BY at.rank""",
            (article_id,),
        )
        return [Tag(slug=r["slug"], name=r["name"], type=r["type"], key=r["key"], score=r["score"]) for r in rows]

    def get_tag(self, slug: str) -> Tag | None:
        """One tag by slug (score = number of articles)."""
        rows = self._query("SELECT slug, name, type, key, article_count FROM tags WHERE slug = %s", (slug,))
        if not rows:
            return None
        r = rows[0]
        return Tag(slug=r["slug"], name=r["name"], type=r["type"], key=r["key"], score=float(r["article_count"]))

    def articles_with_tag(self, slug: str, limit: int = 20, before: tuple[str, int] | None = None) -> list[Article]:
        """Newest articles carrying a tag."""
        where, params = ["t.slug = %s"], [slug]
        if before is not None:
            where.append("(a.published < %s OR (a.published = %s AND a.id < %s))")
            params += [before[0], before[0], before[1]]
        cols = ", ".join(f"a.{c.strip()}" for c in ARTICLE_COLUMNS.split(","))
        rows = self._query(
            f"""SELECT {cols} FROM tags t JOIN article_tags at ON at.tag_id = t.id JOIN articles a ON a.id = at.article_id
                WHERE {' AND '.join(where)} ORDER BY a.published DESC NULLS LAST, a.id DESC LIMIT %s""",
            [*params, limit],
        )
        return [row_to_article(row) for row in rows]

    # stories and duplicates ----------------------------------------------------------------------

    def save_story(self, story: Story, central_article_id: int | None = None) -> int:
        """Create (id 0) or update a story's title, times and counts; returns its id."""
        with self.transaction():
            values = (story.title, iso(story.first_seen), iso(story.last_seen), len(story.article_ids),
                      len(set(story.sources)), central_article_id, now_iso())
            if not story.id:
                story.id = self._execute(
                    """INSERT INTO stories (title, first_seen, last_seen, article_count, source_count,
                         central_article_id, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id""",
                    values,
                ).fetchone()["id"]
            else:
                self._execute(
                    """UPDATE stories SET title = %s, first_seen = %s, last_seen = %s, article_count = %s,
                         source_count = %s, central_article_id = coalesce(%s, central_article_id), updated_at = %s
                       WHERE id = %s""",
                    (*values, story.id),
                )
        return story.id

    def assign_story(self, article_id: int, story_id: int) -> None:
        """Put an article in a story."""
        with self.transaction():
            self._execute("UPDATE articles SET story_id = %s WHERE id = %s", (story_id, article_id))

    def get_story(self, story_id: int) -> Story | None:
        """One story with its article ids (oldest first) and outlets."""
        rows = self._query("SELECT * FROM stories WHERE id = %s", (story_id,))
        if not rows:
            return None
        members = self._query(
            "SELECT id, source_id FROM articles WHERE story_id = %s ORDER BY published NULLS FIRST, id", (story_id,)
        )
        row = rows[0]
        return Story(
            id=row["id"], title=row["title"], first_seen=from_iso(row["first_seen"]), last_seen=from_iso(row["last_seen"]),
            article_ids=[m["id"] for m in members], sources=list(dict.fromkeys(m["source_id"] for m in members)),
        )

    def top_stories(self, limit: int = 20, since: datetime | None = None,
                    category: str | None = None) -> list[Story]:
        """Stories ranked by outlets covering them, then recency."""
        where, params = ["merged_into IS NULL"], []
        if since is not None:
            where.append("last_seen >= %s")
            params.append(iso(since))
        if category is not None:
            where.append("id IN (SELECT story_id FROM articles WHERE category = %s AND story_id IS NOT NULL)")
            params.append(category)
        rows = self._query(
            f"""SELECT id FROM stories WHERE {' AND '.join(where)}
                ORDER BY source_count DESC, article_count DESC, last_seen DESC NULLS LAST LIMIT %s""",
            [*params, limit],
        )
        return [story for story in (self.get_story(row["id"]) for row in rows) if story]

    def save_duplicate_group(self, group_id: int, canonical_article_id: int, member_ids: Sequence[int]) -> int:
        """Create (id 0) or extend a duplicate group; returns its id."""
        with self.transaction():
            if not group_id:
                group_id = self._execute(
                    "INSERT INTO duplicate_groups (canonical_article_id, size) VALUES (%s, 0) RETURNING id",
                    (canonical_article_id,),
                ).fetchone()["id"]
            self._execute("UPDATE articles SET duplicate_group = %s WHERE id = ANY(%s)", (group_id, list(member_ids)))
            self._execute(
                """UPDATE duplicate_groups SET canonical_article_id = %s,
                     size = (SELECT count(*) FROM articles WHERE duplicate_group = %s) WHERE id = %s""",
                (canonical_article_id, group_id, group_id),
            )
        return group_id

    def duplicate_group_canonical(self, group_id: int) -> int | None:
        """The canonical (earliest) article of a duplicate group."""
        rows = self._query("SELECT canonical_article_id FROM duplicate_groups WHERE id = %s", (group_id,))
        return rows[0]["canonical_article_id"] if rows else None

    def merge_stories(self, into_id: int, from_id: int) -> None:
        """Move every article of story `from_id` into `into_id` and mark `from_id` as merged into it."""
        with self.transaction():
            self._execute("UPDATE articles SET story_id = %s WHERE story_id = %s", (into_id, from_id))
            self._execute(
                "UPDATE stories SET merged_into = %s, article_count = 0, updated_at = %s WHERE id = %s",
                (into_id, now_iso(), from_id),
            )
            self._execute("UPDATE stories SET merged_into = %s WHERE merged_into = %s", (into_id, from_id))
            self._execute("DELETE FROM relate_stories WHERE story_id = %s", (from_id,))

    # relate stage state --------------------------------------------------------------------------

    def article_terms(self, article_ids: Sequence[int]) -> dict[int, tuple[list[str], list[str]]]:
        """The analyzer's (title terms, body terms) of articles, as indexed."""
        rows = self._query(
            "SELECT article_id, title, body FROM article_terms WHERE article_id = ANY(%s)", (list(article_ids),)
        )
        return {row["article_id"]: (row["title"].split(), row["body"].split()) for row in rows}

    def document_frequencies(self) -> tuple[int, dict[str, int]]:
        """The number of articles and, for every indexed term, in how many articles it occurs."""
        total = self._query("SELECT count(*) AS n FROM article_terms")[0]["n"]
        return total, {row["term"]: row["df"] for row in self._query("SELECT term, df FROM term_df WHERE df > 0")}

    def save_signature(self, article_id: int, published: datetime | None, body_hash: str,
                       minhash: bytes | None) -> None:
        """Record an article's duplicate signature (exact body hash and MinHash)."""
        with self.transaction():
            self._execute(
                """INSERT INTO relate_signatures (article_id, published, body_hash, minhash) VALUES (%s, %s, %s, %s)
                   ON CONFLICT (article_id) DO UPDATE SET published = excluded.published,
                     body_hash = excluded.body_hash, minhash = excluded.minhash""",
                (article_id, iso(published), body_hash, minhash),
            )

    def articles_with_body_hash(self, body_hash: str) -> list[int]:
        """Ids of the articles with this body hash, oldest first."""
        rows = self._query(
            """SELECT article_id FROM relate_signatures WHERE body_hash = %s
               ORDER BY coalesce(published, ''), article_id""",
            (body_hash,),
        )
        return [row["article_id"] for row in rows]

    def recent_signatures(self, since: datetime) -> list[tuple[int, datetime, bytes]]:
        """(article id, published, MinHash) of the articles published since a time, in publication order."""
        rows = self._query(
            """SELECT article_id, published, minhash FROM relate_signatures WHERE published >= %s AND minhash IS NOT NULL
               ORDER BY published, article_id""",
            (iso(since),),
        )
        return [(row["article_id"], from_iso(row["published"]), bytes(row["minhash"])) for row in rows]

    def save_article_profile(self, article_id: int, profile: str) -> None:
        """Save the relate stage's profile of an article (JSON text)."""
        with self.transaction():
            self._execute(
                """INSERT INTO relate_profiles (article_id, profile) VALUES (%s, %s)
                   ON CONFLICT (article_id) DO UPDATE SET profile = excluded.profile""",
                (article_id, profile),
            )

    def article_profiles(self, article_ids: Sequence[int]) -> dict[int, str]:
        """The relate profiles of articles that have one."""
        rows = self._query(
            "SELECT article_id, profile FROM relate_profiles WHERE article_id = ANY(%s)", (list(article_ids),)
        )
        return {row["article_id"]: row["profile"] for row in rows}

    def story_members(self, story_ids: Sequence[int]) -> list[tuple[int, int, int | None, datetime | None]]:
        """(article id, story id, duplicate group, published) of every article of these stories."""
        if not story_ids:
            return []
        rows = self._query(
            "SELECT id, story_id, duplicate_group, published FROM articles WHERE story_id = ANY(%s)", (list(story_ids),)
        )
        return [(row["id"], row["story_id"], row["duplicate_group"], from_iso(row["published"])) for row in rows]

    def save_story_state(self, story_id: int, last_seen: datetime | None, state: str) -> None:
        """Save the relate stage's clustering state of a story (JSON text)."""
        with self.transaction():
            self._execute(
                """INSERT INTO relate_stories (story_id, last_seen, state) VALUES (%s, %s, %s)
                   ON CONFLICT (story_id) DO UPDATE SET last_seen = excluded.last_seen, state = excluded.state""",
                (story_id, iso(last_seen), state),
            )

    def recent_story_states(self, since: datetime) -> list[tuple[int, str]]:
        """(story id, state) of the unmerged stories last seen since a time, oldest first."""
        rows = self._query(
            """SELECT r.story_id, r.state FROM relate_stories r JOIN stories s ON s.id = r.story_id
               WHERE r.last_seen >= %s AND s.merged_into IS NULL ORDER BY r.last_seen, r.story_id""",
            (iso(since),),
        )
        return [(row["story_id"], row["state"]) for row in rows]

    # fetch log and stage state -------------------------------------------------------------------

    def log_fetch(self, result: FetchResult) -> None:
        """Record one fetch outcome."""
        with self.transaction():
            self._execute(
                """INSERT INTO fetch_log (source_id, url, status, elapsed, bytes, error, conditional, fetched_at)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                (result.source, result.url, result.status, result.elapsed, result.bytes, result.error,
                 int(result.conditional), iso(result.fetched_at) or now_iso()),
            )

    def source_health(self, source_id: str) -> SourceHealth:
        """A source's fetch and article record."""
        fetches = self._query(
            """SELECT count(*) AS n,
                 sum(CASE WHEN status IS NULL OR (status >= 400) THEN 1 ELSE 0 END) AS errors,
                 max(CASE WHEN status IS NOT NULL AND status < 400 THEN fetched_at END) AS last_success,
                 max(CASE WHEN status IS NULL OR status >= 400 THEN fetched_at END) AS last_error,
                 avg(elapsed) AS mean_elapsed
               FROM fetch_log WHERE source_id = %s""",
            (source_id,),
        )[0]
        message = self._query(
            """SELECT coalesce(error, 'HTTP ' || status) AS message FROM fetch_log
               WHERE source_id = %s AND (status IS NULL OR status >= 400) ORDER BY id DESC LIMIT 1""",
            (source_id,),
        )
        articles = self._query(
            "SELECT count(*) AS n, min(published) AS first, max(published) AS last FROM articles WHERE source_id = %s",
            (source_id,),
        )[0]
        first, last = from_iso(articles["first"]), from_iso(articles["last"])
        days = max(1.0, (last - first).total_seconds() / 86400) if first and last else 1.0
        return SourceHealth(
            source_id=source_id,
            last_success=from_iso(fetches["last_success"]),
            last_error=from_iso(fetches["last_error"]),
            last_error_message=message[0]["message"] if message else None,
            fetches=fetches["n"],
            errors=int(fetches["errors"] or 0),
            mean_fetch_seconds=float(fetches["mean_elapsed"]) if fetches["mean_elapsed"] is not None else None,
            articles=articles["n"],
            articles_per_day=round(articles["n"] / days, 2),
        )

    def get_state(self, name: str) -> str | None:
        """A stage's saved state (JSON text)."""
        rows = self._query("SELECT value FROM stage_state WHERE name = %s", (name,))
        return rows[0]["value"] if rows else None

    def set_state(self, name: str, value: str) -> None:
        """Save a stage's state."""
        with self.transaction():
            self._execute(
                """INSERT INTO stage_state (name, value) VALUES (%s, %s)
                   ON CONFLICT(name) DO UPDATE SET value = excluded.value""",
                (name, value),
            )
