"""`akhbar run`: crawler and site in one process; with sources that cannot be reached the site still serves
and shows the errors; a crawler that fails never takes the site down."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from webtest_helpers import free_port

from akhbar.config import Settings
from akhbar.models import Source
from akhbar.store import open_store
from akhbar.supervisor import run_all


@contextmanager
def running(settings: Settings, crawler: Callable | None = None) -> Iterator[str]:
    """run_all in a background thread; yields the site's URL and stops it afterwards."""
    started: list[str] = []
    failure: list[BaseException] = []
    holder: dict = {}

    def main() -> None:
        async def go() -> None:
            holder["loop"], holder["stop"] = asyncio.get_running_loop(), asyncio.Event()
            await run_all(
                settings,
                "127.0.0.1",
                free_port(),
                crawler=crawler,
                on_started=started.append,
                shutdown=holder["stop"],
            )

        try:
            asyncio.run(go())
        except BaseException as exc:  # reported to the test below
            failure.append(exc)

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    deadline = time.monotonic() + 90
    while not started and not failure and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started, failure
    try:
        yield started[0]
    finally:
        holder["loop"].call_soon_threadsafe(holder["stop"].set)
        thread.join(timeout=20)
        assert not thread.is_alive(), "run did not stop"
        assert not failure, failure


def wait_for(check: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll until check() is true or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


class DownSite(BaseHTTPRequestHandler):
    """An outlet whose robots.txt allows everything and whose feed answers 503."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        body = b"User-agent: *\nAllow: /\n" if self.path == "/robots.txt" else b""
        self.send_response(200 if body else 503)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def down_site() -> Iterator[int]:
    """The port of a local outlet that is down (503)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), DownSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def test_run_serves_and_shows_source_errors_when_a_source_is_down(tmp_path: Path, down_site: int):
    db = f"sqlite:///{tmp_path / 'run.db'}"
    store = open_store(db)
    port = down_site
    store.upsert_source(
        Source(
            id="offline",
            name="مصدر غير متاح",
            home=f"http://127.0.0.1:{port}/",
            feeds=[f"http://127.0.0.1:{port}/rss.xml"],
            poll_interval=60,
        )
    )
    store.close()
    settings = Settings(db=db, allow_private_hosts=True, timeout=2.0, crawl_delay=0.0)
    with running(settings) as url:
        assert httpx.get(url + "/").status_code == 200
        assert wait_for(lambda: httpx.get(url + "/api/v1/sources/offline").json()["health"]["errors"] > 0, 90)
        page = httpx.get(url + "/sources/offline")
        assert page.status_code == 200 and "HTTP 503" in page.text
        assert httpx.get(url + "/healthz").json()["status"] == "ok"


def test_a_failing_crawler_never_takes_the_site_down(tmp_path: Path):
    calls: list[int] = []

    async def broken_crawler(store, settings, stop):
        calls.append(1)
        raise RuntimeError("crawler bug")

    settings = Settings(db=f"sqlite:///{tmp_path / 'run.db'}")
    with running(replace(settings), crawler=broken_crawler) as url:
        assert wait_for(lambda: bool(calls))
        assert httpx.get(url + "/").status_code == 200
        assert httpx.get(url + "/healthz").json()["status"] == "ok"


def test_run_registers_the_default_sources_when_none_are_configured(tmp_path: Path):
    async def idle_crawler(store, settings, stop):
        await stop.wait()

    settings = Settings(db=f"sqlite:///{tmp_path / 'run.db'}")
    with running(settings, crawler=idle_crawler) as url:
        sources = httpx.get(url + "/api/v1/sources").json()["results"]
        assert len(sources) >= 3 and all(s["registered"] for s in sources)
