"""Fault injection: the spec, determinism, and every fault kind over real HTTP."""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
import zlib

import feedparser
import httpx
import lxml.etree
import pytest

from akhbar.errors import FaultSpecError
from akhbar.replay import FAULTS, FaultSpec, ReplayServer
from akhbar.replay.faults import corrupt_xml, gzip_bomb


def article_url(server: ReplayServer, source: str = "BBC", index: int = -1) -> str:
    """The URL of one article of `source`."""
    return [a["url"] for a in server.manifest()["articles"] if a["source"] == source][index]


def feed_url(server: ReplayServer, source: str = "BBC") -> str:
    """The RSS feed URL of `source`."""
    return next(s["feeds"][0] for s in server.manifest()["sources"] if s["name"] == source)


# -- the spec ----------------------------------------------------------------------------------------


def test_spec_parses_probabilities_prefixes_flags_and_parameters() -> None:
    spec = FaultSpec.parse(
        "latency=0.2, status503=0.1, retry_after=5, malformed_feed, big_body=/bbc/, seed=7"
    )
    assert spec.latency == 0.2 and spec.retry_after == 5 and spec.seed == 7
    assert spec.rules["status503"].probability == 0.1
    assert spec.rules["malformed_feed"].probability == 1.0
    assert spec.rules["big_body"].prefix == "/bbc/"
    assert FaultSpec.parse(str(spec)) == spec
    assert FaultSpec.parse("timeout=0.5").rules["hang"].probability == 0.5


@pytest.mark.parametrize("bad", ["bogus", "status503=2", "status503=often", "latency=fast", "drip_rate=0"])
def test_bad_specs_are_refused_with_a_clear_error(bad: str) -> None:
    with pytest.raises(FaultSpecError) as info:
        FaultSpec.parse(bad)
    assert bad.split("=")[0] in str(info.value)


def test_unknown_fault_lists_the_known_ones() -> None:
    with pytest.raises(FaultSpecError, match="known faults: hang, status500"):
        FaultSpec.parse("gremlins=0.5")


def test_decisions_are_deterministic_and_retries_can_succeed() -> None:
    spec = FaultSpec.parse("status503=0.5,seed=3")
    paths = [f"/bbc/arabic/news-{n}" for n in range(200)]
    first = [spec.decide("article", p, 1) for p in paths]
    assert first == [FaultSpec.parse("status503=0.5,seed=3").decide("article", p, 1) for p in paths]
    assert 60 < first.count("status503") < 140
    assert first != [FaultSpec.parse("status503=0.5,seed=4").decide("article", p, 1) for p in paths]
    failed = [p for p, f in zip(paths, first, strict=True) if f]
    assert any(spec.decide("article", p, 2) is None for p in failed)


def test_permanent_faults_stay_and_kinds_are_respected() -> None:
    spec = FaultSpec.parse("notfound=0.5,malformed_feed=1")
    paths = [f"/cnn/news/{n}" for n in range(50)]
    assert [spec.decide("article", p, 1) for p in paths] == [spec.decide("article", p, 9) for p in paths]
    assert spec.decide("rss", "/cnn/rss.xml", 1) == "malformed_feed"
    assert spec.decide("home", "/cnn/", 1) is None
    assert spec.decide("robots", "/robots.txt", 1) is None
    assert FaultSpec.parse("status500=/robots.txt").decide("robots", "/robots.txt", 1) == "status500"
    assert FaultSpec.parse("status500=1").decide("control", "/_replay/manifest", 1) is None


def test_gzip_bomb_inflates_to_its_size() -> None:
    bomb = gzip_bomb(8 * 1024 * 1024 + 5)
    assert len(bomb) < 20_000
    assert gzip.decompress(bomb) == bytes(8 * 1024 * 1024 + 5)


