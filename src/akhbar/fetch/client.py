"""The HTTP client: httpx over asyncio, polite, bounded, and recorded.

Every request goes through: URL safety (scheme, host syntax) -> robots.txt -> the host's politeness gate ->
a streamed GET with a total deadline, byte caps on the wire and after decompression -> the fetch log. Each
connection resolves its host once and connects to an address checked in that same answer
(`akhbar.fetch.safety.SafeNetworkBackend`), so no rebinding answer gets through. A body longer or shorter than
its Content-Length is a TruncatedBodyError. Redirects are followed by hand (each hop checked again, at most `max_redirects`); 429, 5xx and
network errors are retried with exponential backoff and jitter, honouring Retry-After.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from akhbar.config import Settings
from akhbar.errors import (
    BodyTooLargeError,
    ContentDecodingError,
    FetchError,
    RedirectError,
    RobotsDisallowedError,
    TruncatedBodyError,
    UnresolvableHostError,
    UnsafeURLError,
)
from akhbar.extract.urls import host_of, origin_of
from akhbar.fetch.charset import decode_body
from akhbar.fetch.politeness import Politeness
from akhbar.fetch.robots import MAX_ROBOTS_BYTES, RobotsCache, RobotsRules
from akhbar.fetch.safety import GuardedStream, Resolver, SafeNetworkBackend, check_host_syntax, check_scheme
from akhbar.httpdates import parse_http_date
from akhbar.models import FetchResult

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_ERRORS = (httpx.TransportError, asyncio.TimeoutError, TimeoutError)
MAX_BACKOFF = 60.0
# Answers without a body: their Content-Length (some servers send the entity's on a 304) is not checked.
NO_BODY_STATUSES = frozenset({204, 304})


@dataclass
class Response:
    """A finished fetch: final URL, status, headers and the (decompressed) body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    elapsed: float
    requested_url: str = ""
    history: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        """The ETag validator, if sent."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified validator, if sent."""
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        """The Content-Type header ('' if absent)."""
        return self.headers.get("content-type", "")

    def text(self) -> str:
        """The body decoded (header charset, then the page's declaration, then detection)."""
        return decode_body(self.body, self.content_type)[0]


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = parse_http_date(value)
    if when is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(attempt: int, base: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform in [base*2^attempt / 2, base*2^attempt]."""
    ceiling = min(MAX_BACKOFF, base * (2**attempt))
    return rng.uniform(ceiling / 2, ceiling)


class BoundedDecoder:
    """Content-Encoding decoding (gzip, deflate) that never produces more than `limit` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        else:
            raise ContentDecodingError(f"unsupported Content-Encoding {encoding!r}")
        self.encoding = encoding
        self.limit = limit
        self.out = bytearray()
        self._first = True

    def feed(self, chunk: bytes) -> None:
        """Decode one chunk; BodyTooLargeError as soon as the output passes the limit."""
        if self._zlib is None:
            self.out += chunk
        else:
            data = chunk
            while data:
                try:
                    part = self._zlib.decompress(data, self.limit - len(self.out) + 1)
                except zlib.error as exc:
                    if self._first and self.encoding == "deflate":  # raw deflate without a zlib header
                        self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                        self._first = False
                        continue
                    raise ContentDecodingError(f"broken {self.encoding} body: {exc}") from exc
                self._first = False
                self.out += part
                if len(self.out) > self.limit:
                    break
                data = self._zlib.unconsumed_tail
        if len(self.out) > self.limit:
            raise BodyTooLargeError(f"body over {self.limit:,} bytes after decompression")

    def finish(self) -> bytes:
        """The decoded body."""
        if self._zlib is not None:
            self.out += self._zlib.flush()
            if len(self.out) > self.limit:
                raise BodyTooLargeError(f"body over {self.limit:,} bytes after decompression")
        return bytes(self.out)


def safe_transport(
    settings: Settings, network: SafeNetworkBackend, verify: ssl.SSLContext | bool = True
) -> httpx.AsyncHTTPTransport:
    """httpx's transport with the connect-time address check as its network backend (`verify`: the trust store)."""
    transport = httpx.AsyncHTTPTransport(
        verify=verify,
        limits=httpx.Limits(
            max_connections=settings.global_concurrency, max_keepalive_connections=settings.global_concurrency
        ),
        trust_env=False,
    )
    pool = transport._pool
    if not hasattr(pool, "_network_backend"):  # guard against an httpcore that renamed its hook
        raise RuntimeError("httpcore's connection pool has no network backend to replace")
    pool._network_backend = network
    return transport


def check_length(answer: httpx.Response, declared: int, wire: int) -> None:
    """TruncatedBodyError when the body on the wire is shorter or longer than its Content-Length."""
    if wire < declared:
        raise TruncatedBodyError(f"body cut at {wire:,} of the {declared:,} bytes of its Content-Length")
    stream = answer.extensions.get("network_stream")
    if isinstance(stream, GuardedStream):
        excess = stream.excess_bytes(declared)
        if excess:
            stream.poisoned = True  # the rest of the body is still on the connection: never reuse it
            raise TruncatedBodyError(
                f"body longer than its Content-Length of {declared:,} bytes "
                f"(at least {excess:,} more bytes sent): the page would be stored cut"
            )


class Fetcher:
    """Polite, bounded HTTP fetching for the crawler; use as `async with Fetcher(settings) as f:`."""

    def __init__(
        self,
        settings: Settings,
        on_result: Callable[[FetchResult], None] | None = None,
        seed: int | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.settings = settings
        self.on_result = on_result
        self.agent = settings.user_agent
        self.politeness = Politeness(
            settings.per_host_concurrency,
            settings.global_concurrency,
            settings.crawl_delay,
            settings.max_crawl_delay,
        )
        self.robots = RobotsCache(self._fetch_robots, settings.robots_ttl)
        self.rng = random.Random(seed)
        self.network = SafeNetworkBackend(settings.allow_private_hosts, resolver)
        self.client = httpx.AsyncClient(
            transport=safe_transport(settings, self.network),
            headers={
                "User-Agent": settings.user_agent,
                "Accept-Encoding": "gzip, deflate",
                "Accept-Language": "ar, en;q=0.5",
                "Accept": "*/*",
            },
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            follow_redirects=False,
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()

    # -- public --------------------------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        source: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """GET a URL (see the module docstring); returns the final answer, raises FetchError subclasses."""
        last_error: Exception | None = None
        for attempt in range(self.settings.retries + 1):
            wait = None
            try:
                response = await self._follow(url, source, etag, last_modified, accept)
            except (
                RobotsDisallowedError,
                UnsafeURLError,
                BodyTooLargeError,
                RedirectError,
                ContentDecodingError,
                TruncatedBodyError,
            ):
                raise
            except FetchError as exc:
                last_error = exc
            else:
                if response.status not in RETRY_STATUSES:
                    return response
                wait = retry_after_seconds(response.headers.get("retry-after"))
                if wait is not None and wait > self.settings.max_retry_after:
                    return response
                last_error = FetchError(f"{url}: HTTP {response.status}")
                if attempt == self.settings.retries:
                    return response
            if attempt == self.settings.retries:
                break
            await asyncio.sleep(
                wait if wait is not None else backoff_seconds(attempt, self.settings.backoff_base, self.rng)
            )
        raise FetchError(f"{url}: gave up after {self.settings.retries + 1} attempts: {last_error}")

    async def fetch_text(self, url: str, **kwargs: object) -> tuple[Response, str]:
        """fetch() and decode the body."""
        response = await self.fetch(url, **kwargs)  # type: ignore[arg-type]
        return response, response.text()

    async def allowed(self, url: str) -> bool:
        """True when robots.txt lets us fetch the URL."""
        return await self.robots.allowed(url, self.agent)

    # -- internals -----------------------------------------------------------------------------------

    async def _check(self, url: str) -> None:
        """URL safety before any request: scheme and host syntax (addresses are checked at connect time)."""
        check_scheme(url)
        check_host_syntax(urlsplit(url).hostname or "", self.settings.allow_private_hosts)

    async def _follow(
        self, url: str, source: str | None, etag: str | None, last_modified: str | None, accept: str | None
    ) -> Response:
        """One attempt: follow redirects by hand, checking each hop."""
        history: list[str] = []
        current = url
        for _ in range(self.settings.max_redirects + 1):
            # Refused or unknown before any request (the page's host, or robots.txt's): the source's record.
            try:
                await self._check(current)
                rules = await self.robots.rules_for(current)
            except (UnsafeURLError, UnresolvableHostError) as exc:
                self._record(FetchResult(current, None, 0.0, 0, source, str(exc), False))
                raise
            if not rules.allowed(current, self.agent):
                raise RobotsDisallowedError(f"{current}: disallowed by robots.txt")
            self._apply_crawl_delay(current, rules, source)
            headers = {}
            if accept:
                headers["Accept"] = accept
            if not history:
                if etag:
                    headers["If-None-Match"] = etag
                if last_modified:
                    headers["If-Modified-Since"] = last_modified
            response = await self._get(current, headers, source, self.settings.max_body_bytes)
            location = response.headers.get("location")
            if response.status in REDIRECT_STATUSES and location:
                history.append(current)
                current = urljoin(current, location.strip())
                if current in history:
                    raise RedirectError(f"{url}: redirect loop via {current}")
                continue
            response.requested_url, response.history = url, history
            return response
        raise RedirectError(f"{url}: more than {self.settings.max_redirects} redirects")

    async def _get(self, url: str, headers: dict[str, str], source: str | None, cap: int) -> Response:
        """One GET through the host's politeness gate, with a total deadline and byte caps; logged."""
        started = time.monotonic()
        status: int | None = None
        size = 0
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        try:
            async with self.politeness.slot(host_of(url)):
                started = time.monotonic()
                async with asyncio.timeout(self.settings.timeout):
                    async with self.client.stream("GET", url, headers=headers) as answer:
                        status = answer.status_code
                        body, size = await self._read(answer, cap)
        except TimeoutError as exc:
            message = f"timed out after {self.settings.timeout:g} s"
            self._record(
                FetchResult(url, status, time.monotonic() - started, size, source, message, conditional)
            )
            raise FetchError(f"{url}: {message}") from exc
        except httpx.HTTPError as exc:
            message = f"{type(exc).__name__}: {exc}"
            self._record(
                FetchResult(url, status, time.monotonic() - started, size, source, message, conditional)
            )
            raise FetchError(f"{url}: {message}") from exc
        except FetchError as exc:  # refused at connect, unresolvable, over a cap, unlike its Content-Length
            self._record(
                FetchResult(url, status, time.monotonic() - started, size, source, str(exc), conditional)
            )
            raise
        elapsed = time.monotonic() - started
        self._record(FetchResult(url, status, elapsed, size, source, None, conditional))
        return Response(url=url, status=status, headers=answer.headers, body=body, elapsed=elapsed)

    async def _read(self, answer: httpx.Response, cap: int) -> tuple[bytes, int]:
        """The decompressed body, streamed; BodyTooLargeError past `cap` on the wire or after decoding."""
        declared = answer.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise BodyTooLargeError(f"body of {int(declared):,} bytes is over the {cap:,}-byte cap")
        decoder = BoundedDecoder(
            answer.headers.get("content-encoding", ""), self.settings.max_decompressed_bytes
        )
        wire = 0
        async for chunk in answer.aiter_raw():
            wire += len(chunk)
            if wire > cap:
                raise BodyTooLargeError(f"body over the {cap:,}-byte cap")
            decoder.feed(chunk)
        if declared.isdigit() and answer.status_code not in NO_BODY_STATUSES:
            check_length(answer, int(declared), wire)
        return decoder.finish(), wire

    async def _fetch_robots(self, url: str) -> tuple[int | None, str]:
        """GET a robots.txt (no robots check on itself; redirects followed within the same rules)."""
        current = url
        for _ in range(self.settings.max_redirects + 1):
            try:
                await self._check(current)
                response = await self._get(current, {}, None, MAX_ROBOTS_BYTES)
            except (UnsafeURLError, UnresolvableHostError):
                raise
            except FetchError:
                return None, ""
            location = response.headers.get("location")
            if response.status in REDIRECT_STATUSES and location:
                current = urljoin(current, location)
                continue
            return response.status, response.text()
        return None, ""

    def _apply_crawl_delay(self, url: str, rules: RobotsRules, source: str | None) -> None:
        """Use the host's Crawl-delay within the cap; a capped delay is written once to the fetch log."""
        asked = rules.crawl_delay(self.agent)
        applied = self.politeness.set_host_delay(host_of(url), asked)
        if asked is not None and asked > applied and not rules.cap_reported:
            rules.cap_reported = True
            self._record(
                FetchResult(
                    origin_of(url) + "/robots.txt",
                    200,
                    0.0,
                    0,
                    source,
                    f"robots.txt Crawl-delay of {asked:g} s capped at {applied:g} s "
                    "(setting max_crawl_delay)",
                )
            )

    def _record(self, result: FetchResult) -> None:
        """Hand a fetch outcome to the fetch log."""
        result.fetched_at = result.fetched_at or datetime.now(UTC)
        if self.on_result is not None:
            self.on_result(result)
