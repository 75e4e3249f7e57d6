"""Web hardening (issue 20): bounded answer cache, range-checked ids, HEAD, capped bodies with the token
checked first, Atom links from the configured base URL, private URLs refused, a health check that reads."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from webtest_helpers import ADMIN_TOKEN, BASE_URL, problem

from akhbar.config import Settings, load_settings
from akhbar.errors import ConfigError
from akhbar.store import Store, open_store
from akhbar.web import create_app
from akhbar.web.app import site_base_url
from akhbar.web.atom import FeedEntry, atom_feed
from akhbar.web.cursor import time_cursor
from akhbar.web.microcache import AnswerCache, Entry
from akhbar.web.params import MAX_ID
from akhbar.web.routes import api, docs, feeds, ops, pages

ATOM = "{http://www.w3.org/2005/Atom}"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
HUGE_IDS = (MAX_ID, MAX_ID + 1, 10**20, 10**25)


@contextmanager
def serving(store: Store, settings: Settings, cache_seconds: float = 60.0) -> Iterator[TestClient]:
    """A test client of a fresh app (its own answer cache) over a store."""
    app = create_app(store, settings, cache_seconds=cache_seconds)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


# the answer cache -------------------------------------------------------------------------------


def test_answer_cache_is_bounded_in_entries(web_data, settings):
    with serving(web_data.store, replace(settings, web_cache_entries=5)) as client:
        for limit in range(1, 21):
            assert client.get("/api/v1/articles", params={"limit": limit}).status_code == 200
        answers = client.app.state.answers
        assert len(answers.entries) == 5
        assert [k.decode() for k in answers.entries] == [f"/api/v1/articles?limit={n}" for n in range(16, 21)]


def test_answer_cache_is_bounded_in_bytes(web_data, settings):
    bound = 20_000
    with serving(web_data.store, replace(settings, web_cache_bytes=bound)) as client:
        sizes = [len(client.get("/api/v1/articles", params={"limit": n}).content) for n in range(1, 41)]
        answers = client.app.state.answers
        assert sum(sizes) > 3 * bound  # the requests alone would pass the bound several times
        assert 0 < answers.held_bytes <= bound
        assert answers.held_bytes == sum(e.size(k) for k, e in answers.entries.items())
        assert len(client.get("/api/v1/articles", params={"limit": 100}).content) > bound
        assert b"/api/v1/articles?limit=100" not in answers.entries  # bigger than the whole cache: never kept


def test_expired_answers_are_purged():
    cache = AnswerCache(ttl=10.0)
    past = time.monotonic() - 1.0
    for key in (b"/a?", b"/b?"):
        cache.put(key, Entry(200, [], b"x" * 1000, None, past))
    assert cache.get(b"/a?") is None  # a lookup purges what has expired
    assert not cache.entries and cache.held_bytes == 0
    cache.put(b"/c?", Entry(200, [], b"old", None, past))
    fresh = Entry(200, [], b"new", None, time.monotonic() + 10)
    cache.put(b"/d?", fresh)
    assert list(cache.entries) == [b"/d?"] and cache.held_bytes == fresh.size(b"/d?")


def test_the_cache_key_has_no_host(web_data, settings):
    with serving(web_data.store, settings) as client:
        first = client.get("/feed.xml", headers={"Host": "attacker.example"})
        second = client.get("/feed.xml", headers={"Host": "other.example"})
        assert client.app.state.answers.hits == 1 and second.content == first.content
        assert b"attacker.example" not in first.content and f"{BASE_URL}/articles/".encode() in first.content


def test_only_successful_authenticated_writes_clear_the_cache(store):
    settings = Settings(admin_token=ADMIN_TOKEN, base_url=BASE_URL)
    source = {"id": "fresh", "name": "مصدر", "home": "http://93.184.216.34/"}
    with serving(store, settings) as client:
        client.get("/api/v1/sources")
        problem(client.post("/api/v1/sources", json=source), 401)
        problem(client.delete("/api/v1/sources/x"), 401)
        assert client.post("/", content=b"x").status_code == 405
        problem(client.post("/api/v1/sources", json={"id": "bad id!"}, headers=AUTH), 422)
        problem(client.delete("/api/v1/sources/none", headers=AUTH), 404)
        assert client.get("/api/v1/sources").json()["results"] == []
        assert client.app.state.answers.hits == 1  # refused and failed writes left the cache alone
        assert client.post("/api/v1/sources", json=source, headers=AUTH).status_code == 201
        assert [s["id"] for s in client.get("/api/v1/sources").json()["results"]] == ["fresh"]
        assert client.delete("/api/v1/sources/fresh", headers=AUTH).status_code == 204
        assert client.get("/api/v1/sources").json()["results"] == []
        assert client.app.state.answers.hits == 1


# ids and cursors ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", HUGE_IDS)
def test_huge_ids_are_not_found(client, number, caplog):
    caplog.set_level(logging.WARNING)
    for path in (f"/articles/{number}", f"/stories/{number}", f"/stories/{number}/feed.xml"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.text
    problem(client.get(f"/api/v1/articles/{number}"), 404)
    problem(client.get(f"/api/v1/stories/{number}"), 404)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_cursors_with_huge_ids_are_refused(client, caplog):
    caplog.set_level(logging.WARNING)
    for number in (MAX_ID + 1, 10**24):
        cursor = time_cursor("2018-05-01T10:00:00Z", number)
        problem(client.get("/api/v1/articles", params={"cursor": cursor}), 400)
        assert client.get("/latest", params={"before": cursor}).status_code == 400
    assert (
        client.get("/latest", params={"before": time_cursor("2018-05-01T10:00:00Z", MAX_ID)}).status_code
        == 200
    )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# HEAD -----------------------------------------------------------------------------------------


def test_head_on_every_get_route(client, web_data):
    values = {
        "{article_id}": str(web_data.korea_ids[0]),
        "{story_id}": str(web_data.story_id),
        "{slug}": quote(web_data.tag_slug),
        "{source_id}": "BBC",
    }
    queries = {"/api/v1/search": "?q=" + quote("كوريا"), "/search/feed.xml": "?q=" + quote("كوريا")}
    routers = (api.router, docs.router, feeds.router, ops.router, pages.router)
    paths = [
        route.path for router in routers for route in router.routes if "GET" in getattr(route, "methods", ())
    ]
    paths.append("/openapi.json")
    assert "/healthz" in paths and "/api/v1/articles/{article_id}" in paths and len(set(paths)) >= 25
    for template in [*paths, "/static/akhbar.css"]:
        url = template
        for name, value in values.items():
            url = url.replace(name, value)
        url += queries.get(template, "")
        got, head = client.get(url), client.head(url)
        assert got.status_code == 200, url
        assert head.status_code == 200 and head.content == b"", url
        assert head.headers["content-type"] == got.headers["content-type"], url


# request bodies -------------------------------------------------------------------------------


def test_the_token_is_checked_before_the_body(store):
    settings = Settings(admin_token=ADMIN_TOKEN, max_request_bytes=4096)
    with serving(store, settings) as client:
        for body in (b'{"id": "bad id!", "feeds": "no"}', b"{not json", b"x" * 100_000):
            refused = problem(
                client.post("/api/v1/sources", content=body, headers={"Content-Type": "application/json"}),
                401,
            )
            assert refused["detail"] == "a valid bearer token is required"


def test_request_bodies_are_capped_before_parsing(store):
    settings = Settings(admin_token=ADMIN_TOKEN, max_request_bytes=4096)
    json_headers = {**AUTH, "Content-Type": "application/json"}
    with serving(store, settings) as client:
        declared = client.post("/api/v1/sources", content=b" " * 4097, headers=json_headers)
        assert "4096 bytes" in problem(declared, 413)["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
            yield b'{"id": "chunked", "name": "'
            yield b"x" * 8000
            yield b'"}'

        problem(client.post("/api/v1/sources", content=chunks(), headers=json_headers), 413)
        assert client.post("/", content=b"x" * 5000).status_code == 413
        problem(client.post("/api/v1/sources", content=b'{"id": "x"}', headers=json_headers), 422)
        small = client.post("/api/v1/sources", json={"id": "small", "name": "صغير"}, headers=AUTH)
        assert small.status_code == 201
        assert [s.id for s in store.list_sources()] == ["small"]


# Atom -----------------------------------------------------------------------------------------


def test_feed_links_come_from_the_base_url(client):
    feed = client.get("/sources/evil/feed.xml", headers={"Host": "attacker.example"})
    root = ET.fromstring(feed.content)
    hrefs = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    assert not any("attacker.example" in h for h in hrefs)
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == f"{BASE_URL}/sources/evil/feed.xml"


def test_atom_hrefs_are_http_and_xml_clean():
    entries = [
        FeedEntry(1, "عنوان\x01", "مصدر", None, "javascript:alert(1)"),
        FeedEntry(2, "title", "src", "2018-05-01T10:00:00Z", "http://example.com/a\x01b\x0b"),
        FeedEntry(3, "title", "src", None, " data:text/html,x"),
    ]
    body = atom_feed("feed", "http://site/", "http://site/feed.xml?q=\x01", entries, "http://site")
    root = ET.fromstring(body)  # well-formed
    via = [link.get("href") for link in root.iter(f"{ATOM}link") if link.get("rel") == "via"]
    assert via == ["http://example.com/ab"]
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://site/feed.xml?q="


def test_the_base_url_setting():
    env = {
        "AKHBAR_BASE_URL": "https://akhbar.example/",
        "AKHBAR_MAX_REQUEST_BYTES": "1024",
        "AKHBAR_WEB_CACHE_ENTRIES": "10",
        "AKHBAR_WEB_CACHE_BYTES": "65536",
    }
    loaded = load_settings(env, toml_path=None)
    assert (loaded.base_url, loaded.max_request_bytes, loaded.web_cache_entries, loaded.web_cache_bytes) == (
        "https://akhbar.example/",
        1024,
        10,
        65536,
    )
    assert site_base_url(loaded) == "https://akhbar.example"
    assert site_base_url(Settings()) == "http://127.0.0.1:8000"
    assert site_base_url(Settings(base_url="https://news.example/")) == "https://news.example"
    with pytest.raises(ConfigError):
        site_base_url(Settings(base_url="javascript:alert(1)"))


# private addresses ----------------------------------------------------------------------------

PRIVATE_URLS = [
    "http://169.254.169.254/latest/meta-data",
    "http://10.1.2.3/feed",
    "http://[::1]:8000/rss",
    "http://0x7f000001/",
    "http://127.1/",
    "http://2130706433/",
    "http://[::ffff:127.0.0.1]/",
    "http://[2002:7f00:1::]/",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_the_admin_api_refuses_private_addresses(store, url):
    settings = Settings(admin_token=ADMIN_TOKEN)
    with serving(store, settings) as client:
        for field in ({"home": url}, {"feeds": [url]}, {"sitemaps": ["http://93.184.216.34/s.xml", url]}):
            refused = problem(
                client.post("/api/v1/sources", json={"id": "x", "name": "x", **field}, headers=AUTH), 422
            )
            assert "AKHBAR_ALLOW_PRIVATE_HOSTS" in refused["detail"]
    assert store.list_sources() == []


def test_private_addresses_when_allowed(store):
    settings = Settings(admin_token=ADMIN_TOKEN, allow_private_hosts=True)
    with serving(store, settings) as client:
        added = client.post(
            "/api/v1/sources", json={"id": "local", "name": "محلي", "feeds": PRIVATE_URLS}, headers=AUTH
        )
        assert added.status_code == 201 and added.json()["feeds"] == PRIVATE_URLS


# health -----------------------------------------------------------------------------------------


def damaged_copy(source: Path, target: Path) -> Path:
    """A consistent copy of an SQLite store with its middle quarter overwritten."""
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    size = target.stat().st_size
    with target.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xde\xad\xbe\xef" * (size // 16))
    return target


def test_healthz_reads_the_store(web_data, tmp_path, caplog):
    path = damaged_copy(web_data.path, tmp_path / "damaged.db")
    store = open_store(f"sqlite:///{path}")
    try:
        with serving(store, Settings(), cache_seconds=0) as client:
            health = client.get("/healthz")
            assert health.status_code == 503 and health.headers["cache-control"] == "no-store"
            body = health.json()
            assert body["status"] == "error" and "cannot be read" in body["detail"]
            assert client.head("/healthz").status_code == 503
            assert client.get("/").status_code == 500  # the pages fail too: health says so
    finally:
        store.close()


READ_ONLY_PROBE = """
import json, sys
from fastapi.testclient import TestClient
from akhbar.config import Settings, load_settings
from akhbar.store import open_store
from akhbar.web import create_app

