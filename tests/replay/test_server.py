"""Replay server behaviour: conditional GET, simulated time, the log, the catalog, ports and the CLI."""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import httpx
import lxml.etree
import pytest

from akhbar.errors import PortInUseError, ReplayError
from akhbar.replay import ManualClock, ReplayServer, load_catalog, parse_clock

from .conftest import PER_SOURCE, SOURCES, START, make_record, write_jsonl_gz

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def feed_of(server: ReplayServer, source: str) -> str:
    """The RSS URL of a source."""
    return next(s["feeds"][0] for s in server.manifest()["sources"] if s["name"] == source)


# -- conditional GET ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["feed", "article", "sitemap", "home"])
def test_etag_and_last_modified_give_304(fresh: ReplayServer, kind: str) -> None:
    manifest = fresh.manifest()
    url = {
        "feed": feed_of(fresh, "CNN"),
        "article": manifest["articles"][3]["url"],
        "sitemap": manifest["sources"][0]["sitemaps"][0],
        "home": manifest["sources"][0]["home"],
    }[kind]
    with httpx.Client() as client:
        first = client.get(url)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
        older = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
        assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
    log = fresh.request_log()
    assert [(e["status"], e["conditional"]) for e in log] == [
        (200, False),
        (304, True),
        (304, True),
        (200, True),
        (200, True),
    ]


# -- simulated time ----------------------------------------------------------------------------------


def test_clock_publishes_along_the_timeline(corpus_file: Path) -> None:
    clock = ManualClock(START + timedelta(hours=12))
    with ReplayServer([corpus_file], clock=clock) as server, httpx.Client() as client:
        feed_url = feed_of(server, "BBC")
        first = client.get(feed_url)
        titles = [e.title for e in feedparser.parse(first.content).entries]
        assert len(titles) == 3  # published at 06:00, 11:00, 16:00... only the first three by 18:00
        visible = [a for a in server.manifest()["articles"] if a["source"] == "BBC"]
        assert [a["title"] for a in visible][::-1] == titles
        hidden = make_record("BBC", 5)
        assert hidden["title"] not in {a["title"] for a in server.manifest()["articles"]}
        assert client.get(feed_url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304

        clock.advance(24 * 3600)
        second = client.get(feed_url, headers={"If-None-Match": first.headers["etag"]})
        assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
        newer = [e.title for e in feedparser.parse(second.content).entries]
        assert len(newer) == 8 and newer[-3:] == titles
        assert server.manifest()["now"] == "2018-03-02T18:00:00Z"


def test_future_articles_are_404_until_published(corpus_file: Path) -> None:
    clock = ManualClock(START)
    with ReplayServer([corpus_file], clock=clock) as server:
        everything = ReplayServer([corpus_file]).app.manifest()["articles"]
        last = everything[-1]["url"].replace("http://127.0.0.1", server.base_url)
        assert httpx.get(last).status_code == 404
        clock.set(START + timedelta(days=30))
        assert httpx.get(last).status_code == 200


def test_parse_clock() -> None:
    first = datetime(2018, 2, 1, tzinfo=UTC)
    assert parse_clock("2018-03-01T10:00:00Z").start == datetime(2018, 3, 1, 10, tzinfo=UTC)
    clock = parse_clock("2018-03-01T10:00:00Z:3600")
    assert clock.speed == 3600 and clock.start.hour == 10
    assert parse_clock("2018-03-01:60").speed == 60
    assert parse_clock("start:10", first).start == first
    later = parse_clock("2018-03-01T00:00:00Z:3600").now()
    assert later >= datetime(2018, 3, 1, tzinfo=UTC)
    for bad in ("yesterday", "2018-03-01:fast", "2018-03-01:0"):
        with pytest.raises(ReplayError):
            parse_clock(bad)


# -- catalog -----------------------------------------------------------------------------------------


def test_malformed_lines_are_skipped_with_file_and_line(tmp_path: Path) -> None:
    path = write_jsonl_gz(
        tmp_path / "bad.jsonl.gz",
        [
            make_record("BBC", 0),
            "{not json",
            {**make_record("BBC", 1), "title": ""},
            {**make_record("BBC", 2), "published": "someday"},
            make_record("CNN", 0),
            make_record("BBC", 0),
        ],
    )
    messages: list[str] = []
    catalog = load_catalog([path], on_error=messages.append)
    assert catalog.size == 2 and catalog.errors == 4
    assert [m.split(": ", 1)[0] for m in messages] == [f"skipped {path}:{n}" for n in (2, 3, 4, 6)]
    assert "malformed JSON" in messages[0] and "duplicate id" in messages[3]


def test_missing_corpus_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="no such corpus file"):
        load_catalog([tmp_path / "nope.jsonl.gz"])


