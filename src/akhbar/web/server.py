"""Serving the site with uvicorn: `akhbar serve` (web only); `akhbar run` adds the crawler (akhbar.supervisor)."""

from __future__ import annotations

import os
from typing import Any

import uvicorn

from akhbar.config import Settings, load_settings
from akhbar.store import open_store
from akhbar.web.app import create_app

# Idle keep-alive connections stay open this long (uvicorn's 5 s default races busy clients' reuse).
KEEP_ALIVE = 30


#: The server settings shared by serve and run: no access log, proxy headers off, quick shutdown.
SERVER_OPTIONS: dict[str, Any] = {
    "log_level": "info",
    "access_log": False,
    "proxy_headers": False,
    "timeout_graceful_shutdown": 5,
    "timeout_keep_alive": KEEP_ALIVE,
    "server_header": False,
}


def uvicorn_config(app: Any, host: str, port: int) -> uvicorn.Config:
    """The server settings of one process serving `app` (SERVER_OPTIONS)."""
    return uvicorn.Config(app, host=host, port=port, **SERVER_OPTIONS)


def app_from_environment() -> Any:
    """The app over the store and settings of the environment (the factory each worker process calls)."""
    settings = load_settings()
    return create_app(settings.db, settings)


def serve(settings: Settings, host: str | None = None, port: int | None = None, workers: int = 1) -> None:
    """Serve the site, API and feeds until interrupted, in `workers` processes."""
    if workers > 1:
        os.environ["AKHBAR_DB"] = settings.db
        uvicorn.run(
            "akhbar.web.server:app_from_environment",
            factory=True,
            workers=workers,
            host=host or settings.host,
            port=port or settings.port,
            **SERVER_OPTIONS,
        )
        return
    store = open_store(settings.db, read_only=None)
    try:
        server = uvicorn.Server(
            uvicorn_config(create_app(store, settings), host or settings.host, port or settings.port)
        )
        server.run()
    finally:
        store.close()
