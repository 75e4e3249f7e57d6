"""The HTTP client against replay over loopback: caps, bounded memory, redirects, retries, robots, safety."""

from __future__ import annotations

import asyncio
import tracemalloc

import pytest

from akhbar.errors import BodyTooLargeError, RedirectError, RobotsDisallowedError, UnsafeURLError
from akhbar.fetch.client import BoundedDecoder, Fetcher, retry_after_seconds
from akhbar.fetch.safety import check_url, is_private_address
from akhbar.replay import ReplayServer


def first_article(replay: ReplayServer) -> str:
    """The URL of an article page on the replay server."""
    return replay.manifest()["articles"][0]["url"]


def first_path(replay: ReplayServer) -> str:
    """The path of that article (a fault prefix that leaves robots.txt alone)."""
    return first_article(replay).removeprefix(replay.base_url)


def fetch(settings, url: str, **kwargs):
    """Run one fetch; returns (response, fetch log)."""
    log = []

    async def run():
        async with Fetcher(settings, on_result=log.append) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(run()), log


def peak_memory(call) -> int:
    """Peak Python memory (bytes) allocated while `call` runs."""
    tracemalloc.start()
    try:
        call()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_plain_fetch_is_logged(replay: ReplayServer, crawl_settings) -> None:
    response, log = fetch(crawl_settings(), first_article(replay))
    assert response.ok and "<html" in response.text()
    pages = [r for r in log if not r.url.endswith("/robots.txt")]
    assert len(pages) == 1 and pages[0].status == 200 and pages[0].bytes > 0 and pages[0].elapsed > 0


def test_fifty_megabyte_body_is_refused_with_bounded_memory(replay: ReplayServer, crawl_settings) -> None:
    replay.set_faults(f"big_body={first_path(replay)}")
    settings = crawl_settings(max_body_bytes=str(1024 * 1024))
    with pytest.raises(BodyTooLargeError):
        fetch(settings, first_article(replay))
    replay.set_faults(f"big_body={first_path(replay)}")
    peak = peak_memory(lambda: pytest.raises(BodyTooLargeError, fetch, settings, first_article(replay)))
    assert peak < 8 * 1024 * 1024


def test_gzip_bomb_is_stopped_with_bounded_memory(replay: ReplayServer, crawl_settings) -> None:
    replay.set_faults(f"gzip_bomb={first_path(replay)},bomb_size=200000000")
    settings = crawl_settings(max_decompressed_bytes=str(2 * 1024 * 1024))
    peak = peak_memory(lambda: pytest.raises(BodyTooLargeError, fetch, settings, first_article(replay)))
    assert peak < 16 * 1024 * 1024
    assert any(e["fault"] == "gzip_bomb" for e in replay.request_log())


def test_bounded_decoder_never_exceeds_its_limit() -> None:
    import gzip

    decoder = BoundedDecoder("gzip", 1000)
    with pytest.raises(BodyTooLargeError):
        decoder.feed(gzip.compress(bytes(10**6)))
    assert len(decoder.out) <= 1001
    ok = BoundedDecoder("gzip", 10**6)
    ok.feed(gzip.compress("نص".encode() * 100))
    assert ok.finish() == "نص".encode() * 100


def test_redirect_loops_are_cut(replay: ReplayServer, crawl_settings) -> None:
    replay.set_faults(f"redirect_loop={first_path(replay)}")
    with pytest.raises(RedirectError):
        fetch(crawl_settings(), first_article(replay))


def test_503_is_retried_after_retry_after(replay: ReplayServer, crawl_settings) -> None:
    url = first_article(replay)
    response, log = fetch(crawl_settings(), url + "?_fault=status503")
    assert response.status == 503  # a forced fault hits every attempt: the last answer is returned
    attempts = [e for e in replay.request_log() if e["fault"] == "status503"]
    assert len(attempts) == 3
    assert attempts[1]["time"] - attempts[0]["time"] >= 1.5  # Retry-After: 2


def test_transient_faults_are_retried_until_success(replay: ReplayServer, crawl_settings) -> None:
    replay.set_faults("status500=0.5,truncate=0.3,seed=5")
    settings = crawl_settings(retries="6")
    urls = [a["url"] for a in replay.manifest()["articles"][:6]]

    async def run():
        async with Fetcher(settings) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(u) for u in urls))

    responses = asyncio.run(run())
    assert all(r.ok for r in responses)
    assert any(e["fault"] for e in replay.request_log())


def test_hang_times_out(replay: ReplayServer, crawl_settings) -> None:
    replay.set_faults(f"hang={first_path(replay)},hang_seconds=5")
    from akhbar.errors import FetchError

    with pytest.raises(FetchError, match="gave up"):
        fetch(crawl_settings(retries="0"), first_article(replay))


def test_robots_disallowed_urls_are_never_requested(replay: ReplayServer, crawl_settings) -> None:
    manifest = replay.manifest()
    prefix = next(d for s in manifest["sources"] for d in s["disallow"])
    with pytest.raises(RobotsDisallowedError):
        fetch(crawl_settings(), prefix + "anything")
    paths = [e["path"] for e in replay.request_log()]
    assert paths == ["/robots.txt"]


def test_conditional_get_gets_304(replay: ReplayServer, crawl_settings) -> None:
    feed = replay.manifest()["sources"][0]["feeds"][0]
    first, _ = fetch(crawl_settings(), feed)
    assert first.etag or first.last_modified
    second, log = fetch(crawl_settings(), feed, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and [r.conditional for r in log if r.url == feed] == [True]


def test_private_hosts_refused_unless_allowed(replay: ReplayServer, crawl_settings) -> None:
    settings = crawl_settings(allow_private_hosts="0")
    with pytest.raises(UnsafeURLError, match="AKHBAR_ALLOW_PRIVATE_HOSTS"):
        fetch(settings, first_article(replay))
    assert replay.request_log() == []
    for bad in ("file:///etc/passwd", "ftp://example.com/x", "http://user:pw@example.com/"):
        with pytest.raises(UnsafeURLError):
            asyncio.run(check_url(bad, allow_private=True))
    assert is_private_address("10.1.2.3") and is_private_address("::1") and is_private_address("169.254.1.1")
    assert not is_private_address("8.8.8.8")


def test_retry_after_forms() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("garbage") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_a_content_length_shorter_than_the_body_is_a_typed_error() -> None:
    from akhbar.config import load_settings
    from akhbar.errors import TruncatedBodyError
    from akhbar.fetch.client import Fetcher as RealFetcher
    from sources.loopback_site import LoopbackSite, Page

    body = "<html><body><p>" + "نص المقال كاملا " * 200 + "</p></body></html>"
    pages = {
        "/robots.txt": Page(b"", 404),
        "/lie": Page(body.encode(), length=100),
        "/ok": Page(body.encode()),
    }
    settings = load_settings(env={"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0"})
    log = []

    async def run():
        async with RealFetcher(settings, on_result=log.append) as fetcher:
            with pytest.raises(TruncatedBodyError, match="Content-Length of 100"):
                await fetcher.fetch(site.base_url + "/lie")
            return await fetcher.fetch(site.base_url + "/ok")

    with LoopbackSite(pages) as site:
        whole = asyncio.run(run())
    assert whole.ok and whole.text() == body  # the lying connection was not reused for the next page
    lied = [r for r in log if r.url.endswith("/lie")]
    assert len(lied) == 1 and lied[0].status == 200 and "Content-Length" in lied[0].error