def test_selections(corpus_file: Path) -> None:
    newest = load_catalog([corpus_file], limit_per_source=3)
    assert newest.size == 3 * len(SOURCES)
    assert [a.id for a in newest.sites["bbc"].articles] == [f"BBC-{n:03d}" for n in (9, 10, 11)]
    assert load_catalog([corpus_file], sample=17, seed=1).size == 17
    assert [a.id for a in load_catalog([corpus_file], sample=17, seed=1).by_path.values()] == [
        a.id for a in load_catalog([corpus_file], sample=17, seed=1).by_path.values()
    ]
    chosen = load_catalog([corpus_file], ids=["CNN-001", "okaz-004"])
    assert sorted(a.id for a in chosen.by_path.values()) == ["CNN-001", "okaz-004"]


def test_undated_articles_count_as_published_at_the_start(tmp_path: Path) -> None:
    rows = [make_record("CNN", n) for n in range(3)] + [{**make_record("CNN", 3), "published": None}]
    path = write_jsonl_gz(tmp_path / "undated.jsonl.gz", rows)
    with ReplayServer([path], clock=ManualClock(START + timedelta(minutes=30))) as server:
        articles = server.manifest()["articles"]
        assert [a["id"] for a in articles] == ["CNN-003", "CNN-000"]
        assert articles[0]["published"] is None
        page = httpx.get(articles[0]["url"])
        assert page.status_code == 200 and "<time" not in page.text