store = open_store(sys.argv[1], read_only=None)
paths = json.loads(sys.argv[2])
with TestClient(create_app(store, Settings()), raise_server_exceptions=False) as client:
    print(json.dumps({"read_only": store.read_only, **{p: client.get(p).status_code for p in paths}}))
"""


def can_mount_read_only() -> bool:
    """True when this process may make a private read-only bind mount (root in a mount namespace)."""
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount --bind / /mnt && mount -o remount,ro,bind /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.skipif(
    shutil.which("unshare") is None or not can_mount_read_only(),
    reason="needs unshare and mount rights for a read-only bind mount",
)
def test_read_routes_on_a_read_only_store(web_data, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    with sqlite3.connect(web_data.path) as original, sqlite3.connect(folder / "web.db") as copy:
        original.backup(copy)
    paths = [
        "/",
        "/latest",
        f"/articles/{web_data.korea_ids[0]}",
        f"/stories/{web_data.story_id}",
        "/sources",
        "/sources/BBC",
        "/search?q=" + quote("كوريا"),
        "/feed.xml",
        "/api/v1/articles",
        "/api/v1/search?q=" + quote("كوريا"),
        "/healthz",
        "/metrics",
    ]
    script = (
        f'mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && exec "$0" -c "$1" "$2" "$3"'
    )
    done = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            script,
            sys.executable,
            READ_ONLY_PROBE,
            f"sqlite:///{folder / 'web.db'}",
            json.dumps(paths),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    statuses = json.loads(done.stdout.strip().splitlines()[-1])
    assert statuses == {"read_only": True, **dict.fromkeys(paths, 200)}
    assert not (folder / "web.db-wal").exists()
