"""SQLite-only behaviour: files that are not databases, and a store locked by another process."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from akhbar.errors import NotADatabaseError, StoreLockedError
from akhbar.models import Article
from akhbar.store import open_store


def make_article(n: int) -> Article:
    """A small article."""
    return Article(url=f"http://example.com/{n}", title=f"كوريا الشمالية {n}", text="نص قصير.", source="src")


def test_not_a_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database")
    with pytest.raises(NotADatabaseError, match="not an SQLite database"):
        open_store(f"sqlite:///{path}")
    assert path.read_text() == "these are my notes, not a database"


def test_locked_store_gives_a_clear_error(tmp_path):
    path = tmp_path / "locked.db"
    open_store(f"sqlite:///{path}").close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sqlite3, time
            c = sqlite3.connect({str(path)!r}, isolation_level=None)
            c.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        store = open_store(f"sqlite:///{path}?timeout=0.5")
        started = time.monotonic()
        with pytest.raises((StoreLockedError, sqlite3.OperationalError)) as info:
            store.write_articles([make_article(1)])
        assert time.monotonic() - started < 10
        assert "locked" in str(info.value)
        store.close()
    finally:
        holder.kill()
        holder.wait()
