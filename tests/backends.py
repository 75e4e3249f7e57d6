"""Fixtures that run a test on both backends: SQLite and PostgreSQL (a throw-away schema).

A test folder opts in with `from backends import pg_url, store, store_url` in its conftest.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from akhbar.store import Store, open_store

PG_URL = os.environ.get("AKHBAR_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_available() -> bool:
    """True when the test PostgreSQL server answers."""
    try:
        import psycopg

        psycopg.connect(PG_URL, connect_timeout=3).close()
    except Exception:
        return False
    return True


def drop_schema(schema: str) -> None:
    """Drop a test schema and everything in it."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL schema, dropped afterwards; skipped without a server (failed in CI)."""
    if not postgres_available():
        message = f"PostgreSQL not reachable at {PG_URL} (set AKHBAR_TEST_PG)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    yield f"{PG_URL}?schema={schema}"
    drop_schema(schema)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'akhbar.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh store on each backend."""
    opened = open_store(store_url)
    yield opened
    opened.close()
