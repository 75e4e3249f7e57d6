"""Constants and helpers of the web tests (import from here, never from conftest)."""

from __future__ import annotations

import socket

ADMIN_TOKEN = "test-admin-token"
BASE_URL = "https://akhbar.example"
XSS_TITLE = '<script>alert("xss")</script> عنوان <img src=x onerror=alert(1)> خبيث'
XSS_TEXT = (
    'فقرة أولى <script>document.title="pwned"</script>\nفقرة ثانية <a href="javascript:alert(1)">رابط</a>'
)


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PROBLEM = "application/problem+json"


def problem(response, status: int) -> dict:
    """Check a problem+json answer and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and "detail" in body
    assert "Traceback" not in response.text
    return body
