"""Fixtures shared by every test: the shared data folder, temporary stores and small corpora."""

from __future__ import annotations

import gzip
import json
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


def article_record(n: int, **overrides: object) -> dict:
    """A small valid corpus record."""
    record = {
        "id": f"T-{n}",
        "source": "testsrc",
        "url": f"http://example.com/news/{n}",
        "title": f"عنوان الخبر رقم {n} عن كوريا الشمالية",
        "published": f"2018-05-01T{n % 24:02d}:00:00Z",
        "category": "internationalNews",
        "summary": "ملخص الخبر",
        "text": f"قال البيت الأبيض إن كوريا الشمالية سلمت حاويات إلى روسيا في الخبر {n}.\nوأضاف المتحدث أن الولايات المتحدة تتابع.",
        "author": None,
    }
    record.update(overrides)
    return record


def write_corpus(path: Path, lines: list[object], compress: bool | None = None) -> Path:
    """Write records (dicts are JSON-encoded, bytes/str written as they are) as a corpus file."""
    payload = b""
    for line in lines:
        if isinstance(line, dict):
            payload += json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n"
        elif isinstance(line, str):
            payload += line.encode("utf-8") + b"\n"
        else:
            payload += line + b"\n"
    if compress if compress is not None else path.suffix == ".gz":
        payload = gzip.compress(payload)
    path.write_bytes(payload)
    return path
