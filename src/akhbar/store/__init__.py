"""Storage: one interface with its shared SQL (`SQLStore`, alias `Store`), an SQLite backend and a PostgreSQL one."""

from __future__ import annotations

from pathlib import Path

from akhbar.errors import ConfigError
from akhbar.store.base import SearchPage, SourceHealth, WriteOutcome
from akhbar.store.sql import SQLStore

#: The storage interface, as the rest of Akhbar names it: every backend is an SQLStore.
Store = SQLStore

__all__ = ["SQLStore", "SearchPage", "SourceHealth", "Store", "WriteOutcome", "open_store", "sqlite_path"]


def sqlite_path(url: str) -> Path:
    """The file of an sqlite:/// URL (relative to the working directory unless absolute)."""
    return Path(url.removeprefix("sqlite:///").partition("?")[0])


def url_options(url: str) -> dict[str, str]:
    """The query options of a store URL (e.g. sqlite:///a.db?timeout=2)."""
    from urllib.parse import parse_qsl

    return dict(parse_qsl(url.partition("?")[2]))


def open_store(url: str, read_only: bool | None = False) -> Store:
    """Open (creating and migrating as needed) the store at a URL: sqlite:///FILE or postgresql://….

    read_only (SQLite): True never creates, migrates or writes, so a read-only file or folder can be read;
    None opens read-only only when the file or its folder cannot be written (the web site on a read-only
    mount); False needs write access. PostgreSQL ignores it (its grants decide).
    """
    if url.startswith("sqlite:///"):
        from akhbar.store.sqlite import SQLiteStore

        timeout = float(url_options(url).get("timeout", 15))
        return SQLiteStore(sqlite_path(url), url, busy_timeout=timeout, read_only=read_only)
    if url.startswith(("postgresql://", "postgres://")):
        from akhbar.store.postgres import PostgresStore

        return PostgresStore(url)
    raise ConfigError(f"unsupported store URL {url!r}: use sqlite:///FILE or postgresql://…")
