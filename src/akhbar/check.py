"""`akhbar check`: verify a store's integrity on either backend and repair what can be repaired.

Checks: every article has its index terms (and, on SQLite, a consistent FTS5 index; on PostgreSQL a
term_df table that agrees with the tsvectors); no orphan rows (terms, aliases, versions, tags, relate
state without their article or story); tag counts and duplicate group sizes right; every article in a
story where the relate stage has run; story references that point somewhere.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from akhbar import text as analyzer
from akhbar.store import Store


@dataclass
class Problem:
    """One kind of inconsistency: how many rows have it, and whether it was repaired."""

    name: str
    count: int
    repaired: bool = False
    detail: str = ""


@dataclass
class CheckReport:
    """Every problem found (an empty list means the store is clean)."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    @property
    def unrepaired(self) -> list[Problem]:
        """Problems still there."""
        return [p for p in self.problems if not p.repaired]

    def as_dict(self) -> dict:
        """JSON-ready."""
        return {"clean": self.clean, "problems": [p.__dict__ for p in self.problems]}


# (name, SQL selecting the offending keys, SQL deleting them) -- orphans: rows whose parent is gone
ORPHANS = (
    ("terms without article", "SELECT article_id FROM article_terms WHERE article_id NOT IN (SELECT id FROM articles)",
     "DELETE FROM article_terms WHERE article_id NOT IN (SELECT id FROM articles)"),
    ("aliases without article", "SELECT external_id FROM article_aliases WHERE article_id NOT IN (SELECT id FROM articles)",
     "DELETE FROM article_aliases WHERE article_id NOT IN (SELECT id FROM articles)"),
    ("versions without article", "SELECT article_id FROM article_versions WHERE article_id NOT IN (SELECT id FROM articles)",
     "DELETE FROM article_versions WHERE article_id NOT IN (SELECT id FROM articles)"),
    ("article tags without article or tag",
     "SELECT article_id FROM article_tags WHERE article_id NOT IN (SELECT id FROM articles) OR tag_id NOT IN (SELECT id FROM tags)",
     "DELETE FROM article_tags WHERE article_id NOT IN (SELECT id FROM articles) OR tag_id NOT IN (SELECT id FROM tags)"),
    ("signatures without article",
     "SELECT article_id FROM relate_signatures WHERE article_id NOT IN (SELECT id FROM articles)",
     "DELETE FROM relate_signatures WHERE article_id NOT IN (SELECT id FROM articles)"),
    ("profiles without article",
     "SELECT article_id FROM relate_profiles WHERE article_id NOT IN (SELECT id FROM articles)",
     "DELETE FROM relate_profiles WHERE article_id NOT IN (SELECT id FROM articles)"),
    ("story states without story", "SELECT story_id FROM relate_stories WHERE story_id NOT IN (SELECT id FROM stories)",
     "DELETE FROM relate_stories WHERE story_id NOT IN (SELECT id FROM stories)"),
    ("articles in a missing story",
     "SELECT id FROM articles WHERE story_id IS NOT NULL AND story_id NOT IN (SELECT id FROM stories)",
     "UPDATE articles SET story_id = NULL WHERE story_id IS NOT NULL AND story_id NOT IN (SELECT id FROM stories)"),
    ("articles in a missing duplicate group",
     "SELECT id FROM articles WHERE duplicate_group IS NOT NULL AND duplicate_group NOT IN (SELECT id FROM duplicate_groups)",
     "UPDATE articles SET duplicate_group = NULL WHERE duplicate_group IS NOT NULL AND duplicate_group NOT IN (SELECT id FROM duplicate_groups)"),
)

COUNTS = (
    ("tag article counts",
     "SELECT id FROM tags t WHERE article_count <> (SELECT count(*) FROM article_tags a WHERE a.tag_id = t.id)",
     "UPDATE tags SET article_count = (SELECT count(*) FROM article_tags a WHERE a.tag_id = tags.id)"),
    ("duplicate group sizes",
     "SELECT id FROM duplicate_groups g WHERE size <> (SELECT count(*) FROM articles a WHERE a.duplicate_group = g.id)",
     "UPDATE duplicate_groups SET size = (SELECT count(*) FROM articles a WHERE a.duplicate_group = duplicate_groups.id)"),
)


