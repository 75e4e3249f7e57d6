"""URL safety: only http(s), and no connection to a non-public address unless explicitly allowed.

A host is resolved once per connection, every address of the answer is checked, and the connection goes to
a checked address (`SafeNetworkBackend`, the network backend of the fetcher's httpx pool). No host stays
trusted after its answer: a name that answers a public address first and 127.0.0.1 next (DNS rebinding)
is refused at the second connection. TLS SNI and the Host header still carry the name, since httpx builds
them from the URL, not from the address connected to.

Refused: loopback, private, link-local, multicast, reserved and unspecified addresses; 6to4, Teredo and
NAT64 addresses embedding one of those; IPv4-mapped and IPv4-compatible IPv6 addresses; IPv4 addresses
spelled oddly in the URL (0x7f000001, 127.1, 2130706433, 0177.0.0.1), which resolvers read differently.
`check_url(url)` is the one check the crawler and the admin API share.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import typing
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpcore

from akhbar.errors import UnresolvableHostError, UnsafeURLError

ALLOWED_SCHEMES = ("http", "https")
ALLOW_HINT = "(set AKHBAR_ALLOW_PRIVATE_HOSTS=1 to allow it)"
NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)
CANONICAL_OCTET = re.compile(r"^(?:0|[1-9][0-9]{0,2})$")
NAT64_NETWORKS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
# The answer is read up to here to find the end of the head of a response (a Content-Length check):
# heads of real news sites measured 0.4-6 KB; 64 KB leaves room for cookie-heavy ones.
MAX_HEAD_BYTES = 64 * 1024

# Resolves (host, port) to every address of one answer.
Resolver = Callable[[str, int], Awaitable[list[str]]]


def check_scheme(url: str) -> None:
    """Raise UnsafeURLError unless the URL is http(s) with a host and no credentials."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeURLError(f"{url!r}: only http and https URLs are fetched")
    if not parts.hostname:
        raise UnsafeURLError(f"{url!r}: no host")
    if parts.username or parts.password:
        raise UnsafeURLError(f"{url!r}: credentials in URLs are refused")


def is_odd_ipv4(host: str) -> bool:
    """True for a host made of numeric labels that is not a plain dotted quad (127.1, 0x7f000001, 0177.0.0.1)."""
    labels = host.rstrip(".").split(".")
    if not all(NUMERIC_LABEL.match(label) for label in labels):
        return False
    return len(labels) != 4 or not all(CANONICAL_OCTET.match(label) and int(label) <= 255 for label in labels)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address a 6to4, Teredo or NAT64 address carries, with the mechanism's name."""
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour
    if ip.teredo is not None:
        return "Teredo", ip.teredo[1]
    if any(ip in network for network in NAT64_NETWORKS):
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def unsafe_reason(address: str) -> str | None:
    """Why an address is not a public one Akhbar may connect to, or None when it is."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return "an IPv4-mapped IPv6 address"
        if ip in IPV4_COMPATIBLE and not (ip.is_loopback or ip.is_unspecified):
            return "an IPv4-compatible IPv6 address"
        embedded = _embedded_ipv4(ip)
        if embedded is not None and unsafe_reason(str(embedded[1])) is not None:
            return f"a {embedded[0]} address embedding {embedded[1]}"
        if embedded is not None and embedded[0] == "NAT64":
            return (
                None  # the NAT64 prefix sits in a reserved block, but it reaches the public address it embeds
            )
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return "a private or reserved address"
    return None


def is_private_address(address: str) -> bool:
    """True for any address `unsafe_reason` refuses."""
    return unsafe_reason(address) is not None


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address of one answer of the system resolver."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvableHostError(f"{host}: cannot resolve ({exc})") from exc
    return sorted({str(info[4][0]) for info in infos})


def _literal(host: str) -> str | None:
    """The host itself when it is an IP literal (brackets removed), else None."""
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare.split("%")[0])
    except ValueError:
        return None
    return bare


def check_host_syntax(host: str, allow_private: bool) -> None:
    """Refuse, before any lookup, an oddly spelled IPv4 host and a non-public IP literal."""
    if allow_private:
        return
    if is_odd_ipv4(host):
        raise UnsafeURLError(f"{host}: an IPv4 address spelled oddly is refused {ALLOW_HINT}")
    literal = _literal(host)
    reason = unsafe_reason(literal) if literal is not None else None
    if reason is not None:
        raise UnsafeURLError(f"{host} is {reason} {ALLOW_HINT}")


async def resolve_checked(
    host: str, port: int, allow_private: bool, resolver: Resolver | None = None
) -> list[str]:
    """Resolve a host once and return its addresses, all checked; UnsafeURLError if any is not public."""
    check_host_syntax(host, allow_private)
    literal = _literal(host)
    addresses = [literal] if literal is not None else await (resolver or system_resolve)(host, port)
    if not addresses:
        raise UnresolvableHostError(f"{host}: cannot resolve (the resolver gave no address)")
    if not allow_private:
        for address in addresses:
            reason = unsafe_reason(address)
            if reason is not None:
                raise UnsafeURLError(
                    f"{host} resolves to the non-public address {address}, {reason} {ALLOW_HINT}"
                )
    return addresses


async def check_url(url: str, allow_private: bool = False, resolver: Resolver | None = None) -> None:
    """Raise UnsafeURLError for a URL Akhbar must not fetch (see the module docstring)."""
    check_scheme(url)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        await resolve_checked(parts.hostname or "", port, allow_private, resolver)
    except UnsafeURLError as exc:
        raise UnsafeURLError(f"{url!r}: {exc}") from exc


class GuardedStream(httpcore.AsyncNetworkStream):
    """A connection that counts what each answer sends, to catch a body longer than its Content-Length."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self.inner = inner
        self.received = 0
        self.head = bytearray()
        self.poisoned = False

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read from the connection, counting the bytes of the current answer."""
        data = await self.inner.read(max_bytes, timeout)
        self.received += len(data)
        if len(self.head) < MAX_HEAD_BYTES:
            self.head += data[: MAX_HEAD_BYTES - len(self.head)]
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Send a request; the next bytes read belong to its answer."""
        self.received, self.head = 0, bytearray()
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        """Close the connection."""
        await self.inner.aclose()

    async def start_tls(
        self, ssl_context: typing.Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        """TLS over the checked connection, with the URL's host name for SNI and certificate checks."""
        return GuardedStream(await self.inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        """The inner stream's info; a poisoned connection reads as readable, so the pool never reuses it."""
        if info == "is_readable" and self.poisoned:
            return True
        return self.inner.get_extra_info(info)

    def excess_bytes(self, declared: int) -> int:
        """Bytes the server sent beyond the head and `declared` body bytes of the current answer, as far as read.

        Only bytes already read count: a readable socket after the body may be a plain close (EOF) or a TLS
        close_notify, which are no lie."""
        end = self.head.find(b"\r\n\r\n")
        if end < 0:
            return 0
        return max(0, self.received - (end + 4) - declared)


class SafeNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses checked in the same resolution."""

    def __init__(
        self,
        allow_private: bool,
        resolver: Resolver | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve once, check every address, connect to the first checked address that answers."""
        addresses = await resolve_checked(host, port, self.allow_private, self.resolver)
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return GuardedStream(stream)
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Never: the fetcher only speaks TCP."""
        raise UnsafeURLError(f"{path}: Unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        """Sleep on the inner backend's event loop."""
        await self.inner.sleep(seconds)
