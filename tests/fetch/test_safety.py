"""Connect-time URL safety over real loopback HTTP: rebinding answers, redirects, embeddings, odd spellings."""

from __future__ import annotations

import asyncio
import typing

import httpcore
import pytest

from akhbar.config import Settings, load_settings
from akhbar.errors import UnsafeURLError
from akhbar.fetch.client import Fetcher
from akhbar.fetch.safety import check_url, is_odd_ipv4, unsafe_reason
from sources.loopback_site import LoopbackSite, Page

PUBLIC = "93.184.216.34"  # a global unicast address; no test ever connects to it for real


class ChangingResolver:
    """A resolver whose answers a test scripts per host: each call takes the next answer, the last one repeats."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        script = self.answers[host]
        return script.pop(0) if len(script) > 1 else script[0]


class Translate(httpcore.AnyIOBackend):
    """The test's network: a connection to PUBLIC reaches the loopback site (real TCP, like a NAT)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connected = [*getattr(self, "connected", []), host]
        target = "127.0.0.1" if host == PUBLIC else host
        return await super().connect_tcp(target, port, timeout, local_address, socket_options)


def strict_settings() -> Settings:
    """Settings with the safety check on (the default) and no delays."""
    return load_settings(env={"AKHBAR_CRAWL_DELAY": "0", "AKHBAR_RETRIES": "0", "AKHBAR_TIMEOUT": "5"})


def run_fetch(url: str, resolver: ChangingResolver, log: list, translate: bool = False):
    """One fetch with an injected resolver (and the translating network when asked)."""

    async def go():
        async with Fetcher(strict_settings(), on_result=log.append, resolver=resolver) as fetcher:
            if translate:
                fetcher.network.inner = Translate()
            return await fetcher.fetch(url)

    return asyncio.run(go())


def test_rebinding_to_loopback_is_refused_at_connect_time() -> None:
    with LoopbackSite({"/": Page(b"<html>secret</html>")}) as site:
        url = f"http://rebind.test:{site.port}/"
        resolver = ChangingResolver({"rebind.test": [[PUBLIC], ["127.0.0.1"]]})
        asyncio.run(check_url(url, resolver=resolver))  # the first answer is public: the URL check passes
        log: list = []
        with pytest.raises(UnsafeURLError, match="127.0.0.1"):
            run_fetch(url, resolver, log)
        assert site.requests == []
        assert resolver.calls == ["rebind.test", "rebind.test"]
        assert any(r.error and "127.0.0.1" in r.error for r in log)


def test_the_checked_address_is_connected_with_the_host_name_kept() -> None:
    with LoopbackSite({"/robots.txt": Page(b"", 404), "/a": Page(b"<html>ok</html>")}) as site:
        resolver = ChangingResolver({"news.test": [[PUBLIC]]})
        response = run_fetch(f"http://news.test:{site.port}/a", resolver, [], translate=True)
        assert response.ok and response.body == b"<html>ok</html>"
        assert site.requests[-1] == ("/a", f"news.test:{site.port}")


def test_a_redirect_to_a_rebound_host_is_refused() -> None:
    pages = {"/robots.txt": Page(b"", 404), "/start": Page(b"", 302, headers={"Location": ""})}
    with LoopbackSite(pages) as site:
        site.pages["/start"].headers["Location"] = f"http://evil.test:{site.port}/secret"
        resolver = ChangingResolver({"news.test": [[PUBLIC]], "evil.test": [[PUBLIC], ["127.0.0.1"]]})
        asyncio.run(check_url(f"http://evil.test:{site.port}/secret", resolver=resolver))
        with pytest.raises(UnsafeURLError, match="evil.test"):
            run_fetch(f"http://news.test:{site.port}/start", resolver, [], translate=True)
        assert "/secret" not in site.paths()


