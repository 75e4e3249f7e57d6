"""Fixtures shared by every test: the shared data folder, temporary stores and small corpora."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from akhbar.store import open_store
from akhbar.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared data folder (AKHBAR_SHARED, default ../shared next to the repository)."""
    return Path(os.environ.get("AKHBAR_SHARED", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared folder; skipped with a clear message where absent, a failure in CI."""
    path = shared_dir()
    if not (path / "corpora").is_dir():
        message = f"shared data not found at {path} (set AKHBAR_SHARED)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A fresh SQLite store in a temporary folder."""
    opened = open_store(f"sqlite:///{tmp_path / 'akhbar.db'}")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def ant_store_url(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding all of ANT, imported through the normal pipeline once per test run.

    Every xdist worker shares one build: the first to take the lock imports, the others wait for it.
    """
    import fcntl

    from akhbar.ingest import import_corpora
    from akhbar.pipeline import Pipeline

    folder = tmp_path_factory.getbasetemp().parent
    db = folder / "ant-shared.db"
    done = folder / "ant-shared.done"
    with (folder / "ant-shared.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            for stale in folder.glob("ant-shared.db*"):
                stale.unlink()
            opened = open_store(f"sqlite:///{db}")
            import_corpora(
                sorted((shared / "corpora" / "ant-v2.1").glob("*.jsonl.gz")), Pipeline.default(opened)
            )
            opened.close()
            done.touch()
    return f"sqlite:///{db}"
