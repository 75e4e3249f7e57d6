"""`make demo` = `python -m akhbar.demo [CORPORA...]`: replayed news sites, crawled live, served on the web.

Starts replay on the corpora (default: every $AKHBAR_SHARED/corpora/*/*.jsonl.gz), registers its sites
as sources in the store (AKHBAR_DB), then crawls them and serves the site at http://HOST:PORT
(AKHBAR_HOST / AKHBAR_PORT, default http://127.0.0.1:8000) until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path

from akhbar.config import Settings, load_settings
from akhbar.errors import AkhbarError
from akhbar.sources import sources_from_manifest
from akhbar.store import open_store


def echo(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def default_corpora(settings: Settings) -> list[Path]:
    """Every corpus under the shared folder."""
    return sorted(settings.shared_path.glob("corpora/*/*.jsonl.gz"))


def demo_settings(settings: Settings, delay: float) -> Settings:
    """Crawl settings for replay on loopback (private hosts allowed, a short crawl delay)."""
    return replace(
        settings, allow_private_hosts=True, crawl_delay=delay, poll_min=min(settings.poll_min, 60.0)
    )


def run(corpora: list[Path], limit_per_source: int | None, delay: float, replay_port: int) -> int:
    """The demo; returns an exit code."""
    from akhbar.replay import ReplayServer

    settings = demo_settings(load_settings(), delay)
    if not corpora:
        echo(f"no corpora found under {settings.shared_path / 'corpora'} (set AKHBAR_SHARED or pass files)")
        return 2
    missing = [str(path) for path in corpora if not path.is_file()]
    if missing:
        echo(f"no such corpus file: {', '.join(missing)}")
        return 2
    echo(f"replay: loading {len(corpora)} corpus files ...")
    with ReplayServer(
        corpora, port=replay_port, limit_per_source=limit_per_source, on_error=lambda message: None
    ) as replay:
        manifest = replay.manifest()
        store = open_store(settings.db)
        try:
            for source in sources_from_manifest(manifest):
                store.upsert_source(source)
        finally:
            store.close()
        total = sum(s.get("articles", 0) for s in manifest["sources"])
        echo(f"replay: {len(manifest['sources'])} sites, {total:,} articles at {replay.base_url}/")
        echo(f"store: {settings.db}")
        from akhbar.supervisor import run_all  # the site: loaded once the replay is up

        echo("crawling the replayed sites; the site is starting (Ctrl-C stops both)")
        asyncio.run(run_all(settings, on_started=lambda url: echo(f"web: {url}/")))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the demo."""
    parser = argparse.ArgumentParser(prog="python -m akhbar.demo", description=__doc__.splitlines()[0])
    parser.add_argument(
        "corpora", nargs="*", type=Path, help="JSONL(.gz) corpora (default: all shared corpora)"
    )
    parser.add_argument(
        "--limit-per-source",
        type=int,
        default=300,
        help="newest N articles of each source (0: all of them; default 300)",
    )
    parser.add_argument("--delay", type=float, default=0.0, help="crawl delay between requests (seconds)")
    parser.add_argument(
        "--replay-port", type=int, default=0, help="port of the replayed sites (default: any free)"
    )
    args = parser.parse_args(argv)
    try:
        return run(
            args.corpora or default_corpora(load_settings()),
            args.limit_per_source or None,
            args.delay,
            args.replay_port,
        )
    except AkhbarError as exc:
        echo(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