def test_large_sources_get_an_index_of_daily_sitemaps(tmp_path: Path) -> None:
    rows = [
        {
            **make_record("skynews", 0),
            "id": f"s-{n}",
            "text": f"نص قصير رقم {n}",
            "published": (START + timedelta(minutes=37 * n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        for n in range(1005)
    ]
    path = write_jsonl_gz(tmp_path / "big.jsonl.gz", rows)
    with ReplayServer([path]) as server, httpx.Client() as client:
        site = server.manifest()["sources"][0]
        index = lxml.etree.fromstring(client.get(site["sitemaps"][0]).content)
        assert index.tag == f"{{{NS['sm']}}}sitemapindex"
        days = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
        assert len(days) == len({r["published"][:10] for r in rows}) == 27
        locs = []
        for day in days:
            locs += lxml.etree.fromstring(client.get(day).content).xpath("//sm:loc/text()", namespaces=NS)
        assert sorted(locs) == sorted(a["url"] for a in server.manifest()["articles"])


# -- server ------------------------------------------------------------------------------------------


def test_log_endpoint_and_since(fresh: ReplayServer) -> None:
    with httpx.Client(headers={"User-Agent": "akhbar-test"}) as client:
        client.get(fresh.url("/robots.txt"))
        client.head(fresh.url("/bbc/"))
        client.get(fresh.url("/_replay/manifest?articles=0"))
        log = client.get(fresh.url("/_replay/log")).json()
        assert [(e["method"], e["path"], e["status"]) for e in log["requests"]] == [
            ("GET", "/robots.txt", 200),
            ("HEAD", "/bbc/", 200),
        ]
        assert log["requests"][0]["user_agent"] == "akhbar-test" and log["next"] == 2
        assert client.get(fresh.url("/_replay/log?since=1")).json()["requests"][0]["method"] == "HEAD"
        client.delete(fresh.url("/_replay/log"))
        assert fresh.request_log() == []


def test_port_in_use_is_a_clear_error(replay: ReplayServer, corpus_file: Path) -> None:
    port = int(replay.base_url.rsplit(":", 1)[1])
    with pytest.raises(PortInUseError, match=f"port {port} .* already in use"):
        ReplayServer([corpus_file], port=port).start()


def test_port_zero_gives_distinct_servers(corpus_file: Path) -> None:
    with ReplayServer([corpus_file]) as one, ReplayServer([corpus_file]) as two:
        assert one.base_url != two.base_url
        assert httpx.get(two.url("/robots.txt")).status_code == 200


def test_cli_serves_until_interrupted(corpus_file: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "akhbar",
            "replay",
            str(corpus_file),
            "--port",
            "0",
            "--limit-per-source",
            "2",
            "--faults",
            "status503=/cnn/",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        base = process.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:")
        manifest = httpx.get(base + "/_replay/manifest", timeout=10).json()
        assert len(manifest["articles"]) == 2 * len(SOURCES)
        assert httpx.get(base + "/cnn/").status_code == 503
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=10)
        assert "بي بي سي عربي" in out and process.returncode == 0
    finally:
        process.kill()


def test_cli_refuses_unknown_faults_and_busy_ports(replay: ReplayServer, corpus_file: Path) -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "akhbar", "replay", str(corpus_file), "--faults", "gremlins"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "unknown fault 'gremlins'" in bad.stderr
    port = replay.base_url.rsplit(":", 1)[1]
    busy = subprocess.run(
        [sys.executable, "-m", "akhbar", "replay", str(corpus_file), "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert busy.returncode == 2 and "already in use" in busy.stderr


def first_lines_per_source(path: Path, per_source: int, cap: int = 5000) -> list[str]:
    """The first `per_source` lines of each source in a real corpus file (streamed, at most `cap` lines read)."""
    taken: dict[str, int] = {}
    lines = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            source = json.loads(line)["source"]
            if taken.get(source, 0) < per_source:
                taken[source] = taken.get(source, 0) + 1
                lines.append(line.rstrip("\n"))
            if number >= cap:
                break
    return lines


def test_real_corpora_sample(shared: Path, tmp_path: Path) -> None:
    lines = []
    for path in sorted((shared / "corpora").glob("*/*.jsonl.gz")):
        lines += first_lines_per_source(path, 4)
    corpus = write_jsonl_gz(tmp_path / "real.jsonl.gz", lines)
    with ReplayServer([corpus], on_error=lambda m: None) as server, httpx.Client() as client:
        manifest = server.manifest()
        assert len(manifest["sources"]) >= 15
        for site in manifest["sources"]:
            assert site["title"] != site["name"] and any("\u0600" <= c <= "\u06ff" for c in site["title"])
            feed = feedparser.parse(client.get(site["feeds"][0]).content)
            assert not feed.bozo and len(feed.entries) == site["articles"] > 0
        for article in manifest["articles"]:
            page = client.get(article["url"])
            assert page.status_code == 200 and len(page.content) > 2000


def test_every_source_page_counts(replay: ReplayServer) -> None:
    counts = {s["name"]: s["articles"] for s in replay.manifest()["sources"]}
    assert counts == dict.fromkeys(SOURCES, PER_SOURCE) | counts and set(counts.values()) == {PER_SOURCE}


def test_per_source_ports(corpus_file: Path) -> None:
    with ReplayServer([corpus_file], per_source_ports=True) as server, httpx.Client() as client:
        manifest = server.manifest()
        homes = {s["name"]: s["home"] for s in manifest["sources"]}
        ports = {urlsplit(h).port for h in homes.values()}
        assert len(ports) == len(SOURCES) and urlsplit(server.base_url).port not in ports
        bbc = next(s for s in manifest["sources"] if s["name"] == "BBC")
        robots = client.get(bbc["robots"]).text
        assert "Disallow: /bbc/print/" in robots and "/okaz/" not in robots
        assert f"Sitemap: {bbc['sitemaps'][0]}" in robots
        feed = feedparser.parse(client.get(bbc["feeds"][0]).content)
        bbc_urls = [a["url"] for a in manifest["articles"] if a["source"] == "BBC"]
        assert sorted(e.link for e in feed.entries) == sorted(bbc_urls)
        page = client.get(bbc_urls[0]).text
        assert f'<link rel="canonical" href="{bbc_urls[0]}">' in page
        assert client.get(homes["BBC"].replace("/bbc/", "/cnn/")).status_code == 404
        assert client.get(homes["CNN"]).status_code == 200
        assert client.get(server.url("/bbc/")).status_code == 200  # the main port serves every site


def test_per_source_ports_follow_a_fixed_port(corpus_file: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        base = probe.getsockname()[1]
    if base + len(SOURCES) > 65535:
        pytest.skip("no room above the free port")
    try:
        server = ReplayServer([corpus_file], port=base, per_source_ports=True).start()
    except PortInUseError:
        pytest.skip("a port of the range is taken")
    with server:
        ports = sorted(urlsplit(s["home"]).port for s in server.manifest()["sources"])
        assert ports == list(range(base + 1, base + 1 + len(SOURCES)))