class Checker:
    """Runs the checks on one store, with the SQL of its backend."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.sqlite = hasattr(store, "conn") and not hasattr(store, "pool")

    def rows(self, query: str, params: Sequence = ()) -> list[tuple]:
        """Rows of a read, as tuples."""
        if self.sqlite:
            return [tuple(r) for r in self.store.conn.execute(query, params).fetchall()]
        with self.store.connection() as conn:
            return [tuple(r.values()) for r in conn.execute(query.replace("?", "%s"), params or None).fetchall()]

    def run(self, query: str, params: Sequence = ()) -> None:
        """A write, inside the caller's transaction."""
        if self.sqlite:
            self.store.conn.execute(query, params)
        else:
            with self.store.connection() as conn:
                conn.execute(query.replace("?", "%s"), params or None)

    def tables(self) -> set[str]:
        """The store's tables."""
        if self.sqlite:
            return {r[0] for r in self.rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        return {r[0] for r in self.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}

    # checks --------------------------------------------------------------------------------------

    def check(self, repair: bool) -> CheckReport:
        """Every check, repairing as it goes when asked."""
        report = CheckReport()
        tables = self.tables()
        for name, select, fix in (*ORPHANS, *COUNTS):
            needed = {word for word in ("relate_signatures", "relate_stories", "relate_profiles") if word in select}
            if not needed <= tables:
                continue
            found = len(self.rows(select))
            if found:
                if repair:
                    with self.store.transaction():
                        self.run(fix)
                report.problems.append(Problem(name, found, repair))
        self._missing_terms(report, repair)
        self._index(report, repair)
        if "relate_stories" in tables:
            self._unrelated(report, repair)
        return report

    def _missing_terms(self, report: CheckReport, repair: bool) -> None:
        """Articles with no index terms: re-index them."""
        ids = [r[0] for r in self.rows("SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_terms)")]
        if not ids:
            return
        if repair:
            with self.store.transaction():
                for article in self.store.get_articles(ids):
                    self._reindex(article.id, article.title, article.text)
            if not self.sqlite:
                self.store.rebuild_term_df()
        report.problems.append(Problem("articles without index terms", len(ids), repair))

    def _reindex(self, article_id: int, title: str, body: str) -> None:
        """Write one article's terms into the index."""
        title_terms, body_terms = " ".join(analyzer.terms(title)), " ".join(analyzer.terms(body))
        if self.sqlite:
            self.run("INSERT OR REPLACE INTO article_terms (article_id, title, body) VALUES (?, ?, ?)",
                     (article_id, title_terms, body_terms))
            self.run("INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", (article_id, title_terms, body_terms))
        else:
            self.store.write_terms(article_id, title_terms, body_terms)

    def _index(self, report: CheckReport, repair: bool) -> None:
        """The full-text index agrees with the stored terms."""
        if self.sqlite:
            try:
                self.run("INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")
                return
            except sqlite3.DatabaseError as exc:
                detail = str(exc)
            if repair:
                with self.store.transaction():
                    self.run("INSERT INTO articles_fts(articles_fts) VALUES('rebuild')")
            report.problems.append(Problem("FTS5 index out of step with the terms", 1, repair, detail))
            return
        wrong = self.rows(
            """SELECT count(*) FROM (SELECT word, ndoc FROM ts_stat('SELECT tsv FROM article_terms')) s
               FULL JOIN (SELECT term, df FROM term_df WHERE df > 0) d ON d.term = s.word
               WHERE s.ndoc IS DISTINCT FROM d.df"""
        )[0][0]
        if wrong:
            if repair:
                self.store.rebuild_term_df()
            report.problems.append(Problem("term document frequencies out of step", wrong, repair))

    def _unrelated(self, report: CheckReport, repair: bool) -> None:
        """Articles the relate stage never placed in a story: run the stages on them."""
        ids = [r[0] for r in self.rows("SELECT id FROM articles WHERE story_id IS NULL ORDER BY published, id")]
        if not ids:
            return
        if repair:
            from akhbar.pipeline import Pipeline

            pipeline = Pipeline.default(self.store)
            with self.store.transaction():
                articles = self.store.get_articles(ids)
                for stage in pipeline.stages:
                    stage.process(self.store, articles)
        report.problems.append(Problem("articles without a story", len(ids), repair))


def check_store(store: Store, repair: bool = False) -> CheckReport:
    """Verify a store (and repair what can be repaired when asked)."""
    return Checker(store).check(repair)
