"""The replay HTTP server: a threaded stdlib server that answers with ReplayApp and injects faults."""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
import time
from collections.abc import Sequence
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from akhbar.errors import FaultSpecError, PortInUseError, ReplayError
from akhbar.httpdates import http_date, not_modified
from akhbar.replay.app import ReplayApp, Response
from akhbar.replay.catalog import Catalog, load_catalog
from akhbar.replay.clock import Clock
from akhbar.replay.faults import FaultSpec, corrupt_xml, forced_faults

CHUNK = 64 * 1024
PAD = b"<!-- " + b"padding " * 1000 + b"-->\n"
STATUS_FAULTS = {"status500": 500, "status503": 503, "status429": 429, "notfound": 404}


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its app and its open connections, so it can stop at once."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], app: ReplayApp, only: str | None = None) -> None:
        """Bind to `address` and serve `app` (only the site `only` when given)."""
        self.app = app
        self.only = only
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def close_connections(self) -> None:
        """Shut every open client connection down (ends keep-alive waits, drips and hangs)."""
        with self.connections_lock:
            open_sockets = list(self.connections)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """One client connection: parse, route, apply faults, write, log."""

    protocol_version = "HTTP/1.1"
    timeout = 120
    server: _HTTPServer

    def setup(self) -> None:
        """Register the connection."""
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        """Unregister the connection."""
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Stay quiet: requests go to the replay log."""

    def do_GET(self) -> None:  # noqa: N802
        """GET."""
        self._serve("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        """HEAD."""
        self._serve("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        """POST (control endpoints only)."""
        self._serve("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        """DELETE (control endpoints only)."""
        self._serve("DELETE")

    # -- the request ---------------------------------------------------------------------------------

    def _serve(self, method: str) -> None:
        """Answer one request and log it."""
        app = self.server.app
        started = time.time()
        url = urlsplit(self.path)
        pairs = parse_qsl(url.query, keep_blank_values=True)
        query = {k: v for k, v in pairs if k != "_fault"}
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = headers.get("content-length", "0").strip()
        body = self.rfile.read(min(int(length), 1 << 20)) if length.isdigit() and int(length) else b""
        path = url.path or "/"
        conditional = "if-none-match" in headers or "if-modified-since" in headers
        self._entry: dict | None = {
            "method": method,
            "path": self.path,
            "status": None,
            "conditional": conditional,
            "time": started,
            "fault": None,
            "kind": "other",
            "user_agent": self.headers.get("User-Agent", ""),
        }
        try:
            forced = forced_faults(
                [v for k, v in pairs if k == "_fault"] + self.headers.get_all("X-Replay-Fault", [])
            )
        except FaultSpecError as exc:
            self._send(Response(400, str(exc).encode("utf-8"), "text/plain; charset=utf-8"), method)
            return
        try:
            response = app.handle(method, path, query, headers, body, only=self.server.only)
        except Exception as exc:  # a bug in replay itself: answer 500 and keep serving
            response = Response(500, f"replay error: {exc!r}".encode(), "text/plain; charset=utf-8")
        if response.kind == "control":
            self._entry = None
            self._send(response, method)
            return
        fault = forced[0] if forced else app.faults.decide(response.kind, path, app.attempt(self.path))
        if "_nofault" in query:
            fault = None
        self._entry.update(fault=fault, kind=response.kind)
        if fault is not None:
            response = app.hostile(fault, path, app.base_url + self.path, response)
        self._answer(app, method, response, fault, headers, query)

    def _log(self, status: int | None) -> None:
        """Record the request in the replay log, once, just before its answer goes out."""
        entry, self._entry = getattr(self, "_entry", None), None
        if entry is not None:
            entry["status"] = status
            self.server.app.record(entry)

    def _answer(
        self,
        app: ReplayApp,
        method: str,
        response: Response,
        fault: str | None,
        headers: dict[str, str],
        query: dict[str, str],
    ) -> int | None:
        """Send `response` through `fault`; return the status sent (None when nothing was sent)."""
        spec = app.faults
        if spec.latency and self.server.stopping.wait(spec.latency):
            self._log(None)
            return None
        if fault == "hang":
            self._log(None)
            self.server.stopping.wait(spec.hang_seconds)
            self.close_connection = True
            return None
        if fault in STATUS_FAULTS:
            status = STATUS_FAULTS[fault]
            extra = [("Retry-After", str(spec.retry_after))] if status in (503, 429) else []
            page = f"<html><body><h1>{status} {HTTPStatus(status).phrase}</h1></body></html>".encode()
            return self._send(Response(status, page, "text/html; charset=utf-8", headers=extra), method)
        if fault == "redirect_loop":
            target = (
                self.path.split("?")[0] if "_loop=1" in self.path else self.path.split("?")[0] + "?_loop=1"
            )
            return self._send(Response(302, b"", headers=[("Location", target)]), method)
        hop = query.get("_hop", "0")
        if fault == "redirect_chain" and hop.isdigit() and int(hop) < spec.redirect_hops:
            target = f"{self.path.split('?')[0]}?_hop={int(hop) + 1}"
            return self._send(Response(302, b"", headers=[("Location", target)]), method)
        if response.status == 200 and not_modified(headers, response.etag, response.last_modified):
            return self._send(
                Response(
                    304, b"", response.content_type, etag=response.etag, last_modified=response.last_modified
                ),
                method,
                keep_type=False,
            )
        if fault == "big_body":
            return self._send_big(response, method, spec.big_body_size)
        if fault == "gzip_bomb":
            bomb = Response(200, app.bomb(), response.content_type, headers=[("Content-Encoding", "gzip")])
            return self._send(bomb, method)
        if fault == "malformed_feed":
            response.body, response.etag, response.last_modified = corrupt_xml(response.body), None, None
        if fault == "wrong_type":
            response.content_type = (
                "text/html; charset=utf-8" if "xml" in response.content_type else "application/octet-stream"
            )
        if fault == "truncate":
            return self._send(response, method, cut=max(1, len(response.body) // 2))
        if fault == "length_lie":
            return self._send(response, method, declared=len(response.body) // 2)
        if fault == "drip":
            return self._send(response, method, drip=spec.drip_rate)
        return self._send(response, method)

    # -- writing -------------------------------------------------------------------------------------

    def _head(self, response: Response, length: int, keep_type: bool = True) -> bytes:
        """Status line and headers."""
        lines = [
            f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}",
            f"Date: {formatdate(usegmt=True)}",
            "Server: akhbar-replay",
            f"Content-Length: {length}",
        ]
        if keep_type and (response.body or response.status == 200):
            lines.append(f"Content-Type: {response.content_type}")
        if response.etag:
            lines.append(f"ETag: {response.etag}")
        if response.last_modified:
            lines.append(f"Last-Modified: {http_date(response.last_modified)}")
        lines += [f"{k}: {v}" for k, v in response.headers]
        if self.close_connection:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send(
        self,
        response: Response,
        method: str,
        keep_type: bool = True,
        cut: int | None = None,
        drip: float | None = None,
        declared: int | None = None,
    ) -> int | None:
        """Write a response: whole, cut short (then close), dripped byte by byte, or under a lying length."""
        body = b"" if method == "HEAD" or response.status == 304 else response.body
        length = declared if declared is not None else len(response.body) if response.status != 304 else 0
        if declared is not None:
            self.close_connection = True
        head = self._head(response, length, keep_type)
        self._log(response.status)
        try:
            if declared is not None:  # the whole body after a Content-Length that says less, then close
                self.wfile.write(head + body)
                self.connection.shutdown(socket.SHUT_RDWR)
            elif cut is not None and body:
                self.wfile.write(head + body[:cut])
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            elif drip is not None and body:
                self.wfile.write(head)
                self._drip(body, drip)
            else:
                self.wfile.write(head + body)
        except OSError:
            self.close_connection = True
        return response.status

    def _drip(self, body: bytes, rate: float) -> None:
        """Send `body` at `rate` bytes per second until done, the client leaves or the server stops."""
        step = max(1, int(rate)) if rate >= 1 else 1
        pause = step / rate
        for start in range(0, len(body), step):
            self.wfile.write(body[start : start + step])
            if self.server.stopping.wait(pause):
                self.close_connection = True
                return

    def _send_big(self, response: Response, method: str, size: int) -> int:
        """A 200 whose body is `size` bytes: the page, then HTML comment padding."""
        head = self._head(Response(200, b"x", response.content_type), size)
        self._log(200)
        try:
            self.wfile.write(head)
            if method == "HEAD":
                return 200
            first = response.body[:size]
            self.wfile.write(first)
            left = size - len(first)
            block = PAD * (CHUNK // len(PAD) + 1)
            while left > 0 and not self.server.stopping.is_set():
                piece = block[: min(left, len(block))]
                self.wfile.write(piece)
                left -= len(piece)
        except OSError:
            self.close_connection = True
        return 200


class ReplayServer:
    """Corpora served as local news sites (see akhbar.replay for the contract)."""

    def __init__(
        self,
        corpora: Sequence[str | Path] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        faults: FaultSpec | str | None = None,
        *,
        limit_per_source: int | None = None,
        sample: int | None = None,
        ids: list[str] | None = None,
        seed: int = 0,
        catalog: Catalog | None = None,
        on_error=None,
        per_source_ports: bool = False,
    ) -> None:
        """Load the corpora (or take a ready `catalog`); nothing listens until start()."""
        if catalog is None:
            catalog = load_catalog(
                corpora or [],
                limit_per_source=limit_per_source,
                sample=sample,
                ids=ids,
                seed=seed,
                on_error=on_error,
            )
        spec = FaultSpec.parse(faults) if isinstance(faults, str) else faults
        self.app = ReplayApp(catalog, clock, spec)
        self.host, self.port = host, port
        self.per_source_ports = per_source_ports
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._site_servers: list[tuple[_HTTPServer, threading.Thread]] = []

    @property
    def catalog(self) -> Catalog:
        """The articles being served."""
        return self.app.catalog

    @property
    def base_url(self) -> str:
        """http://HOST:PORT of the running server (no trailing slash)."""
        if self._server is None:
            raise ReplayError("the replay server is not started")
        return self.app.base_url

    def start(self) -> ReplayServer:
        """Listen and serve in a background thread; return once the socket is listening."""
        if self._server is not None:
            return self
        requested = self.port
        server = self._listen(requested, None)
        self.port = server.server_address[1]
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        self.app.base_url = f"http://{shown}:{self.port}"
        self._server, self._thread = server, self._spawn(server)
        if self.per_source_ports:
            try:
                for number, slug in enumerate(self.catalog.sites, start=1):
                    site = self._listen(requested + number if requested else 0, slug)
                    self._site_servers.append((site, self._spawn(site)))
                    self.app.site_bases[slug] = f"http://{shown}:{site.server_address[1]}"
            except ReplayError:
                self.stop()
                raise
        return self

    def _listen(self, port: int, only: str | None) -> _HTTPServer:
        """Bind one listening socket (PortInUseError when the port is taken)."""
        try:
            return _HTTPServer((self.host, port), self.app, only)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUseError(
                    f"port {port} on {self.host} is already in use: stop what runs there, "
                    "or choose another port (--port N, or 0 for any free port)"
                ) from None
            raise ReplayError(f"cannot listen on {self.host}:{port}: {exc.strerror or exc}") from None

    @staticmethod
    def _spawn(server: _HTTPServer) -> threading.Thread:
        """Serve `server` from a daemon thread."""
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"replay-{server.server_address[1]}",
            daemon=True,
        )
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop serving and close every connection (hanging and dripping ones included)."""
        server, self._server = self._server, None
        if server is None:
            return
        everything = [(server, self._thread), *self._site_servers]
        self._site_servers = []
        self.app.site_bases.clear()
        for one, _ in everything:
            one.stopping.set()
        for one, thread in everything:
            one.shutdown()
            one.close_connections()
            one.server_close()
            if thread is not None:
                thread.join(timeout=5)

    def serve_forever(self) -> None:
        """Start and block until interrupted (Ctrl-C), then stop."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def manifest(self, source: str | None = None) -> dict:
        """Ground truth, as GET /_replay/manifest returns it."""
        return self.app.manifest(source)

    def request_log(self) -> list[dict]:
        """The requests received so far, as GET /_replay/log returns them."""
        return self.app.request_log()

    def clear_log(self) -> None:
        """Forget the logged requests (and the per-URL attempt counts faults use)."""
        self.app.clear_log()

    def set_faults(self, spec: FaultSpec | str | None) -> None:
        """Replace the fault spec at runtime (a string is parsed; unknown names raise FaultSpecError)."""
        self.app.faults = FaultSpec.parse(spec) if isinstance(spec, str) or spec is None else spec

    def url(self, path: str) -> str:
        """An absolute URL on this server."""
        return self.base_url + path

    def __enter__(self) -> ReplayServer:
        """Start on entering a with-block."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving a with-block."""
        self.stop()
