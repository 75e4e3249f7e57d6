"""The door for writes: the admin token checked first, request bodies capped before anything parses them,
and the answer cache cleared only after a successful authenticated write."""

from __future__ import annotations

import hmac

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from akhbar.web.errors import ApiError, error_page, is_api_path
from akhbar.web.microcache import AnswerCache

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Disconnected(Exception):
    """The client went away before its request body was complete."""


def require_admin(request: Request) -> None:
    """Allow writes only with `Authorization: Bearer <AKHBAR_ADMIN_TOKEN>`; no token configured, no writes."""
    token = request.app.state.settings.admin_token
    if not token:
        raise ApiError(403, "writes are disabled: set AKHBAR_ADMIN_TOKEN to enable them", "Forbidden")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(
            401, "a valid bearer token is required", "Unauthorized", {"WWW-Authenticate": "Bearer"}
        )


def too_large(limit: int) -> ApiError:
    """The 413 of a body over `limit` bytes."""
    return ApiError(413, f"request bodies are limited to {limit} bytes", "Payload Too Large")


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length, None when absent or not a number."""
    raw = next((v for k, v in scope.get("headers", ()) if k == b"content-length"), None)
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw)


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body, refused (413) as soon as it passes `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class WriteGuardMiddleware:
    """Every request but GET/HEAD/OPTIONS: token first (API paths), then the body read whole under a cap."""

    def __init__(self, app: ASGIApp, cache: AnswerCache, max_body: int) -> None:
        self.app = app
        self.cache = cache
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse early, or pass the buffered body on and clear the cache after a 2xx write."""
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        authenticated = is_api_path(scope["path"])
        try:
            if authenticated:
                require_admin(request)
            length = declared_length(scope)
            if length is not None and length > self.max_body:
                raise too_large(self.max_body)
            body = await read_body(receive, self.max_body)
        except ApiError as exc:
            response = error_page(request, exc.status, exc.title, exc.detail, exc.headers)
            await response(scope, receive, send)
            return
        except Disconnected:
            return
        status = 0
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, replay, watch)
        if authenticated and 200 <= status < 300:
            self.cache.clear()
