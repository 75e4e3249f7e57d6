"""Running the site: `akhbar serve` (web only) and `akhbar run` (crawler and web in one process)."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from importlib import import_module
from typing import Any

import uvicorn

from akhbar.config import Settings, load_settings
from akhbar.store import Store, open_store
from akhbar.web.app import create_app

log = logging.getLogger("akhbar.run")

RESTART_DELAYS = (5.0, 30.0, 120.0, 600.0)
# Idle keep-alive connections stay open this long (uvicorn's 5 s default races busy clients' reuse).
KEEP_ALIVE = 30


def uvicorn_config(app: Any, host: str, port: int) -> uvicorn.Config:
    """The server settings shared by serve and run: no access log, proxy headers off, quick shutdown."""
    return uvicorn.Config(app, host=host, port=port, log_level="info", access_log=False, proxy_headers=False,
                          timeout_graceful_shutdown=5, timeout_keep_alive=KEEP_ALIVE, server_header=False)


def app_from_environment() -> Any:
    """The app over the store and settings of the environment (the factory each worker process calls)."""
    settings = load_settings()
    return create_app(settings.db, settings)


def serve(settings: Settings, host: str | None = None, port: int | None = None, workers: int = 1) -> None:
    """Serve the site, API and feeds until interrupted, in `workers` processes."""
    if workers > 1:
        os.environ["AKHBAR_DB"] = settings.db
        uvicorn.run("akhbar.web.server:app_from_environment", factory=True, workers=workers,
                    host=host or settings.host, port=port or settings.port, log_level="info", access_log=False,
                    proxy_headers=False, server_header=False, timeout_graceful_shutdown=5,
                    timeout_keep_alive=KEEP_ALIVE)
        return
    store = open_store(settings.db)
    try:
        server = uvicorn.Server(uvicorn_config(create_app(store, settings), host or settings.host, port or settings.port))
        server.run()
    finally:
        store.close()


def find_crawler() -> Callable[..., Any] | None:
    """`akhbar.fetch.crawl_forever` where the crawler is installed, else None."""
    try:
        module = import_module("akhbar.fetch")
    except ModuleNotFoundError:
        return None
    return getattr(module, "crawl_forever", None)


def ensure_sources(store: Store) -> int:
    """With no source configured, register the default list shipped with the package; returns how many."""
    if store.list_sources():
        return 0
    try:
        module = import_module("akhbar.sources")
    except ModuleNotFoundError:
        return 0
    loader = getattr(module, "default_sources", None)
    if loader is None:
        return 0
    sources = list(loader())
    for source in sources:
        store.upsert_source(source)
    return len(sources)


async def supervise_crawler(crawl: Callable[..., Awaitable[None]], store: Store, settings: Settings, stop: asyncio.Event) -> None:
    """Run the crawl loop until `stop`; if it fails, log it and start it again after a growing delay."""
    failures = 0
    while not stop.is_set():
        try:
            await crawl(store, settings, stop)
            if stop.is_set():
                return
            failures = 0
        except asyncio.CancelledError:
            raise
        except Exception:  # the crawler must never take the site down
            log.exception("the crawl loop failed; the site keeps serving")
            failures += 1
        delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)] if failures else RESTART_DELAYS[0]
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
        except TimeoutError:
            continue


async def stop_when(event: asyncio.Event, server: uvicorn.Server) -> None:
    """Ask the server to exit once `event` is set."""
    await event.wait()
    server.should_exit = True


async def run_all(settings: Settings, host: str | None = None, port: int | None = None,
                  crawler: Callable[..., Awaitable[None]] | None = None,
                  on_started: Callable[[str], None] | None = None,
                  shutdown: asyncio.Event | None = None) -> None:
    """The whole system in one process: the crawl loop (when the crawler is installed) and the web server.

    Stops on Ctrl-C / SIGTERM, or when `shutdown` is set.
    """
    store = open_store(settings.db)
    stop = asyncio.Event()
    crawl = crawler or find_crawler()
    added = ensure_sources(store)
    if added:
        log.info("no sources configured: added the %d default sources", added)
    server = uvicorn.Server(uvicorn_config(create_app(store, settings), host or settings.host, port or settings.port))
    task = None
    if crawl is None:
        log.warning("the crawler (akhbar.fetch.crawl_forever) is not installed: serving the store only")
    else:
        task = asyncio.create_task(supervise_crawler(crawl, store, settings, stop), name="crawler")
    try:
        serving = asyncio.create_task(server.serve(), name="web")
        if shutdown is not None:
            asyncio.create_task(stop_when(shutdown, server), name="shutdown")
        if on_started:
            while not server.started and not serving.done():
                await asyncio.sleep(0.05)
            on_started(f"http://{server.config.host}:{server.config.port}")
        await serving
    finally:
        stop.set()
        if task is not None:
            try:
                await asyncio.wait_for(task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:
                log.exception("the crawl loop failed while stopping")
        store.close()