def test_corrupt_xml_is_not_well_formed() -> None:
    with pytest.raises(lxml.etree.XMLSyntaxError):
        lxml.etree.fromstring(
            corrupt_xml(b"<?xml version='1.0'?><rss><channel><title>t</title></channel></rss>")
        )


# -- over HTTP ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "status"), [("status500", 500), ("status503", 503), ("status429", 429), ("notfound", 404)]
)
def test_status_faults(fresh: ReplayServer, fault: str, status: int) -> None:
    response = httpx.get(article_url(fresh), params={"_fault": fault})
    assert response.status_code == status
    if status in (503, 429):
        assert response.headers["retry-after"] == "2"
    assert httpx.get(article_url(fresh)).status_code == 200
    assert fresh.request_log()[0]["fault"] == fault and fresh.request_log()[0]["status"] == status


def test_retry_after_follows_the_spec(fresh: ReplayServer) -> None:
    fresh.set_faults("status503=/bbc/,retry_after=7")
    response = httpx.get(article_url(fresh))
    assert response.status_code == 503 and response.headers["retry-after"] == "7"
    assert httpx.get(article_url(fresh, "CNN")).status_code == 200


def test_header_forces_a_fault(fresh: ReplayServer) -> None:
    assert httpx.get(article_url(fresh), headers={"X-Replay-Fault": "status500"}).status_code == 500


def test_redirect_loop(fresh: ReplayServer) -> None:
    url = article_url(fresh)
    fresh.set_faults(f"redirect_loop={url[len(fresh.base_url) :]}")
    first = httpx.get(url)
    assert first.status_code == 302
    with pytest.raises(httpx.TooManyRedirects):
        httpx.get(url, follow_redirects=True)


def test_big_body_is_50_megabytes(fresh: ReplayServer) -> None:
    with httpx.stream("GET", article_url(fresh), params={"_fault": "big_body"}) as response:
        assert int(response.headers["content-length"]) == 50 * 1024 * 1024
        received = 0
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > 2 * 1024 * 1024:
                break
        assert received > 2 * 1024 * 1024


def test_big_body_size_is_settable_and_complete(fresh: ReplayServer) -> None:
    fresh.set_faults("big_body=/cnn/,big_body_size=3000000")
    response = httpx.get(article_url(fresh, "CNN"))
    assert len(response.content) == 3_000_000 and response.content.startswith(b"<!DOCTYPE html>")


def test_gzip_bomb_over_http(fresh: ReplayServer) -> None:
    with httpx.stream("GET", article_url(fresh), params={"_fault": "gzip_bomb"}) as response:
        assert response.headers["content-encoding"] == "gzip"
        raw = b"".join(response.iter_raw())
    assert len(raw) < 2 * 1024 * 1024
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    inflated = len(inflater.decompress(raw, 64 * 1024 * 1024))
    assert inflated == 64 * 1024 * 1024 and not inflater.eof  # far more to come (1 GiB in all)


def test_malformed_feed(fresh: ReplayServer) -> None:
    response = httpx.get(feed_url(fresh), params={"_fault": "malformed_feed"})
    assert response.status_code == 200 and "etag" not in response.headers
    with pytest.raises(lxml.etree.XMLSyntaxError):
        lxml.etree.fromstring(response.content)
    assert feedparser.parse(response.content).bozo
    assert not feedparser.parse(httpx.get(feed_url(fresh)).content).bozo


def test_wrong_content_type(fresh: ReplayServer) -> None:
    page = httpx.get(article_url(fresh), params={"_fault": "wrong_type"})
    assert page.headers["content-type"] == "application/octet-stream"
    feed = httpx.get(feed_url(fresh), params={"_fault": "wrong_type"})
    assert feed.headers["content-type"].startswith("text/html")


def test_truncated_body(fresh: ReplayServer) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(article_url(fresh), params={"_fault": "truncate"})
    assert httpx.get(article_url(fresh)).status_code == 200


