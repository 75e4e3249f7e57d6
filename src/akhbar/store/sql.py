"""The storage interface and the SQL both backends share, written once (`SQLStore`, known as `Store`).

`SQLStore` implements every shared method on a few primitives each backend provides (`rows`, `run`,
transactions) and declares what truly differs: migrations, full-text indexing and search, sizes, and
the maintenance interface `akhbar check` and `akhbar migrate-store` use. Statements use `?`
placeholders and name the columns they read (rows are dicts on both backends); the PostgreSQL store
translates the placeholders once per statement. Upserts are written one way (`ON CONFLICT … DO
UPDATE/NOTHING`, new ids through `RETURNING id`: SQLite ≥ 3.35 and PostgreSQL both run them). A
membership test over a list is written `IN (?...)`; the backend expands it (`IN (?, ?, …)` in chunks
on SQLite, `= ANY(?)` with one array on PostgreSQL).
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from importlib import resources
from typing import Any, Literal

from akhbar import text as analyzer
from akhbar.errors import StoreError
from akhbar.models import Article, FetchResult, Source, Story, Tag
from akhbar.store.base import SearchPage, SourceHealth, WriteOutcome, WriteStatus
from akhbar.store.query import COORDINATION_POOL, coordination_rank, query_term_groups, search_hits
from akhbar.store.rows import (
    ARTICLE_COLUMNS,
    Row,
    article_columns,
    article_values,
    row_to_article,
    row_to_source,
    row_to_tag,
    source_values,
)
from akhbar.times import from_iso, iso, now_iso

Dialect = Literal["sqlite", "postgres"]
Params = Sequence[Any]
Chunk = list[tuple[Any, ...]]
Groups = Sequence[Sequence[str]]

#: The membership marker statements write; each backend expands it (see in_clause).
IN_LIST = "IN (?...)"

# Fewer articles than this holding every query word and the search takes those holding most of them.
FALLBACK_BELOW = 10
STORED_ARTICLE = "SELECT id, content_hash, version, title, text, partial FROM articles WHERE url = ?"


def migrations(dialect: Dialect) -> list[tuple[int, str, str]]:
    """The (version, name, sql) migrations of a dialect, in order (every NNNN_name.sql file of its folder)."""
    folder = resources.files("akhbar.store") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, name = entry.name.removesuffix(".sql").partition("_")
            found.append((int(number), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def search_filters(
    source: str | None, since: datetime | None, until: datetime | None
) -> tuple[str, list[Any]]:
    """SQL conditions on the articles alias `a` and their parameters for the search filters."""
    filters, params = "", []
    for condition, value in (
        (" AND a.source_id = ?", source),
        (" AND a.published >= ?", iso(since)),
        (" AND a.published <= ?", iso(until)),
    ):
        if value:
            filters += condition
            params.append(value)
    return filters, params


class SQLStore(ABC):
    """Storage of sources, articles, tags, stories, duplicate groups and the fetch log, over SQL."""

    url: str
    dialect: Dialect
    #: Per thread: `depth` of nested transactions and, where the backend needs it, the connection.
    _local: threading.local
    #: How many values one expanded `IN (?...)` binds at most.
    in_chunk: int

    # per backend: connections, statements, migrations --------------------------------------------
    @abstractmethod
    def _outermost(self) -> AbstractContextManager[None]:
        """Begin a transaction on this thread (depth 1); commit it at the end, roll it back on an error."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection(s)."""

    @abstractmethod
    def migrate(self) -> list[int]:
        """Apply pending migrations; returns the versions applied."""

    @abstractmethod
    def rows(self, sql: str, params: Params = ()) -> list[Row]:
        """The rows of a statement (`?` placeholders), inside the current transaction if there is one."""

    @abstractmethod
    def run(self, sql: str, params: Params = ()) -> int:
        """Run a write (`?` placeholders) in the current transaction, or alone outside one; rows changed."""

    @abstractmethod
    def run_many(self, sql: str, params: Sequence[Params]) -> None:
        """Run a write once per parameter tuple."""

    @abstractmethod
    def in_clause(self, count: int) -> str:
        """What `IN (?...)` becomes for `count` values."""

    @abstractmethod
    def in_params(self, values: list[Any]) -> list[Any]:
        """The parameters that bind `values` to in_clause(len(values))."""

    # per backend: full-text index, search, size --------------------------------------------------
    @abstractmethod
    def _write_terms(self, article_id: int, title: str, body: str, old: Row | None) -> None:
        """Store an article's space-joined terms and index them (`old`: its previous terms row)."""

    @abstractmethod
    def _apply_df(self, delta: Counter[str]) -> None:
        """Apply a batch's document-frequency changes where the backend keeps them itself."""

    @abstractmethod
    def _size_bytes(self) -> int:
        """The store's size on disk."""

    @abstractmethod
    def _count_matches(self, groups: Groups, every: bool, filters: str, params: list[Any]) -> int:
        """How many articles hold every term group (or, without `every`, any) under the search filters."""

    @abstractmethod
    def _rank_matches(
        self, groups: Groups, every: bool, filters: str, params: list[Any], limit: int, offset: int
    ) -> list[tuple[int, float]]:
        """(article id, score) of those articles, best first (higher is better), newest first on ties."""

    @abstractmethod
    def match_terms(
        self, term_groups: Sequence[Sequence[str]], limit: int = 50, exclude: Sequence[int] = ()
    ) -> list[tuple[int, float]]:
        """Article ids ranked for any of the terms (a "more like this" query); higher is better."""

    @abstractmethod
    def term_document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """In how many articles each term occurs."""

    @abstractmethod
    def document_frequencies(self) -> tuple[int, dict[str, int]]:
        """The number of articles and, for every indexed term, in how many articles it occurs."""

    # per backend: maintenance (`akhbar check`, `akhbar migrate-store`) ------------------------------
    @abstractmethod
    def tables(self) -> set[str]:
        """The names of the store's tables (and views)."""

    @abstractmethod
    def columns(self, table: str) -> list[str]:
        """A table's column names, in order."""

    @abstractmethod
    def _rebuild_index(self) -> None:
        """Rebuild what the full-text index derives from the terms table (inside the current transaction)."""

    @abstractmethod
    def check_index(self) -> tuple[int, str]:
        """How many full-text index entries disagree with the stored terms (0: in step), and a detail."""

    @abstractmethod
    def read_table(self, table: str, columns: Sequence[str], chunk: int) -> Iterator[Chunk]:
        """A table's rows (these columns) in chunks, read consistently."""

    @abstractmethod
    def write_table(self, table: str, columns: Sequence[str], rows: Chunk) -> None:
        """Insert rows as they are (ids kept) into a table, inside the current transaction."""

    @abstractmethod
    def restart_ids(self, tables: Sequence[str]) -> None:
        """Make new rows of these tables get ids after the ones written by write_table()."""

    # transactions and helpers --------------------------------------------------------------------

    @property
    def depth(self) -> int:
        """How deep this thread is in nested transactions (0: outside any)."""
        return int(getattr(self._local, "depth", 0))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside is committed together or rolled back; nested calls join the outer one."""
        if not self.depth:
            with self._outermost():
                yield
            return
        self._local.depth += 1
        try:
            yield
        finally:
            self._local.depth -= 1

    def _one(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a statement, or None."""
        found = self.rows(sql, params)
        return found[0] if found else None

    def _value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row (None without rows)."""
        row = self._one(sql, params)
        return next(iter(row.values())) if row else None

    def _rows_in(self, sql: str, values: Sequence[Any], params: Params = ()) -> list[Row]:
        """Rows of `sql` with its `IN (?...)` (the last parameter) bound to `values`, in chunks."""
        found: list[Row] = []
        for chunk in self._chunks(values):
            found += self.rows(
                sql.replace(IN_LIST, self.in_clause(len(chunk))), [*params, *self.in_params(chunk)]
            )
        return found

    def _run_in(self, sql: str, values: Sequence[Any], params: Params = ()) -> None:
        """Run a write with its `IN (?...)` (the last parameter) bound to `values`, in chunks."""
        for chunk in self._chunks(values):
            self.run(sql.replace(IN_LIST, self.in_clause(len(chunk))), [*params, *self.in_params(chunk)])

    def _chunks(self, values: Sequence[Any]) -> Iterator[list[Any]]:
        """`values` in lists of at most in_chunk."""
        items = list(values)
        for start in range(0, len(items), self.in_chunk):
            yield items[start : start + self.in_chunk]

    def reindex(self, article_ids: Sequence[int] = ()) -> None:
        """Write these articles' terms anew from their text, then rebuild the full-text index from all terms."""
        with self.transaction():
            for article in self.get_articles(article_ids):
                assert article.id is not None
                self._write_terms(
                    article.id,
                    " ".join(analyzer.terms(article.title)),
                    " ".join(analyzer.terms(article.text)),
                    None,
                )
            self._rebuild_index()

    def schema_version(self) -> int:
        """The newest applied migration."""
        return int(self._value("SELECT coalesce(max(version), 0) AS v FROM schema_migrations"))

    # sources -------------------------------------------------------------------------------------

    def upsert_source(self, source: Source) -> None:
        """Add a source or replace its settings (its crawl state is kept)."""
        with self.transaction():
            self.run(
                """INSERT INTO sources (id, name, home, feeds, sitemaps, language, country, poll_interval, enabled,
                     added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET name = excluded.name, home = excluded.home, feeds = excluded.feeds,
                     sitemaps = excluded.sitemaps, language = excluded.language, country = excluded.country,
                     poll_interval = excluded.poll_interval, enabled = excluded.enabled""",
                (*source_values(source), now_iso()),
            )

    def get_source(self, source_id: str) -> Source | None:
        """One source by id."""
        row = self._one("SELECT * FROM sources WHERE id = ?", (source_id,))
        return row_to_source(row) if row else None

    def list_sources(self) -> list[Source]:
        """Every source, by id."""
        return [row_to_source(row) for row in self.rows("SELECT * FROM sources ORDER BY id")]

    def delete_source(self, source_id: str) -> bool:
        """Remove a source (its articles stay); True if it existed."""
        with self.transaction():
            return self.run("DELETE FROM sources WHERE id = ?", (source_id,)) > 0

    def move_articles(self, from_source: str, to_source: str, url_prefix: str) -> int:
        """Give the articles of `from_source` whose URL starts with `url_prefix` to `to_source`; how many moved."""
        with self.transaction():
            return self.run(
                "UPDATE articles SET source_id = ? WHERE source_id = ? AND substr(url, 1, ?) = ?",
                (to_source, from_source, len(url_prefix), url_prefix),
            )

    def source_state(self, source_id: str) -> dict[str, Any]:
        """The crawler's saved state for a source (ETags, rates, next poll)."""
        row = self._one("SELECT state, next_poll_at FROM sources WHERE id = ?", (source_id,))
        if row is None:
            return {}
        state: dict[str, Any] = json.loads(row["state"])
        state.setdefault("next_poll_at", row["next_poll_at"])
        return state

    def save_source_state(self, source_id: str, state: dict[str, Any], next_poll_at: datetime | None) -> None:
        """Save the crawler's state for a source."""
        with self.transaction():
            self.run(
                "UPDATE sources SET state = ?, next_poll_at = ? WHERE id = ?",
                (json.dumps(state, ensure_ascii=False), iso(next_poll_at), source_id),
            )

    # articles ------------------------------------------------------------------------------------

    def write_articles(self, articles: Sequence[Article]) -> list[WriteOutcome]:
        """Insert new articles, version changed ones, skip unchanged ones, all in one transaction."""
        stamp = now_iso()
        delta: Counter[str] = Counter()
        with self.transaction():
            outcomes = [self._write_article(article, stamp, delta) for article in articles]
            self._apply_df(delta)
        return outcomes

    def _write_article(self, article: Article, stamp: str, delta: Counter[str]) -> WriteOutcome:
        """Write one article (see write_articles); sets article.id and article.version."""
        digest = article.content_hash
        row = self._one(STORED_ARTICLE, (article.url,))
        if row is None:
            new_id = self._insert_article(article, digest, stamp, delta)
            if new_id is not None:
                return self._written(article, new_id, "imported")
            row = self._one(STORED_ARTICLE, (article.url,))  # another writer stored this URL just now
            if row is None:
                raise StoreError(f"{article.url} was neither inserted nor found")
        return self._written(article, row["id"], self._rewrite(row, article, digest, stamp, delta))

    def _rewrite(
        self, row: Row, article: Article, digest: str, stamp: str, delta: Counter[str]
    ) -> WriteStatus:
        """Version a stored article whose text changed, or complete a partial one; what it did."""
        if row["content_hash"] != digest and not self._one(
            "SELECT 1 AS known FROM article_versions WHERE article_id = ? AND content_hash = ?",
            (row["id"], digest),
        ):
            article.version = self._update_article(row, article, digest, stamp, delta)
            return "updated"
        article.version = row["version"]
        if row["partial"] and not article.partial:  # the full page of an article first known from its feed
            self.run(
                "UPDATE articles SET partial = 0, author = coalesce(author, ?), image = coalesce(image, ?), "
                "published_offset = coalesce(published_offset, ?), updated_at = ? WHERE id = ?",
                (article.author, article.image, article.published_offset, stamp, row["id"]),
            )
            return "updated"
        return "unchanged"

    def _written(self, article: Article, article_id: int, status: WriteStatus) -> WriteOutcome:
        """Give a written article its id and corpus alias."""
        article.id = article_id
        if article.external_id:
            self.run(
                "INSERT INTO article_aliases (external_id, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (article.external_id, article_id),
            )
        return WriteOutcome(article_id, status)

    def _insert_article(self, article: Article, digest: str, stamp: str, delta: Counter[str]) -> int | None:
        """Insert a new article and index its terms; None if its URL was stored concurrently."""
        row = self._one(
            """INSERT INTO articles (url, source_id, title, text, summary, author, category, language, image,
                 published, published_offset, fetched, partial, content_hash, version, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
               ON CONFLICT (url) DO NOTHING RETURNING id""",
            (article.url, article.source, *article_values(article, digest), stamp, stamp),
        )
        if row is None:
            return None
        self._index(row["id"], article, delta)
        return int(row["id"])

    def _update_article(
        self, row: Row, article: Article, digest: str, stamp: str, delta: Counter[str]
    ) -> int:
        """Keep the current text as a version, write the new one, re-index; returns the new version."""
        self.run(
            """INSERT INTO article_versions (article_id, version, title, text, content_hash, replaced_at)
               VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
            (row["id"], row["version"], row["title"], row["text"], row["content_hash"], stamp),
        )
        version = int(row["version"]) + 1
        self.run(
            """UPDATE articles SET title = ?, text = ?, summary = coalesce(?, summary), author = coalesce(?, author),
                 category = coalesce(?, category), language = coalesce(?, language), image = coalesce(?, image),
                 published = coalesce(published, ?), published_offset = coalesce(published_offset, ?),
                 fetched = coalesce(?, fetched), partial = ?, content_hash = ?, version = ?, updated_at = ? WHERE id = ?""",
            (*article_values(article, digest), version, stamp, row["id"]),
        )
        self._index(row["id"], article, delta)
        return version

    def _index(self, article_id: int, article: Article, delta: Counter[str]) -> None:
        """Write an article's analyzer terms into the index and note the document-frequency change."""
        title_terms, body_terms = analyzer.terms(article.title), analyzer.terms(article.text)
        old = self._one("SELECT title, body FROM article_terms WHERE article_id = ?", (article_id,))
        if old is not None:
            delta.subtract(set(old["title"].split()) | set(old["body"].split()))
        delta.update(set(title_terms) | set(body_terms))
        self._write_terms(article_id, " ".join(title_terms), " ".join(body_terms), old)

    def get_article(self, article_id: int) -> Article | None:
        """One article with its tags."""
        row = self._one(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        if row is None:
            return None
        article = row_to_article(row)
        article.tags = self.article_tags(article_id)
        return article

    def get_articles(self, article_ids: Sequence[int]) -> list[Article]:
        """Several articles by id, in the given order, missing ones left out (no tags)."""
        rows = self._rows_in(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id {IN_LIST}", article_ids)
        by_id = {row["id"]: row_to_article(row) for row in rows}
        return [by_id[i] for i in article_ids if i in by_id]

    def article_id_for_url(self, url: str) -> int | None:
        """The id of the article stored under this canonical URL."""
        row = self._one("SELECT id FROM articles WHERE url = ?", (url,))
        return int(row["id"]) if row else None

    def article_ids_for_external(self, external_ids: Sequence[str]) -> dict[str, int]:
        """Map corpus ids to store ids."""
        rows = self._rows_in(
            f"SELECT external_id, article_id FROM article_aliases WHERE external_id {IN_LIST}", external_ids
        )
        return {row["external_id"]: row["article_id"] for row in rows}

    def article_versions(self, article_id: int) -> list[dict[str, Any]]:
        """Earlier versions of an article, oldest first."""
        return self.rows(
            "SELECT version, title, text, replaced_at FROM article_versions WHERE article_id = ? "
            "ORDER BY version",
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
        where: list[str] = ["published IS NOT NULL"]
        params: list[Any] = []
        if before is not None:
            where.append("(published < ? OR (published = ? AND id < ?))")
            params += [before[0], before[0], before[1]]
        for column, value in (("source_id", source), ("category", category), ("story_id", story_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        rows = self.rows(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE {' AND '.join(where)} "
            "ORDER BY published DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [row_to_article(row) for row in rows]

    def iter_articles(self, batch_size: int = 1000) -> Iterator[Article]:
        """Every article in publication order (undated first)."""
        last: tuple[str, int] = ("", 0)
        while True:
            rows = self.rows(
                f"""SELECT {ARTICLE_COLUMNS} FROM articles WHERE (coalesce(published, ''), id) > (?, ?)
                    ORDER BY coalesce(published, ''), id LIMIT ?""",
                (last[0], last[1], batch_size),
            )
            if not rows:
                return
            yield from (row_to_article(row) for row in rows)
            last = (rows[-1]["published"] or "", rows[-1]["id"])

    def article_count(self) -> int:
        """How many articles are stored."""
        return int(self._value("SELECT count(*) AS n FROM articles"))

    def stats(self) -> dict[str, Any]:
        """Articles per source, date range and store size in bytes."""
        per_source = {
            row["source_id"]: row["n"]
            for row in self.rows(
                "SELECT source_id, count(*) AS n FROM articles GROUP BY source_id ORDER BY count(*) DESC"
            )
        }
        span = self.rows("SELECT min(published) AS first, max(published) AS last FROM articles")[0]
        return {
            "articles": sum(per_source.values()),
            "sources": per_source,
            "first": span["first"],
            "last": span["last"],
            "bytes": self._size_bytes(),
        }

    # search --------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchPage:
        """Ranked search with snippets: articles holding every query word, else those holding the most of them."""
        groups = query_term_groups(query)
        if not groups:
            return SearchPage([], 0)
        filters, params = search_filters(source, since, until)
        total = self._count_matches(groups, True, filters, params)
        if total < FALLBACK_BELOW and len(groups) > 1:
            total = self._count_matches(groups, False, filters, params)
            pool = self._rank_matches(
                groups, False, filters, params, max(COORDINATION_POOL, offset + limit), 0
            )
            terms = {
                i: " ".join(title + body)
                for i, (title, body) in self.article_terms([i for i, _ in pool]).items()
            }
            ranked = coordination_rank(pool, groups, terms)[offset : offset + limit]
        else:
            ranked = self._rank_matches(groups, True, filters, params, limit, offset)
        return SearchPage(search_hits(self.get_articles([i for i, _ in ranked]), ranked, groups), total)

    # enrichment and tags -------------------------------------------------------------------------

    def set_article_enrichment(self, article_id: int, language: str | None, category: str | None) -> None:
        """Set an article's detected language and category (a None leaves that field as it is)."""
        with self.transaction():
            self.run(
                "UPDATE articles SET language = coalesce(?, language), category = coalesce(?, category) "
                "WHERE id = ?",
                (language, category, article_id),
            )

    def set_article_tags(self, article_id: int, tags: Sequence[Tag]) -> None:
        """Replace an article's tags (ordered, best first), keeping tag counts right."""
        with self.transaction():
            self.run(
                "UPDATE tags SET article_count = article_count - 1 "
                "WHERE id IN (SELECT tag_id FROM article_tags WHERE article_id = ?)",
                (article_id,),
            )
            self.run("DELETE FROM article_tags WHERE article_id = ?", (article_id,))
            for rank, tag in enumerate(tags):
                tag_id = self._value(
                    """INSERT INTO tags (slug, key, name, type) VALUES (?, ?, ?, ?)
                       ON CONFLICT (key) DO UPDATE SET name = excluded.name, type = excluded.type RETURNING id""",
                    (tag.slug, tag.key or analyzer.key(tag.name), tag.name, tag.type),
                )
                if self.run(
                    "INSERT INTO article_tags (article_id, tag_id, rank, score) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    (article_id, tag_id, rank, tag.score),
                ):
                    self.run("UPDATE tags SET article_count = article_count + 1 WHERE id = ?", (tag_id,))

    def article_tags(self, article_id: int) -> list[Tag]:
        """An article's tags, best first."""
        rows = self.rows(
            """SELECT t.slug, t.name, t.type, t.key, at.score FROM article_tags at JOIN tags t ON t.id = at.tag_id
               WHERE at.article_id = ? ORDER BY at.rank""",
            (article_id,),
        )
        return [row_to_tag(row) for row in rows]

    def get_tag(self, slug: str) -> Tag | None:
        """One tag by slug (score = number of articles)."""
        row = self._one("SELECT slug, name, type, key, article_count FROM tags WHERE slug = ?", (slug,))
        return row_to_tag(row, float(row["article_count"])) if row else None

    def articles_with_tag(
        self, slug: str, limit: int = 20, before: tuple[str, int] | None = None
    ) -> list[Article]:
        """Newest articles carrying a tag."""
        where: list[str] = ["t.slug = ?"]
        params: list[Any] = [slug]
        if before is not None:
            where.append("(a.published < ? OR (a.published = ? AND a.id < ?))")
            params += [before[0], before[0], before[1]]
        rows = self.rows(
            f"""SELECT {article_columns("a")} FROM tags t JOIN article_tags at ON at.tag_id = t.id
                  JOIN articles a ON a.id = at.article_id
                WHERE {" AND ".join(where)} ORDER BY a.published DESC NULLS LAST, a.id DESC LIMIT ?""",
            [*params, limit],
        )
        return [row_to_article(row) for row in rows]

    # stories and duplicates ----------------------------------------------------------------------

    def save_story(self, story: Story, central_article_id: int | None = None) -> int:
        """Create (id 0) or update a story's title, times and counts; returns its id."""
        values = (
            story.title,
            iso(story.first_seen),
            iso(story.last_seen),
            len(story.article_ids),
            len(set(story.sources)),
            central_article_id,
            now_iso(),
        )
        with self.transaction():
            if not story.id:
                story.id = int(
                    self._value(
                        """INSERT INTO stories (title, first_seen, last_seen, article_count, source_count,
                         central_article_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                        values,
                    )
                )
            else:
                self.run(
                    """UPDATE stories SET title = ?, first_seen = ?, last_seen = ?, article_count = ?, source_count = ?,
                         central_article_id = coalesce(?, central_article_id), updated_at = ? WHERE id = ?""",
                    (*values, story.id),
                )
        return story.id

    def assign_story(self, article_id: int, story_id: int) -> None:
        """Put an article in a story."""
        with self.transaction():
            self.run("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))

    def get_story(self, story_id: int) -> Story | None:
        """One story with its article ids (oldest first) and outlets."""
        row = self._one("SELECT id, title, first_seen, last_seen FROM stories WHERE id = ?", (story_id,))
        if row is None:
            return None
        members = self.rows(
            "SELECT id, source_id FROM articles WHERE story_id = ? ORDER BY published NULLS FIRST, id",
            (story_id,),
        )
        return Story(
            id=row["id"],
            title=row["title"],
            first_seen=from_iso(row["first_seen"]),
            last_seen=from_iso(row["last_seen"]),
            article_ids=[m["id"] for m in members],
            sources=list(dict.fromkeys(m["source_id"] for m in members)),
        )

    def top_stories(
        self, limit: int = 20, since: datetime | None = None, category: str | None = None
    ) -> list[Story]:
        """Stories ranked by outlets covering them, then recency."""
        where: list[str] = ["merged_into IS NULL"]
        params: list[Any] = []
        if since is not None:
            where.append("last_seen >= ?")
            params.append(iso(since))
        if category is not None:
            where.append("id IN (SELECT story_id FROM articles WHERE category = ? AND story_id IS NOT NULL)")
            params.append(category)
        rows = self.rows(
            f"""SELECT id FROM stories WHERE {" AND ".join(where)}
                ORDER BY source_count DESC, article_count DESC, last_seen DESC NULLS LAST LIMIT ?""",
            [*params, limit],
        )
        return [story for story in (self.get_story(row["id"]) for row in rows) if story]

    def save_duplicate_group(
        self, group_id: int, canonical_article_id: int, member_ids: Sequence[int]
    ) -> int:
        """Create (id 0) or extend a duplicate group; returns its id."""
        with self.transaction():
            if not group_id:
                group_id = int(
                    self._value(
                        "INSERT INTO duplicate_groups (canonical_article_id, size) VALUES (?, 0) RETURNING id",
                        (canonical_article_id,),
                    )
                )
            self._run_in(
                f"UPDATE articles SET duplicate_group = ? WHERE id {IN_LIST}", member_ids, (group_id,)
            )
            self.run(
                """UPDATE duplicate_groups SET canonical_article_id = ?,
                     size = (SELECT count(*) FROM articles WHERE duplicate_group = ?) WHERE id = ?""",
                (canonical_article_id, group_id, group_id),
            )
        return group_id

    def duplicate_group_canonical(self, group_id: int) -> int | None:
        """The canonical (earliest) article of a duplicate group."""
        row = self._one("SELECT canonical_article_id FROM duplicate_groups WHERE id = ?", (group_id,))
        return int(row["canonical_article_id"]) if row else None

    def merge_stories(self, into_id: int, from_id: int) -> None:
        """Move every article of story `from_id` into `into_id` and mark `from_id` as merged into it."""
        with self.transaction():
            self.run("UPDATE articles SET story_id = ? WHERE story_id = ?", (into_id, from_id))
            self.run(
                "UPDATE stories SET merged_into = ?, article_count = 0, updated_at = ? WHERE id = ?",
                (into_id, now_iso(), from_id),
            )
            self.run("UPDATE stories SET merged_into = ? WHERE merged_into = ?", (into_id, from_id))
            self.run("DELETE FROM relate_stories WHERE story_id = ?", (from_id,))

    # relate stage state --------------------------------------------------------------------------

    def article_terms(self, article_ids: Sequence[int]) -> dict[int, tuple[list[str], list[str]]]:
        """The analyzer's (title terms, body terms) of articles, as indexed."""
        rows = self._rows_in(
            f"SELECT article_id, title, body FROM article_terms WHERE article_id {IN_LIST}", article_ids
        )
        return {row["article_id"]: (row["title"].split(), row["body"].split()) for row in rows}

    def save_signature(
        self, article_id: int, published: datetime | None, body_hash: str, minhash: bytes | None
    ) -> None:
        """Record an article's duplicate signature (exact body hash and MinHash)."""
        with self.transaction():
            self.run(
                """INSERT INTO relate_signatures (article_id, published, body_hash, minhash) VALUES (?, ?, ?, ?)
                   ON CONFLICT (article_id) DO UPDATE SET published = excluded.published,
                     body_hash = excluded.body_hash, minhash = excluded.minhash""",
                (article_id, iso(published), body_hash, minhash),
            )

    def articles_with_body_hash(self, body_hash: str) -> list[int]:
        """Ids of the articles with this body hash, oldest first."""
        rows = self.rows(
            "SELECT article_id FROM relate_signatures WHERE body_hash = ? "
            "ORDER BY coalesce(published, ''), article_id",
            (body_hash,),
        )
        return [row["article_id"] for row in rows]

    def recent_signatures(self, since: datetime) -> list[tuple[int, datetime, bytes]]:
        """(article id, published, MinHash) of the articles published since a time, in publication order."""
        rows = self.rows(
            """SELECT article_id, published, minhash FROM relate_signatures WHERE published >= ? AND minhash IS NOT NULL
               ORDER BY published, article_id""",
            (iso(since),),
        )
        return [
            (row["article_id"], published, bytes(row["minhash"]))
            for row in rows
            if (published := from_iso(row["published"]))
        ]

    def save_article_profile(self, article_id: int, profile: str) -> None:
        """Save the relate stage's profile of an article (JSON text)."""
        with self.transaction():
            self.run(
                "INSERT INTO relate_profiles (article_id, profile) VALUES (?, ?) "
                "ON CONFLICT (article_id) DO UPDATE SET profile = excluded.profile",
                (article_id, profile),
            )

    def article_profiles(self, article_ids: Sequence[int]) -> dict[int, str]:
        """The relate profiles of articles that have one."""
        rows = self._rows_in(
            f"SELECT article_id, profile FROM relate_profiles WHERE article_id {IN_LIST}", article_ids
        )
        return {row["article_id"]: row["profile"] for row in rows}

    def story_members(self, story_ids: Sequence[int]) -> list[tuple[int, int, int | None, datetime | None]]:
        """(article id, story id, duplicate group, published) of every article of these stories."""
        rows = self._rows_in(
            f"SELECT id, story_id, duplicate_group, published FROM articles WHERE story_id {IN_LIST}",
            story_ids,
        )
        return [
            (row["id"], row["story_id"], row["duplicate_group"], from_iso(row["published"])) for row in rows
        ]

    def save_story_state(self, story_id: int, last_seen: datetime | None, state: str) -> None:
        """Save the relate stage's clustering state of a story (JSON text)."""
        with self.transaction():
            self.run(
                """INSERT INTO relate_stories (story_id, last_seen, state) VALUES (?, ?, ?)
                   ON CONFLICT (story_id) DO UPDATE SET last_seen = excluded.last_seen, state = excluded.state""",
                (story_id, iso(last_seen), state),
            )

    def recent_story_states(self, since: datetime) -> list[tuple[int, str]]:
        """(story id, state) of the unmerged stories last seen since a time, oldest first."""
        rows = self.rows(
            """SELECT r.story_id, r.state FROM relate_stories r JOIN stories s ON s.id = r.story_id
               WHERE r.last_seen >= ? AND s.merged_into IS NULL ORDER BY r.last_seen, r.story_id""",
            (iso(since),),
        )
        return [(row["story_id"], row["state"]) for row in rows]

    # fetch log and stage state -------------------------------------------------------------------

    def log_fetch(self, result: FetchResult) -> None:
        """Record one fetch outcome."""
        with self.transaction():
            self.run(
                """INSERT INTO fetch_log (source_id, url, status, elapsed, bytes, error, conditional, fetched_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    result.source,
                    result.url,
                    result.status,
                    result.elapsed,
                    result.bytes,
                    result.error,
                    int(result.conditional),
                    iso(result.fetched_at) or now_iso(),
                ),
            )

    def source_health(self, source_id: str) -> SourceHealth:
        """A source's fetch and article record."""
        fetches = self.rows(
            """SELECT count(*) AS n,
                 sum(CASE WHEN status IS NULL OR (status >= 400) THEN 1 ELSE 0 END) AS errors,
                 max(CASE WHEN status IS NOT NULL AND status < 400 THEN fetched_at END) AS last_success,
                 max(CASE WHEN status IS NULL OR status >= 400 THEN fetched_at END) AS last_error,
                 avg(elapsed) AS mean_elapsed
               FROM fetch_log WHERE source_id = ?""",
            (source_id,),
        )[0]
        message = self._value(
            """SELECT coalesce(error, 'HTTP ' || status) AS message FROM fetch_log
               WHERE source_id = ? AND (status IS NULL OR status >= 400) ORDER BY id DESC LIMIT 1""",
            (source_id,),
        )
        articles = self.rows(
            "SELECT count(*) AS n, min(published) AS first, max(published) AS last FROM articles "
            "WHERE source_id = ?",
            (source_id,),
        )[0]
        first, last = from_iso(articles["first"]), from_iso(articles["last"])
        days = max(1.0, (last - first).total_seconds() / 86400) if first and last else 1.0
        mean = fetches["mean_elapsed"]
        return SourceHealth(
            source_id=source_id,
            last_success=from_iso(fetches["last_success"]),
            last_error=from_iso(fetches["last_error"]),
            last_error_message=message,
            fetches=fetches["n"],
            errors=int(fetches["errors"] or 0),
            mean_fetch_seconds=float(mean) if mean is not None else None,
            articles=articles["n"],
            articles_per_day=round(articles["n"] / days, 2),
        )

    def get_state(self, name: str) -> str | None:
        """A stage's saved state (JSON text)."""
        row = self._one("SELECT value FROM stage_state WHERE name = ?", (name,))
        return str(row["value"]) if row else None

    def set_state(self, name: str, value: str) -> None:
        """Save a stage's state."""
        with self.transaction():
            self.run(
                "INSERT INTO stage_state (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )
