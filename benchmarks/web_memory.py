"""Memory of `akhbar serve` under hostile requests: the answer cache and large POST bodies (issue 20).

    python benchmarks/web_memory.py --db sqlite:///web.db [--src SRC] [--requests 4000]

Starts `akhbar serve` (the code under --src, default this tree) in its own process, then
1. sends `--requests` GETs with a different query string each (API list of 100 and the home feed) and
   prints the server's RSS before, after, and after the 10 s cache TTL;
2. POSTs a 60 MB body to /api/v1/sources without and with the admin token and prints the answer and
   the growth of the peak RSS (VmHWM).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from akhbar.bench.serve import free_port

TOKEN = "bench-token"
VARIED = ("/api/v1/articles?limit=100&p=", "/feed.xml?p=")
BODY_BYTES = 60 * 1024 * 1024


def memory(pid: int, field: str) -> float:
    """A /proc/PID/status memory field (VmRSS, VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for {pid}")


def start(src: str, db: str, port: int) -> subprocess.Popen:
    """`akhbar serve` of the code under `src`, once /healthz answers."""
    env = {**os.environ, "PYTHONPATH": src, "AKHBAR_DB": db, "AKHBAR_ADMIN_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [sys.executable, "-m", "akhbar", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz")
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the server did not start")


def varied_gets(base: str, pid: int, requests: int) -> str:
    """RSS before and after the varied GETs, and after the cache TTL."""
    with httpx.Client() as client:
        for path in VARIED:
            client.get(base + path + "warm")
        before = memory(pid, "VmRSS")
        for i in range(requests):
            client.get(base + VARIED[i % len(VARIED)] + str(i))
        after = memory(pid, "VmRSS")
        time.sleep(11)
        client.get(base + "/healthz")
        later = memory(pid, "VmRSS")
    return f"RSS {before:.0f} MB -> {after:.0f} MB after {requests} varied GETs, {later:.0f} MB after the TTL"


def big_posts(base: str, pid: int) -> list[str]:
    """The answer to a 60 MB POST without and with the token, and the peak RSS growth."""
    body = b'{"id": "x", "name": "' + b"x" * BODY_BYTES + b'"}'
    start_peak = memory(pid, "VmHWM")
    lines = []
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
        answer = httpx.post(
            base + "/api/v1/sources",
            content=body,
            timeout=120,
            headers={**headers, "Content-Type": "application/json"},
        )
        lines.append(
            f"60 MB POST token={bool(headers)}: {answer.status_code} "
            f"{answer.json().get('title')}; peak RSS +{memory(pid, 'VmHWM') - start_peak:.0f} MB"
        )
    return lines


def main() -> None:
    """Run both measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--src", default=str(Path(__file__).resolve().parents[1] / "src"))
    parser.add_argument("--requests", type=int, default=4000)
    args = parser.parse_args()
    port = free_port()
    proc = start(args.src, args.db, port)
    try:
        base = f"http://127.0.0.1:{port}"
        print(args.src)
        print(varied_gets(base, proc.pid, args.requests))
        for line in big_posts(base, proc.pid):
            print(line)
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
