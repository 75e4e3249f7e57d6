"""A short-lived cache of whole GET answers (micro-caching), in front of routing.

News pages change when articles arrive, not per request: keeping each answer for a few seconds lets
a busy site serve the same home page, feed or article to many readers at the cost of rendering it once,
and answers conditional requests (If-None-Match) from the cached ETag with 304.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from akhbar.httpdates import not_modified, parse_http_date

UNCACHED_PREFIXES = ("/metrics", "/healthz", "/static/")
#: Largest answer kept (bytes): a full article page is ~40 KB and a 30-entry feed ~60 KB; bigger answers are rare.
MAX_BODY = 512 * 1024
#: Bytes an entry costs beyond its body and headers (the Entry object, its key and the dict slot).
ENTRY_OVERHEAD = 400


@dataclass
class Entry:
    """One cached answer."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str | None
    expires: float
    route: str | None = None
    last_modified: datetime | None = None

    def size(self, key: bytes) -> int:
        """The bytes this entry holds under `key`, as counted against the cache's byte bound."""
        return len(key) + len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + ENTRY_OVERHEAD


@dataclass
class AnswerCache:
    """Answers that expire after `ttl` seconds, bounded in entries and in bytes (thread-safe).

    Entries stay in insertion order; with one TTL for all, that is expiry order, so expired entries are
    purged from the front on every lookup and store, and the bounds evict the soonest to expire first.
    """

    ttl: float = 10.0
    max_entries: int = 1024
    max_bytes: int = 32 * 1024 * 1024
    entries: OrderedDict[bytes, Entry] = field(default_factory=OrderedDict)
    held_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    hits: int = 0
    misses: int = 0

    def get(self, key: bytes) -> Entry | None:
        """A fresh entry, or None."""
        with self.lock:
            self._purge(time.monotonic())
            entry = self.entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self.hits += 1
            return entry

    def put(self, key: bytes, entry: Entry) -> None:
        """Keep an answer unless it alone passes a bound; evict the oldest entries to stay within both."""
        size = entry.size(key)
        if size > self.max_bytes or self.max_entries < 1:
            return
        with self.lock:
            self._drop(key)
            self._purge(time.monotonic())
            while self.entries and (
                len(self.entries) >= self.max_entries or self.held_bytes + size > self.max_bytes
            ):
                self._drop(next(iter(self.entries)))
            self.entries[key] = entry
            self.held_bytes += size

    def clear(self) -> None:
        """Forget everything (after a successful write)."""
        with self.lock:
            self.entries.clear()
            self.held_bytes = 0

    def _drop(self, key: bytes) -> None:
        """Remove one entry if present (lock held)."""
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.held_bytes -= entry.size(key)

    def _purge(self, now: float) -> None:
        """Remove the expired entries at the front (lock held)."""
        while self.entries:
            key, oldest = next(iter(self.entries.items()))
            if oldest.expires > now:
                return
            self._drop(key)


def cache_key(scope: Scope) -> bytes | None:
    """The key of a cacheable request (GET without credentials): path and query, never the Host header."""
    if scope["method"] != "GET":
        return None
    path: str = scope["path"]
    if path.startswith(UNCACHED_PREFIXES):
        return None
    for name, _ in scope.get("headers", ()):
        if name == b"authorization":
            return None
    return path.encode("utf-8", "surrogateescape") + b"?" + scope.get("query_string", b"")


def header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    """One header's value."""
    return next((v.decode("latin-1") for k, v in headers if k == name), None)


async def send_not_modified(entry: Entry, send: Send) -> None:
    """A 304 with the entry's caching headers and no body."""
    headers = [(k, v) for k, v in entry.headers if k not in (b"content-length", b"content-type")]
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


class MicroCacheMiddleware:
    """Serve fresh cached 200 answers without routing; store new 200 answers."""

    def __init__(self, app: ASGIApp, cache: AnswerCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer from the cache or pass through and remember."""
        key = cache_key(scope) if scope["type"] == "http" and self.cache.ttl > 0 else None
        if key is None:
            await self.app(scope, receive, send)
            return
        entry = self.cache.get(key)
        if entry is not None:
            scope["akhbar.route"] = entry.route
            await self.replay(scope, entry, send)
            return
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body" and status == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    body = b"".join(chunks)
                    if len(body) <= MAX_BODY:
                        self.remember(key, scope, headers, body)
            await send(message)

        await self.app(scope, receive, collect)

    def remember(self, key: bytes, scope: Scope, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """Keep a 200 answer, its validators read once for the conditional requests answered from it."""
        modified = header(headers, b"last-modified")
        self.cache.put(
            key,
            Entry(
                200,
                headers,
                body,
                header(headers, b"etag"),
                time.monotonic() + self.cache.ttl,
                getattr(scope.get("route"), "path", None),
                parse_http_date(modified) if modified is not None else None,
            ),
        )

    async def replay(self, scope: Scope, entry: Entry, send: Send) -> None:
        """Send a cached answer, or 304 when the client already has it."""
        if not_modified(Headers(scope=scope), entry.etag, entry.last_modified):
            await send_not_modified(entry, send)
            return
        await send({"type": "http.response.start", "status": entry.status, "headers": entry.headers})
        await send({"type": "http.response.body", "body": entry.body})
