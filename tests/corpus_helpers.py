"""Small corpus records and files for tests (import from here, never from conftest)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path


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
