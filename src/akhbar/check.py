"""`akhbar check`: verify a store's integrity on either backend and repair what can be repaired.

Checks: every article has its index terms (and, on SQLite, a consistent FTS5 index; on PostgreSQL a
term_df table that agrees with the tsvectors); no orphan rows (terms, aliases, versions, tags, relate
state without their article or story); tag counts and duplicate group sizes right; every article in a
story where the relate stage has run; story references that point somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from akhbar.store import SQLStore


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

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"clean": self.clean, "problems": [p.__dict__ for p in self.problems]}


# (name, SQL selecting the offending keys, SQL deleting them) -- orphans: rows whose parent is gone
ORPHANS = (
    (
        "terms without article",
        "SELECT article_id FROM article_terms WHERE article_id NOT IN (SELECT id FROM articles)",
        "DELETE FROM article_terms WHERE article_id NOT IN (SELECT id FROM articles)",
    ),
    (
        "aliases without article",
        "SELECT external_id FROM article_aliases WHERE article_id NOT IN (SELECT id FROM articles)",
        "DELETE FROM article_aliases WHERE article_id NOT IN (SELECT id FROM articles)",
    ),
    (
        "versions without article",
        "SELECT article_id FROM article_versions WHERE article_id NOT IN (SELECT id FROM articles)",
        "DELETE FROM article_versions WHERE article_id NOT IN (SELECT id FROM articles)",
    ),
    (
        "article tags without article or tag",
        "SELECT article_id FROM article_tags WHERE article_id NOT IN (SELECT id FROM articles) OR tag_id NOT IN (SELECT id FROM tags)",
        "DELETE FROM article_tags WHERE article_id NOT IN (SELECT id FROM articles) OR tag_id NOT IN (SELECT id FROM tags)",
    ),
    (
        "signatures without article",
        "SELECT article_id FROM relate_signatures WHERE article_id NOT IN (SELECT id FROM articles)",
        "DELETE FROM relate_signatures WHERE article_id NOT IN (SELECT id FROM articles)",
    ),
    (
        "profiles without article",
        "SELECT article_id FROM relate_profiles WHERE article_id NOT IN (SELECT id FROM articles)",
        "DELETE FROM relate_profiles WHERE article_id NOT IN (SELECT id FROM articles)",
    ),
    (
        "story states without story",
        "SELECT story_id FROM relate_stories WHERE story_id NOT IN (SELECT id FROM stories)",
        "DELETE FROM relate_stories WHERE story_id NOT IN (SELECT id FROM stories)",
    ),
    (
        "articles in a missing story",
        "SELECT id FROM articles WHERE story_id IS NOT NULL AND story_id NOT IN (SELECT id FROM stories)",
        "UPDATE articles SET story_id = NULL WHERE story_id IS NOT NULL AND story_id NOT IN (SELECT id FROM stories)",
    ),
    (
        "articles in a missing duplicate group",
        "SELECT id FROM articles WHERE duplicate_group IS NOT NULL AND duplicate_group NOT IN (SELECT id FROM duplicate_groups)",
        "UPDATE articles SET duplicate_group = NULL WHERE duplicate_group IS NOT NULL AND duplicate_group NOT IN (SELECT id FROM duplicate_groups)",
    ),
)

COUNTS = (
    (
        "tag article counts",
        "SELECT id FROM tags t WHERE article_count <> (SELECT count(*) FROM article_tags a WHERE a.tag_id = t.id)",
        "UPDATE tags SET article_count = (SELECT count(*) FROM article_tags a WHERE a.tag_id = tags.id)",
    ),
    (
        "duplicate group sizes",
        "SELECT id FROM duplicate_groups g WHERE size <> (SELECT count(*) FROM articles a WHERE a.duplicate_group = g.id)",
        "UPDATE duplicate_groups SET size = (SELECT count(*) FROM articles a WHERE a.duplicate_group = duplicate_groups.id)",
    ),
)


#: What an index out of step with the stored terms is called on each backend.
INDEX_PROBLEM = {
    "sqlite": "FTS5 index out of step with the terms",
    "postgres": "term document frequencies out of step",
}


class Checker:
    """Runs the checks on one store through its maintenance interface."""

    def __init__(self, store: SQLStore) -> None:
        self.store = store

    # checks --------------------------------------------------------------------------------------

    def check(self, repair: bool) -> CheckReport:
        """Every check, repairing as it goes when asked."""
        report = CheckReport()
        tables = self.store.tables()
        for name, select, fix in (*ORPHANS, *COUNTS):
            needed = {
                word for word in ("relate_signatures", "relate_stories", "relate_profiles") if word in select
            }
            if not needed <= tables:
                continue
            found = len(self.store.rows(select))
            if found:
                if repair:
                    with self.store.transaction():
                        self.store.run(fix)
                report.problems.append(Problem(name, found, repair))
        self._missing_terms(report, repair)
        self._index(report, repair)
        if "relate_stories" in tables:
            self._unrelated(report, repair)
        return report

    def _missing_terms(self, report: CheckReport, repair: bool) -> None:
        """Articles with no index terms: re-index them."""
        ids = [
            row["id"]
            for row in self.store.rows(
                "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_terms)"
            )
        ]
        if not ids:
            return
        if repair:
            self.store.reindex(ids)
        report.problems.append(Problem("articles without index terms", len(ids), repair))

    def _index(self, report: CheckReport, repair: bool) -> None:
        """The full-text index agrees with the stored terms."""
        wrong, detail = self.store.check_index()
        if wrong:
            if repair:
                self.store.reindex()
            report.problems.append(Problem(INDEX_PROBLEM[self.store.dialect], wrong, repair, detail))

    def _unrelated(self, report: CheckReport, repair: bool) -> None:
        """Articles the relate stage never placed in a story: run the stages on them."""
        ids = [
            row["id"]
            for row in self.store.rows(
                "SELECT id FROM articles WHERE story_id IS NULL ORDER BY published, id"
            )
        ]
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


def check_store(store: SQLStore, repair: bool = False) -> CheckReport:
    """Verify a store (and repair what can be repaired when asked)."""
    return Checker(store).check(repair)
