"""URL safety: only http(s), and no loopback, private or link-local hosts unless explicitly allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from akhbar.errors import FetchError, UnsafeURLError

ALLOWED_SCHEMES = ("http", "https")


def check_scheme(url: str) -> None:
    """Raise UnsafeURLError unless the URL is http(s) with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeURLError(f"{url!r}: only http and https URLs are fetched")
    if not parts.hostname:
        raise UnsafeURLError(f"{url!r}: no host")
    if parts.username or parts.password:
        raise UnsafeURLError(f"{url!r}: credentials in URLs are refused")


def is_private_address(address: str) -> bool:
    """True for loopback, private, link-local, reserved, multicast or unspecified addresses."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified or not ip.is_global)


async def resolve(host: str, port: int) -> list[str]:
    """Every address a host name resolves to."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{host}: cannot resolve ({exc})") from exc
    return sorted({info[4][0] for info in infos})


async def check_url(url: str, allow_private: bool = False) -> None:
    """Raise UnsafeURLError for a URL Akhbar must not fetch (see the module docstring)."""
    check_scheme(url)
    if allow_private:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    for address in await resolve(host, port):
        if is_private_address(address):
            raise UnsafeURLError(
                f"{url!r}: {host} resolves to the non-public address {address} "
                "(set AKHBAR_ALLOW_PRIVATE_HOSTS=1 to allow it)")