def test_hang_times_out_and_does_not_block_others(fresh: ReplayServer) -> None:
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(article_url(fresh), params={"_fault": "hang"}, timeout=0.5)
    assert httpx.get(article_url(fresh), timeout=5).status_code == 200


def test_drip_sends_one_byte_per_second(fresh: ReplayServer) -> None:
    path = article_url(fresh)[len(fresh.base_url) :] + "?_fault=drip"
    with socket.create_connection(("127.0.0.1", int(fresh.base_url.rsplit(":", 1)[1])), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(4096)
        head, body = data.split(b"\r\n\r\n", 1)
        assert int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]) > 1000
        sock.settimeout(0.2)
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                body += sock.recv(100)
        assert 1 <= len(body) <= 4


def test_latency(fresh: ReplayServer) -> None:
    fresh.set_faults("latency=0.3")
    started = time.monotonic()
    assert httpx.get(article_url(fresh)).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_probabilistic_faults_repeat_with_the_same_seed(fresh: ReplayServer) -> None:
    fresh.set_faults("status500=0.4,seed=11")
    urls = [a["url"] for a in fresh.manifest()["articles"]][:40]
    with httpx.Client() as client:
        first = [client.get(u).status_code for u in urls]
        fresh.clear_log()
        second = [client.get(u).status_code for u in urls]
    assert first == second and 500 in first and 200 in first


def test_faults_set_over_http_and_unknown_names_refused(fresh: ReplayServer) -> None:
    answer = httpx.post(fresh.url("/_replay/faults"), content="status503=/okaz/")
    assert answer.status_code == 200 and answer.json()["spec"] == "status503=/okaz/"
    assert httpx.get(article_url(fresh, "okaz")).status_code == 503
    refused = httpx.post(fresh.url("/_replay/faults"), content="gremlins=1")
    assert refused.status_code == 400 and "unknown fault 'gremlins'" in refused.json()["error"]
    assert httpx.get(fresh.url("/_replay/faults")).json()["spec"] == "status503=/okaz/"
    bad = httpx.get(article_url(fresh), params={"_fault": "gremlins"})
    assert bad.status_code == 400 and "unknown fault" in bad.text
    with pytest.raises(FaultSpecError):
        fresh.set_faults("gremlins")


def test_every_fault_name_is_accepted_per_request(fresh: ReplayServer) -> None:
    fresh.set_faults("hang_seconds=0.2,drip_rate=100000,big_body_size=100000,bomb_size=1048576")
    for fault in FAULTS:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(article_url(fresh), params={"_fault": fault}, timeout=2)
    deadline = time.monotonic() + 5
    while len(fresh.request_log()) < len(FAULTS) and time.monotonic() < deadline:
        time.sleep(0.05)  # the last (dripped) answer is logged once fully sent
    assert [e["fault"] for e in fresh.request_log()] == list(FAULTS)


def test_stop_ends_hanging_connections_quickly(corpus_file) -> None:
    server = ReplayServer([corpus_file], faults="hang").start()

    errors: list[Exception] = []

    def client() -> None:
        try:
            httpx.get(server.url("/bbc/"), timeout=30)
        except httpx.HTTPError as exc:
            errors.append(exc)

    thread = threading.Thread(target=client)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    server.stop()
    thread.join(10)
    assert not thread.is_alive() and errors
    assert time.monotonic() - started < 5


# -- hostile documents -------------------------------------------------------------------------------


def sitemap_url(server: ReplayServer, source: str = "BBC") -> str:
    """The sitemap URL of `source`."""
    return next(s["sitemaps"][0] for s in server.manifest()["sources"] if s["name"] == source)


def test_self_index_lists_itself_and_the_real_sitemap(fresh: ReplayServer) -> None:
    url = sitemap_url(fresh)
    fresh.set_faults(f"self_index={url[len(fresh.base_url) :]}")
    root = lxml.etree.fromstring(httpx.get(url).content)
    locs = [e.text for e in root.iter("{*}loc")]
    assert root.tag.endswith("sitemapindex") and url in locs
    real = next(loc for loc in locs if "_nofault=1" in loc)
    assert lxml.etree.fromstring(httpx.get(real).content).tag.endswith("urlset")
    assert httpx.get(feed_url(fresh)).content.startswith(b"<?xml")  # only its own kind of document


