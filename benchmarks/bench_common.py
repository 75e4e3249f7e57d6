"""Helpers shared by the benchmark scripts: where the corpora are, and a plain GET."""

from __future__ import annotations

import http.client
import os
from pathlib import Path
from urllib.parse import urlsplit


def shared_root() -> Path:
    """AKHBAR_SHARED (default: the shared folder next to the repository)."""
    return Path(os.environ.get("AKHBAR_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


def ant_corpora() -> list[Path]:
    """The ANT corpus files."""
    return sorted((shared_root() / "corpora" / "ant-v2.1").glob("*.jsonl.gz"))


def shared_corpora() -> list[Path]:
    """Every corpus file of the shared folder: ANT and SaudiNewsNet, 62k articles."""
    return sorted((shared_root() / "corpora").glob("*/*.jsonl.gz"))


def get(base: str, path: str, timeout: float = 120) -> bytes:
    """One GET over a fresh connection."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    connection.request("GET", path)
    body = connection.getresponse().read()
    connection.close()
    return body
