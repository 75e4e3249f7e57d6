"""Every test here runs on both store backends (see tests/backends.py)."""

from backends import pg_url, store, store_url  # noqa: F401