@pytest.mark.parametrize("fault", ["huge_sitemap", "huge_sitemap_cut"])
def test_huge_sitemap_has_its_size_and_the_real_articles_first(fresh: ReplayServer, fault: str) -> None:
    fresh.set_faults(f"{fault},huge_sitemap_size=5000")
    body = httpx.get(sitemap_url(fresh)).content
    real = [a["url"] for a in fresh.manifest()["articles"] if a["source"] == "BBC"]
    count = body.count(b"<loc>")
    assert count == 5000 if fault == "huge_sitemap" else 2000 < count < 3000  # cut halfway, inside a <loc>
    assert set(real) <= {
        e.text for e in lxml.etree.fromstring(body, lxml.etree.XMLParser(recover=True)).iter("{*}loc")
    }
    assert body.endswith(b"</urlset>\n") is (fault == "huge_sitemap")


def test_json_feed_faults_hold_a_lone_surrogate_or_deep_nesting(fresh: ReplayServer) -> None:
    fresh.set_faults("json_surrogate")
    answer = httpx.get(feed_url(fresh))
    assert answer.headers["content-type"] == "application/feed+json"
    doc = json.loads(answer.content)
    assert "\ud800" in doc["items"][0]["title"] and len(doc["items"]) > 1
    fresh.set_faults("json_deep,deep_levels=3000")
    with pytest.raises(RecursionError):
        json.loads(httpx.get(feed_url(fresh)).content)


def test_jsonld_faults_come_first_in_the_page(fresh: ReplayServer) -> None:
    fresh.set_faults("jsonld_surrogate")
    page = httpx.get(article_url(fresh)).content
    block = page[page.index(b"<head>") :].split(b"</script>")[0]
    assert b'"headline": "\\ud800 ' in block
    fresh.set_faults("jsonld_deep,deep_levels=5000")
    assert b"[" * 5000 + b"]" * 5000 in httpx.get(article_url(fresh)).content


def test_crawl_delay_fault_sets_a_huge_delay_in_robots(fresh: ReplayServer) -> None:
    fresh.set_faults("crawl_delay")
    assert "Crawl-delay: 100000" in httpx.get(fresh.url("/robots.txt")).text
    assert "Crawl-delay" not in httpx.get(fresh.url("/robots.txt") + "?_nofault=1").text


def test_length_lie_sends_the_whole_page_under_a_shorter_length(fresh: ReplayServer) -> None:
    url = article_url(fresh)
    whole = httpx.get(url).content
    fresh.set_faults("length_lie")
    with socket.create_connection((fresh.host, fresh.port), timeout=5) as sock:
        sock.sendall(f"GET {url[len(fresh.base_url) :]} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert f"Content-Length: {len(whole) // 2}".encode() in head and body == whole
    assert not httpx.get(url).content.rstrip().endswith(b"</html>")


def test_redirect_chain_takes_its_hops_then_serves_the_page(fresh: ReplayServer) -> None:
    fresh.set_faults("redirect_chain")
    with httpx.Client(max_redirects=40) as client:
        answer = client.get(article_url(fresh), follow_redirects=True)
    assert len(answer.history) == 30 and answer.status_code == 200 and b"<h1" in answer.content


def test_empty_and_deep_pages(fresh: ReplayServer) -> None:
    url = article_url(fresh)
    fresh.set_faults("empty_page")
    answer = httpx.get(url)
    assert answer.status_code == 200 and answer.content == b""
    fresh.set_faults("deep_html,deep_levels=20000")
    assert b"<div>" * 20000 in httpx.get(url).content
