"""Helpers of the crawl tests against replay: their settings (in process and for the command line) and
the sources of a replay registered in a store (import from here, never from conftest)."""

from __future__ import annotations

from akhbar.config import Settings, load_settings
from akhbar.replay import ReplayServer
from akhbar.sources import sources_from_manifest

#: Crawling replay fast: loopback allowed, no delay, short timeouts, small caps.
CRAWL_ENV = {
    "AKHBAR_ALLOW_PRIVATE_HOSTS": "1",
    "AKHBAR_CRAWL_DELAY": "0",
    "AKHBAR_READ_TIMEOUT": "1",
    "AKHBAR_CONNECT_TIMEOUT": "1",
    "AKHBAR_TIMEOUT": "2",
    "AKHBAR_RETRIES": "2",
    "AKHBAR_BACKOFF_BASE": "0.01",
    "AKHBAR_MAX_RETRY_AFTER": "5",
    "AKHBAR_POLL_MIN": "0.01",
    "AKHBAR_PARTIAL_RETRY_BASE": "0",
    "AKHBAR_MAX_BODY_BYTES": str(2 * 1024 * 1024),
    "AKHBAR_MAX_DECOMPRESSED_BYTES": str(4 * 1024 * 1024),
}


def make_settings(**overrides: str) -> Settings:
    """CRAWL_ENV as settings, with keyword overrides by setting name (as strings)."""
    return load_settings(env={**CRAWL_ENV, **{f"AKHBAR_{k.upper()}": v for k, v in overrides.items()}})


def register(store, replay: ReplayServer) -> dict:
    """Add the replay's sources to the store; returns the manifest."""
    manifest = replay.manifest()
    for source in sources_from_manifest(manifest):
        store.upsert_source(source)
    return manifest