def test_every_address_of_an_answer_is_checked() -> None:
    with LoopbackSite({"/": Page(b"x")}) as site:
        resolver = ChangingResolver({"mixed.test": [[PUBLIC, "10.0.0.7"]]})
        with pytest.raises(UnsafeURLError, match="10.0.0.7"):
            run_fetch(f"http://mixed.test:{site.port}/", resolver, [], translate=True)
        assert site.requests == []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:8.8.8.8",
        "::127.0.0.1",
        "2002:7f00:1::",
        "2002:a00:1::",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",
        "64:ff9b::7f00:1",
        "64:ff9b:1::a00:1",
        "192.0.2.1",
        "not-an-address",
    ],
)
def test_non_public_addresses_and_their_embeddings_are_refused(address: str) -> None:
    assert unsafe_reason(address) is not None


@pytest.mark.parametrize(
    "address", ["8.8.8.8", PUBLIC, "2606:4700::1111", "2002:808:808::", "64:ff9b::808:808"]
)
def test_public_addresses_pass(address: str) -> None:
    assert unsafe_reason(address) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://0x7f000001/",
        "http://127.1/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://127.0.0.01/",
        "http://[::1]/",
        "http://[2002:7f00:1::]/",
        "http://[::ffff:7f00:1]/",
        "http://169.254.169.254/latest/",
        "http://10.0.0.1:8080/",
    ],
)
def test_odd_spellings_and_private_literals_are_refused_before_any_lookup(url: str) -> None:
    resolver = ChangingResolver({})
    with pytest.raises(UnsafeURLError, match="AKHBAR_ALLOW_PRIVATE_HOSTS"):
        asyncio.run(check_url(url, resolver=resolver))
    assert resolver.calls == []


def test_odd_spelling_detection_leaves_names_alone() -> None:
    assert is_odd_ipv4("0x7f.1") and is_odd_ipv4("1.2.3") and not is_odd_ipv4("8.8.8.8")
    assert not is_odd_ipv4("abc.def") and not is_odd_ipv4("123.example.com") and not is_odd_ipv4("0xcafe.com")


def test_allow_private_hosts_lets_loopback_through() -> None:
    with LoopbackSite({"/robots.txt": Page(b"", 404), "/": Page(b"<html>home</html>")}) as site:
        settings = load_settings(env={"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0"})
        resolver = ChangingResolver({"local.test": [["127.0.0.1"]]})

        async def go():
            async with Fetcher(settings, resolver=resolver) as fetcher:
                return await fetcher.fetch(f"http://local.test:{site.port}/")

        assert asyncio.run(go()).ok


def test_tls_to_the_checked_address_keeps_the_name_for_sni_and_the_certificate() -> None:
    import http.server
    import ssl
    import threading

    import httpx
    import trustme

    from akhbar.fetch.client import safe_transport
    from akhbar.fetch.safety import SafeNetworkBackend

    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("news.test").configure_cert(server_context)
    seen_sni: list[str | None] = []
    server_context.sni_callback = lambda sock, name, ctx: seen_sni.append(name)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    resolver = ChangingResolver({"news.test": [[PUBLIC], ["127.0.0.1"]]})
    network = SafeNetworkBackend(False, resolver, inner=Translate())

    async def go() -> tuple[int, Exception | None]:
        transport = safe_transport(strict_settings(), network, verify=client_context)
        async with httpx.AsyncClient(transport=transport) as client:
            answer = await client.get(f"https://news.test:{server.server_address[1]}/")
        async with httpx.AsyncClient(
            transport=safe_transport(strict_settings(), network, client_context)
        ) as client:
            try:
                await client.get(f"https://news.test:{server.server_address[1]}/")
            except UnsafeURLError as exc:
                return answer.status_code, exc
        return answer.status_code, None

    try:
        status, refused = asyncio.run(go())
    finally:
        server.shutdown()
        server.server_close()
    assert status == 200 and seen_sni == [
        "news.test"
    ]  # verified against the name while connected to an address
    assert isinstance(refused, UnsafeURLError)  # the next connection's answer (127.0.0.1) is refused
