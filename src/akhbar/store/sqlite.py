"""The SQLite store: the embedded default. WAL mode, versioned migrations, FTS5 over analyzer terms."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from akhbar import text as analyzer
from akhbar.errors import NotADatabaseError, StoreError, StoreLockedError
from akhbar.models import Article, FetchResult, Source, Story, Tag
from akhbar.store.base import SearchPage, SourceHealth, WriteOutcome
from akhbar.store.query import (
    COORDINATION_POOL,
    coordination_rank,
    fts_match,
    query_term_groups,
    search_hits,
)

BUSY_TIMEOUT_MS = 15_000
TITLE_WEIGHT = 3.0

ARTICLE_COLUMNS = (
    "id, url, source_id, title, text, summary, author, category, language, image, published, fetched, "
    "partial, version, story_id, duplicate_group"
)


def iso(moment: datetime | None) -> str | None:
    """A datetime as sortable UTC text (YYYY-MM-DDTHH:MM:SSZ)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(value: str | None) -> datetime | None:
    """The inverse of iso()."""
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def now_iso() -> str:
    """The current time as stored text."""
    return iso(datetime.now(UTC))  # type: ignore[return-value]


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


def migrations(dialect: str) -> list[tuple[int, str, str]]:
    """The (version, name, sql) migrations of a dialect, in order."""
    folder = resources.files("akhbar.store") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, name = entry.name.removesuffix(".sql").partition("_")
            found.append((int(number), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def row_to_article(row: sqlite3.Row) -> Article:
    """An articles row as an Article (without tags)."""
    return Article(
        id=row["id"],
        url=row["url"],
        source=row["source_id"],
        title=row["title"],
        text=row["text"],
        summary=row["summary"],
        author=row["author"],
        category=row["category"],
        language=row["language"],
        image=row["image"],
        published=from_iso(row["published"]),
        fetched=from_iso(row["fetched"]),
        partial=bool(row["partial"]),
        version=row["version"],
        story_id=row["story_id"],
        duplicate_group=row["duplicate_group"],
    )


def row_to_source(row: sqlite3.Row) -> Source:
    """A sources row as a Source."""
    return Source(
        id=row["id"],
        name=row["name"],
        home=row["home"],
        feeds=json.loads(row["feeds"]),
        sitemaps=json.loads(row["sitemaps"]),
        language=row["language"],
        country=row["country"],
        poll_interval=row["poll_interval"],
        enabled=bool(row["enabled"]),
    )


class SQLiteStore:
    """Store on one SQLite file; one connection per thread, writes serialised by SQLite."""

    def __init__(self, path: str | Path, url: str | None = None, busy_timeout: float = BUSY_TIMEOUT_MS / 1000,
                 read_only: bool | None = False) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.read_only = read_only
        self.url = url or f"sqlite:///{self.path}"
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise NotADatabaseError(f"{self.path} is not an SQLite database; refusing to open it")
        if read_only is None:  # read-only only where the file or its folder cannot be written
            read_only = self.path.exists() and not (os.access(self.path, os.W_OK)
                                                    and os.access(self.path.parent, os.W_OK))
        self.read_only = read_only
        if self.read_only:
            self._require_schema()
        else:
            self.migrate()

    # connections and transactions -------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            self._local.depth = 0
        return conn

    def _connect(self) -> sqlite3.Connection:
        """Open a connection with the pragmas Akhbar relies on."""
        try:
            target, uri = (self._read_only_uri(), True) if self.read_only else (str(self.path), False)
            conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=self.busy_timeout,
                                   uri=uri)
            conn.row_factory = sqlite3.Row
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

    def _read_only_uri(self) -> str:
        """The file URI of a read-only connection; immutable when the file or its folder cannot be written.

        A WAL database opened with mode=ro still needs to create its -shm file, so on a read-only file
        or folder SQLite refuses every read ("attempt to write a readonly database"); immutable=1 reads
        the file as it is, which is right there because no process can be writing it.
        """
        writable = os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        return self.path.resolve().as_uri() + ("?mode=ro" if writable else "?mode=ro&immutable=1")

    def _require_schema(self) -> None:
        """Refuse a read-only open of a missing, empty or unmigrated store (it cannot be created or migrated)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            raise StoreError(f"no store at {self.path}: create it with `akhbar init` or `akhbar import`")
        try:
            version = self.conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        if version < migrations("sqlite")[-1][0]:
            raise StoreError(f"{self.path} is at schema {version}: run `akhbar init` once with write access")

    def _error(self, exc: sqlite3.Error) -> StoreError:
        """A typed, clear error for an sqlite3 exception."""
        message = str(exc)
        if "locked" in message or "busy" in message:
            return StoreLockedError(f"{self.path} is locked by another process (waited {self.busy_timeout:g} s): {message}")
        if "not a database" in message or "malformed" in message:
            return NotADatabaseError(f"{self.path} is not a usable Akhbar database: {message}")
        return StoreError(f"{self.path}: {message}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside is committed together or rolled back; nested calls join the outer one."""
        conn = self.conn
        if self._local.depth:
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._error(exc) from exc
        self._local.depth = 1
        try:
            yield
        except BaseException:
            self._local.depth = 0
            conn.execute("ROLLBACK")
            raise
        self._local.depth = 0
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise self._error(exc) from exc

    def _query(self, sql: str, params: Sequence | dict = ()) -> list[sqlite3.Row]:
        """Run a read and return all rows, with typed errors."""
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise self._error(exc) from exc

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
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            pending = migrations("sqlite")
            done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            if all(version in done for version, _, _ in pending):
                return applied
            with self.transaction():
                done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
                for version, name, sql in pending:
                    if version in done:
                        continue
                    for statement in sql_statements(sql):
                        conn.execute(statement)
                    conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now_iso()))
                    applied.append(version)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        return applied

    def schema_version(self) -> int:
        """The newest applied migration."""
        return self._query("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0]

    # sources -----------------------------------------------------------------------------------

    def upsert_source(self, source: Source) -> None:
        """Add a source or replace its settings (its crawl state is kept)."""
        with self.transaction():
            self.conn.execute(
                """INSERT INTO sources (id, name, home, feeds, sitemaps, language, country, poll_interval, enabled, added_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET name=excluded.name, home=excluded.home, feeds=excluded.feeds,
                     sitemaps=excluded.sitemaps, language=excluded.language, country=excluded.country,
                     poll_interval=excluded.poll_interval, enabled=excluded.enabled""",
                (source.id, source.name, source.home, json.dumps(source.feeds), json.dumps(source.sitemaps),
                 source.language, source.country, source.poll_interval, int(source.enabled), now_iso()),
            )

    def get_source(self, source_id: str) -> Source | None:
        """One source by id."""
        rows = self._query("SELECT * FROM sources WHERE id = ?", (source_id,))
        return row_to_source(rows[0]) if rows else None

    def list_sources(self) -> list[Source]:
        """Every source, by id."""
        return [row_to_source(row) for row in self._query("SELECT * FROM sources ORDER BY id")]

    def delete_source(self, source_id: str) -> bool:
        """Remove a source (its articles stay)."""
        with self.transaction():
            return self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,)).rowcount > 0

    def move_articles(self, from_source: str, to_source: str, url_prefix: str) -> int:
        """Give the articles of `from_source` whose URL starts with `url_prefix` to `to_source`; how many moved."""
        with self.transaction():
            return self.conn.execute(
                "UPDATE articles SET source_id = ? WHERE source_id = ? AND substr(url, 1, ?) = ?",
                (to_source, from_source, len(url_prefix), url_prefix)).rowcount

    def source_state(self, source_id: str) -> dict:
        """The crawler's saved state for a source."""
        rows = self._query("SELECT state, next_poll_at FROM sources WHERE id = ?", (source_id,))
        if not rows:
            return {}
        state = json.loads(rows[0]["state"])
        state.setdefault("next_poll_at", rows[0]["next_poll_at"])
        return state

    def save_source_state(self, source_id: str, state: dict, next_poll_at: datetime | None) -> None:
        """Save the crawler's state for a source."""
        with self.transaction():
            self.conn.execute(
                "UPDATE sources SET state = ?, next_poll_at = ? WHERE id = ?",
                (json.dumps(state, ensure_ascii=False), iso(next_poll_at), source_id),
            )

    # articles ----------------------------------------------------------------------------------

    def write_articles(self, articles: Sequence[Article]) -> list[WriteOutcome]:
        """Insert new articles, version changed ones, skip unchanged ones, all in one transaction."""
        outcomes: list[WriteOutcome] = []
        conn = self.conn
        stamp = now_iso()
        with self.transaction():
            for article in articles:
                digest = article.content_hash
                row = conn.execute(
                    "SELECT id, content_hash, version, title, text, partial FROM articles WHERE url = ?", (article.url,)
                ).fetchone()
                if row is None:
                    article_id = self._insert_article(article, digest, stamp)
                    status = "imported"
                elif row["content_hash"] == digest or conn.execute(
                    "SELECT 1 FROM article_versions WHERE article_id = ? AND content_hash = ?", (row["id"], digest)
                ).fetchone():
                    article_id, status = row["id"], "unchanged"
                    article.version = row["version"]
                    if row["partial"] and not article.partial:
                        status = "updated"  # the full page of an article first known from its feed
                        conn.execute(
                            "UPDATE articles SET partial = 0, author = coalesce(author, ?), image = coalesce(image, ?), "
                            "updated_at = ? WHERE id = ?",
                            (article.author, article.image, stamp, row["id"]),
                        )
                else:
                    article_id, status = row["id"], "updated"
                    article.version = self._update_article(row, article, digest, stamp)
                article.id = article_id
                if article.external_id:
                    conn.execute(
                        "INSERT OR IGNORE INTO article_aliases (external_id, article_id) VALUES (?, ?)",
                        (article.external_id, article_id),
                    )
                outcomes.append(WriteOutcome(article_id, status))
        return outcomes

    def _insert_article(self, article: Article, digest: str, stamp: str) -> int:
        """Insert a new article and index its terms."""
        cursor = self.conn.execute(
            """INSERT INTO articles (url, source_id, title, text, summary, author, category, language, image,
                 published, fetched, partial, content_hash, version, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)""",
            (article.url, article.source, article.title, article.text, article.summary, article.author,
             article.category, article.language, article.image, iso(article.published), iso(article.fetched),
             int(article.partial), digest, stamp, stamp),
        )
        article_id = cursor.lastrowid
        self._index(article_id, article)
        return article_id

    def _update_article(self, row: sqlite3.Row, article: Article, digest: str, stamp: str) -> int:
        """Keep the current text as a version, write the new one, re-index; returns the new version."""
        conn = self.conn
        conn.execute(
            "INSERT OR IGNORE INTO article_versions (article_id, version, title, text, content_hash, replaced_at) VALUES (?, ?, ?, ?, ?, ?)",
            (row["id"], row["version"], row["title"], row["text"], row["content_hash"], stamp),
        )
        old = conn.execute("SELECT title, body FROM article_terms WHERE article_id = ?", (row["id"],)).fetchone()
        if old is not None:
            conn.execute(
                "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                (row["id"], old["title"], old["body"]),
            )
        version = row["version"] + 1
        conn.execute(
            """UPDATE articles SET title = ?, text = ?, summary = coalesce(?, summary), author = coalesce(?, author),
                 category = coalesce(?, category), language = coalesce(?, language), image = coalesce(?, image),
                 published = coalesce(published, ?), fetched = coalesce(?, fetched), partial = ?,
                 content_hash = ?, version = ?, updated_at = ? WHERE id = ?""",
            (article.title, article.text, article.summary, article.author, article.category, article.language,
             article.image, iso(article.published), iso(article.fetched), int(article.partial), digest, version,
             stamp, row["id"]),
        )
        self._index(row["id"], article)
        return version

    def _index(self, article_id: int, article: Article) -> None:
        """Write an article's analyzer terms and add them to the FTS index."""
        title_terms = " ".join(analyzer.terms(article.title))
        body_terms = " ".join(analyzer.terms(article.text))
        self.conn.execute(
            "INSERT OR REPLACE INTO article_terms (article_id, title, body) VALUES (?, ?, ?)",
            (article_id, title_terms, body_terms),
        )
        self.conn.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", (article_id, title_terms, body_terms)
        )

    def get_article(self, article_id: int) -> Article | None:
        """One article with its tags."""
        rows = self._query(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        if not rows:
            return None
        article = row_to_article(rows[0])
        article.tags = self.article_tags(article_id)
        return article

    def get_articles(self, article_ids: Sequence[int]) -> list[Article]:
        """Several articles by id, in the given order (no tags)."""
        if not article_ids:
            return []
        marks = ",".join("?" * len(article_ids))
        rows = self._query(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", list(article_ids))
        by_id = {row["id"]: row_to_article(row) for row in rows}
        return [by_id[i] for i in article_ids if i in by_id]

    def article_id_for_url(self, url: str) -> int | None:
        """The id of the article stored under this canonical URL."""
        rows = self._query("SELECT id FROM articles WHERE url = ?", (url,))
        return rows[0][0] if rows else None

    def article_ids_for_external(self, external_ids: Sequence[str]) -> dict[str, int]:
        """Map corpus ids to store ids."""
        found: dict[str, int] = {}
        ids = list(external_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                f"SELECT external_id, article_id FROM article_aliases WHERE external_id IN ({marks})", chunk
            ):
                found[row[0]] = row[1]
        return found

    def article_versions(self, article_id: int) -> list[dict]:
        """Earlier versions of an article, oldest first."""
        rows = self._query(
            "SELECT version, title, text, replaced_at FROM article_versions WHERE article_id = ? ORDER BY version",
            (article_id,),
        )
        return [dict(row) for row in rows]

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
            where.append("(published < ? OR (published = ? AND id < ?))")
            params += [before[0], before[0], before[1]]
        for column, value in (("source_id", source), ("category", category), ("story_id", story_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        rows = self._query(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE {' AND '.join(where)} ORDER BY published DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [row_to_article(row) for row in rows]

    def iter_articles(self, batch_size: int = 1000) -> Iterator[Article]:
        """Every article in publication order (undated first)."""
        last = ("", 0)
        while True:
            rows = self._query(
                f"""SELECT {ARTICLE_COLUMNS} FROM articles WHERE (coalesce(published, ''), id) > (?, ?)
                    ORDER BY coalesce(published, ''), id LIMIT ?""",
                (last[0], last[1], batch_size),
            )
            if not rows:
                return
            for row in rows:
                yield row_to_article(row)
            last = (rows[-1]["published"] or "", rows[-1]["id"])

    def article_count(self) -> int:
        """How many articles are stored."""
        return self._query("SELECT count(*) FROM articles")[0][0]

    def stats(self) -> dict:
        """Articles per source, date range and store size in bytes."""
        per_source = {row[0]: row[1] for row in self._query(
            "SELECT source_id, count(*) FROM articles GROUP BY source_id ORDER BY count(*) DESC")}
        first, last = self._query("SELECT min(published), max(published) FROM articles")[0]
        size = sum(
            os.path.getsize(p) for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")) if os.path.exists(p)
        )
        return {"articles": sum(per_source.values()), "sources": per_source, "first": first, "last": last, "bytes": size}

    # search --------------------------------------------------------------------------------------

    def _match(self, match: str, filters: str, params: list, limit: int, offset: int) -> list[sqlite3.Row]:
        """Ids and BM25 ranks of the articles matching an FTS5 expression, best first, newest first on ties.

        Without filters the FTS table answers alone (ids follow publication order on import); with them,
        CROSS JOIN keeps the FTS index driving and the covering index serves the filter columns.
        """
        if not filters:
            return self._query(
                f"""SELECT rowid AS id, bm25(articles_fts, {TITLE_WEIGHT}, 1.0) AS rank FROM articles_fts
                    WHERE articles_fts MATCH ? ORDER BY rank, rowid DESC LIMIT ? OFFSET ?""",
                [match, limit, offset],
            )
        return self._query(
            f"""SELECT f.rowid AS id, bm25(articles_fts, {TITLE_WEIGHT}, 1.0) AS rank
                FROM articles_fts f CROSS JOIN articles a INDEXED BY articles_search_cover ON a.id = f.rowid
                WHERE articles_fts MATCH ? {filters}
                ORDER BY rank, a.published DESC LIMIT ? OFFSET ?""",
            [match, *params, limit, offset],
        )

    def _count(self, match: str, filters: str, params: list) -> int:
        """How many articles match an FTS5 expression under the filters."""
        if not filters:
            return self._query("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [match])[0][0]
        return self._query(
            f"""SELECT count(*) FROM articles_fts f CROSS JOIN articles a INDEXED BY articles_search_cover
                ON a.id = f.rowid WHERE articles_fts MATCH ? {filters}""",
            [match, *params],
        )[0][0]

    def search(
        self,
        query: str,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchPage:
        """BM25 over title (weighted) and body terms, recency as tie-break; AND, then OR if AND finds little."""
        groups = query_term_groups(query)
        if not groups:
            return SearchPage([], 0)
        filters, params = "", []
        if source:
            filters += " AND a.source_id = ?"
            params.append(source)
        if since:
            filters += " AND a.published >= ?"
            params.append(iso(since))
        if until:
            filters += " AND a.published <= ?"
            params.append(iso(until))
        match = fts_match(groups, "AND")
        total = self._count(match, filters, params)
        if total < 10 and len(groups) > 1:
            match = fts_match(groups, "OR")
            total = self._count(match, filters, params)
            pool = self._match(match, filters, params, max(COORDINATION_POOL, offset + limit), 0)
            ids = [row["id"] for row in pool]
            marks = ",".join("?" * len(ids))
            terms_by_id = {row[0]: f"{row[1]} {row[2]}" for row in self._query(
                f"SELECT article_id, title, body FROM article_terms WHERE article_id IN ({marks})", ids)}
            ranked = coordination_rank([(row["id"], -row["rank"]) for row in pool], groups, terms_by_id)
            ranked = ranked[offset : offset + limit]
        else:
            ranked = [(row["id"], -row["rank"]) for row in self._match(match, filters, params, limit, offset)]
        articles = self.get_articles([article_id for article_id, _ in ranked])
        return SearchPage(search_hits(articles, ranked, groups), total)

    def match_terms(self, term_groups: Sequence[Sequence[str]], limit: int = 50,
                    exclude: Sequence[int] = ()) -> list[tuple[int, float]]:
        """Article ids ranked by BM25 for any of the terms (a "more like this" query)."""
        if not term_groups:
            return []
        excluded = set(exclude)
        rows = self._query(
            f"""SELECT rowid AS id, bm25(articles_fts, {TITLE_WEIGHT}, 1.0) AS rank FROM articles_fts
                WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?""",
            (fts_match(term_groups, "OR"), limit + len(excluded)),
        )
        return [(row["id"], -row["rank"]) for row in rows if row["id"] not in excluded][:limit]

    def term_document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """In how many articles each term occurs (from the FTS5 vocabulary)."""
        found: dict[str, int] = {}
        for term in set(terms):
            rows = self._query("SELECT doc FROM articles_vocab WHERE term = ?", (term,))
            found[term] = rows[0][0] if rows else 0
        return found

    # tags ----------------------------------------------------------------------------------------

    def set_article_enrichment(self, article_id: int, language: str | None, category: str | None) -> None:
        """Set an article's detected language and category (a None leaves that field as it is)."""
        with self.transaction():
            self.conn.execute(
                "UPDATE articles SET language = coalesce(?, language), category = coalesce(?, category) WHERE id = ?",
                (language, category, article_id),
            )

    def set_article_tags(self, article_id: int, tags: Sequence[Tag]) -> None:
        """Replace an article's tags (ordered, best first), keeping tag counts right."""
        conn = self.conn
        with self.transaction():
            old = [row[0] for row in conn.execute("SELECT tag_id FROM article_tags WHERE article_id = ?", (article_id,))]
            conn.execute("DELETE FROM article_tags WHERE article_id = ?", (article_id,))
            conn.executemany("UPDATE tags SET article_count = article_count - 1 WHERE id = ?", [(t,) for t in old])
            for rank, tag in enumerate(tags):
                tag_key = tag.key or analyzer.key(tag.name)
                row = conn.execute(
                    """INSERT INTO tags (slug, key, name, type) VALUES (?, ?, ?, ?)
                       ON CONFLICT(key) DO UPDATE SET name = excluded.name, type = excluded.type
                       RETURNING id""",
                    (tag.slug, tag_key, tag.name, tag.type),
                ).fetchone()
                conn.execute(
                    "INSERT OR IGNORE INTO article_tags (article_id, tag_id, rank, score) VALUES (?, ?, ?, ?)",
                    (article_id, row[0], rank, tag.score),
                )
                conn.execute("UPDATE tags SET article_count = article_count + 1 WHERE id = ?", (row[0],))

    def article_tags(self, article_id: int) -> list[Tag]:
        """An article's tags, best first."""
        rows = self._query(
            """SELECT t.slug, t.name, t.type, t.key, at.score FROM article_tags at JOIN tags t ON t.id = at.tag_id
               WHERE at.article_id = ? ORDER BY at.rank""",
            (article_id,),
        )
        return [Tag(slug=r["slug"], name=r["name"], type=r["type"], key=r["key"], score=r["score"]) for r in rows]

    def get_tag(self, slug: str) -> Tag | None:
        """One tag by slug (score = number of articles)."""
        rows = self._query("SELECT slug, name, type, key, article_count FROM tags WHERE slug = ?", (slug,))
        if not rows:
            return None
        r = rows[0]
        return Tag(slug=r["slug"], name=r["name"], type=r["type"], key=r["key"], score=float(r["article_count"]))

    def articles_with_tag(self, slug: str, limit: int = 20, before: tuple[str, int] | None = None) -> list[Article]:
        """Newest articles carrying a tag."""
        where, params = ["t.slug = ?"], [slug]
        if before is not None:
            where.append("(a.published < ? OR (a.published = ? AND a.id < ?))")
            params += [before[0], before[0], before[1]]
        cols = ", ".join(f"a.{c.strip()}" for c in ARTICLE_COLUMNS.split(","))
        rows = self._query(
            f"""SELECT {cols} FROM tags t JOIN article_tags at ON at.tag_id = t.id JOIN articles a ON a.id = at.article_id
                WHERE {' AND '.join(where)} ORDER BY a.published DESC, a.id DESC LIMIT ?""",
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
                cursor = self.conn.execute(
                    """INSERT INTO stories (title, first_seen, last_seen, article_count, source_count,
                         central_article_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    values,
                )
                story.id = cursor.lastrowid
            else:
                self.conn.execute(
                    """UPDATE stories SET title = ?, first_seen = ?, last_seen = ?, article_count = ?, source_count = ?,
                         central_article_id = coalesce(?, central_article_id), updated_at = ? WHERE id = ?""",
                    (*values, story.id),
                )
        return story.id

    def assign_story(self, article_id: int, story_id: int) -> None:
        """Put an article in a story."""
        with self.transaction():
            self.conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))

    def get_story(self, story_id: int) -> Story | None:
        """One story with its article ids (oldest first) and outlets."""
        rows = self._query("SELECT * FROM stories WHERE id = ?", (story_id,))
        if not rows:
            return None
        members = self._query(
            "SELECT id, source_id FROM articles WHERE story_id = ? ORDER BY published, id", (story_id,)
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
            where.append("last_seen >= ?")
            params.append(iso(since))
        if category is not None:
            where.append("id IN (SELECT story_id FROM articles WHERE category = ? AND story_id IS NOT NULL)")
            params.append(category)
        rows = self._query(
            f"""SELECT id FROM stories WHERE {' AND '.join(where)}
                ORDER BY source_count DESC, article_count DESC, last_seen DESC LIMIT ?""",
            [*params, limit],
        )
        return [story for story in (self.get_story(row["id"]) for row in rows) if story]

    def save_duplicate_group(self, group_id: int, canonical_article_id: int, member_ids: Sequence[int]) -> int:
        """Create (id 0) or extend a duplicate group; returns its id."""
        conn = self.conn
        with self.transaction():
            if not group_id:
                group_id = conn.execute(
                    "INSERT INTO duplicate_groups (canonical_article_id, size) VALUES (?, 0)", (canonical_article_id,)
                ).lastrowid
            conn.executemany(
                "UPDATE articles SET duplicate_group = ? WHERE id = ?", [(group_id, m) for m in member_ids]
            )
            conn.execute(
                """UPDATE duplicate_groups SET canonical_article_id = ?,
                     size = (SELECT count(*) FROM articles WHERE duplicate_group = ?) WHERE id = ?""",
                (canonical_article_id, group_id, group_id),
            )
        return group_id

    def duplicate_group_canonical(self, group_id: int) -> int | None:
        """The canonical (earliest) article of a duplicate group."""
        rows = self._query("SELECT canonical_article_id FROM duplicate_groups WHERE id = ?", (group_id,))
        return rows[0][0] if rows else None

    def merge_stories(self, into_id: int, from_id: int) -> None:
        """Move every article of story `from_id` into `into_id` and mark `from_id` as merged into it."""
        with self.transaction():
            self.conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (into_id, from_id))
            self.conn.execute(
                "UPDATE stories SET merged_into = ?, article_count = 0, updated_at = ? WHERE id = ?",
                (into_id, now_iso(), from_id),
            )
            self.conn.execute("UPDATE stories SET merged_into = ? WHERE merged_into = ?", (into_id, from_id))
            self.conn.execute("DELETE FROM relate_stories WHERE story_id = ?", (from_id,))

    # relate stage state --------------------------------------------------------------------------

    def article_terms(self, article_ids: Sequence[int]) -> dict[int, tuple[list[str], list[str]]]:
        """The analyzer's (title terms, body terms) of articles, as indexed."""
        found: dict[int, tuple[list[str], list[str]]] = {}
        ids = list(article_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                f"SELECT article_id, title, body FROM article_terms WHERE article_id IN ({marks})", chunk
            ):
                found[row[0]] = (row[1].split(), row[2].split())
        return found

    def document_frequencies(self) -> tuple[int, dict[str, int]]:
        """The number of articles and, for every indexed term, in how many articles it occurs."""
        total = self._query("SELECT count(*) FROM article_terms")[0][0]
        return total, {row[0]: row[1] for row in self.conn.execute("SELECT term, doc FROM articles_vocab")}

    def save_signature(self, article_id: int, published: datetime | None, body_hash: str,
                       minhash: bytes | None) -> None:
        """Record an article's duplicate signature (exact body hash and MinHash)."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO relate_signatures (article_id, published, body_hash, minhash) VALUES (?, ?, ?, ?)",
                (article_id, iso(published), body_hash, minhash),
            )

    def articles_with_body_hash(self, body_hash: str) -> list[int]:
        """Ids of the articles with this body hash, oldest first."""
        rows = self._query(
            "SELECT article_id FROM relate_signatures WHERE body_hash = ? ORDER BY coalesce(published, ''), article_id",
            (body_hash,),
        )
        return [row[0] for row in rows]

    def recent_signatures(self, since: datetime) -> list[tuple[int, datetime, bytes]]:
        """(article id, published, MinHash) of the articles published since a time, in publication order."""
        rows = self._query(
            """SELECT article_id, published, minhash FROM relate_signatures WHERE published >= ? AND minhash IS NOT NULL
               ORDER BY published, article_id""",
            (iso(since),),
        )
        return [(row[0], from_iso(row[1]), row[2]) for row in rows]

    def save_article_profile(self, article_id: int, profile: str) -> None:
        """Save the relate stage's profile of an article (JSON text)."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO relate_profiles (article_id, profile) VALUES (?, ?)", (article_id, profile)
            )

    def article_profiles(self, article_ids: Sequence[int]) -> dict[int, str]:
        """The relate profiles of articles that have one."""
        found: dict[int, str] = {}
        ids = list(article_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                f"SELECT article_id, profile FROM relate_profiles WHERE article_id IN ({marks})", chunk
            ):
                found[row[0]] = row[1]
        return found

    def story_members(self, story_ids: Sequence[int]) -> list[tuple[int, int, int | None, datetime | None]]:
        """(article id, story id, duplicate group, published) of every article of these stories."""
        ids = list(story_ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self._query(
            f"SELECT id, story_id, duplicate_group, published FROM articles WHERE story_id IN ({marks})", ids
        )
        return [(row[0], row[1], row[2], datetime.fromisoformat(row[3]) if row[3] else None) for row in rows]

    def save_story_state(self, story_id: int, last_seen: datetime | None, state: str) -> None:
        """Save the relate stage's clustering state of a story (JSON text)."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO relate_stories (story_id, last_seen, state) VALUES (?, ?, ?)",
                (story_id, iso(last_seen), state),
            )

    def recent_story_states(self, since: datetime) -> list[tuple[int, str]]:
        """(story id, state) of the unmerged stories last seen since a time, oldest first."""
        rows = self._query(
            """SELECT r.story_id, r.state FROM relate_stories r JOIN stories s ON s.id = r.story_id
               WHERE r.last_seen >= ? AND s.merged_into IS NULL ORDER BY r.last_seen, r.story_id""",
            (iso(since),),
        )
        return [(row[0], row[1]) for row in rows]

    # fetch log and stage state -------------------------------------------------------------------

    def log_fetch(self, result: FetchResult) -> None:
        """Record one fetch outcome."""
        with self.transaction():
            self.conn.execute(
                """INSERT INTO fetch_log (source_id, url, status, elapsed, bytes, error, conditional, fetched_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
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
               FROM fetch_log WHERE source_id = ?""",
            (source_id,),
        )[0]
        message = self._query(
            "SELECT coalesce(error, 'HTTP ' || status) FROM fetch_log WHERE source_id = ? AND (status IS NULL OR status >= 400) ORDER BY id DESC LIMIT 1",
            (source_id,),
        )
        articles = self._query(
            "SELECT count(*), min(published), max(published) FROM articles WHERE source_id = ?", (source_id,)
        )[0]
        first, last = from_iso(articles[1]), from_iso(articles[2])
        days = max(1.0, (last - first).total_seconds() / 86400) if first and last else 1.0
        return SourceHealth(
            source_id=source_id,
            last_success=from_iso(fetches["last_success"]),
            last_error=from_iso(fetches["last_error"]),
            last_error_message=message[0][0] if message else None,
            fetches=fetches["n"],
            errors=fetches["errors"] or 0,
            mean_fetch_seconds=fetches["mean_elapsed"],
            articles=articles[0],
            articles_per_day=round(articles[0] / days, 2),
        )

    def get_state(self, name: str) -> str | None:
        """A stage's saved state (JSON text)."""
        rows = self._query("SELECT value FROM stage_state WHERE name = ?", (name,))
        return rows[0][0] if rows else None

    def set_state(self, name: str, value: str) -> None:
        """Save a stage's state."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO stage_state (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                (name, value),
            )
