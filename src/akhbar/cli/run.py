"""Long-running commands: crawl, serve, run, worker, replay, demo."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from akhbar.cli.common import (
    EXIT_INTERRUPTED,
    DbOption,
    HostOption,
    PortOption,
    console,
    err_console,
    opened_store,
    settings_with,
)


def echo_err(line: str) -> None:
    """A progress line on stderr, printed as written."""
    err_console.print(line)


def crawl(
    db: DbOption = None,
    once: Annotated[bool, typer.Option("--once", help="One pass over the due sources, then exit.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="With --once: poll every source, due or not.")
    ] = False,
) -> None:
    """Crawl the sources: one pass, or pass after pass until SIGINT/SIGTERM (graceful)."""
    from akhbar.fetch.runner import run_crawl
    from akhbar.sources import install_defaults

    settings = settings_with(db)
    with opened_store(db) as store:
        if not store.list_sources():
            added = install_defaults(store)
            err_console.print(f"no sources yet: added the {added} default Arabic outlets")
        summary = run_crawl(store, settings, once=once, force=force, echo=echo_err)
    if once:
        console.print(summary.line())
    if summary.interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)


def serve(
    db: DbOption = None,
    host: HostOption = None,
    port: PortOption = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Serve the web site, JSON API and feeds."""
    from akhbar.web.server import serve as serve_site

    serve_site(settings_with(db), host, port, workers)


def run(db: DbOption = None, host: HostOption = None, port: PortOption = None) -> None:
    """The whole system in one process: crawl the configured sources (default list if none) and serve the site."""
    import asyncio

    from akhbar.supervisor import run_all

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(
        run_all(settings_with(db), host, port, on_started=lambda url: echo_err(f"Akhbar is serving on {url}"))
    )


def worker(
    db: DbOption = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Sources crawled at once (poll jobs).")] = 2,
    until_idle: Annotated[bool, typer.Option("--until-idle", help="Exit once the queue is empty.")] = False,
    no_scheduler: Annotated[bool, typer.Option("--no-scheduler", help="Do not enqueue due sources.")] = False,
    no_lane: Annotated[
        bool, typer.Option("--no-lane", help="Never take the relate lane (crawl only).")
    ] = False,
) -> None:
    """Take jobs from the shared PostgreSQL queue (crawl, and the relate lane when free) until stopped."""
    from akhbar.queue import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with opened_store(db) as store:
        runner = Worker(
            store, settings_with(db), concurrency=concurrency, scheduler=not no_scheduler, lane=not no_lane
        )
        try:
            report = runner.run(until_idle=until_idle)
        except KeyboardInterrupt:
            runner.stop.set()
            err_console.print("interrupted: running jobs go back to the queue when their leases run out")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        console.print(report.summary())


def replay(
    corpus: Annotated[
        list[Path], typer.Argument(help="JSONL or JSONL.gz corpus files.", exists=True, dir_okay=False)
    ],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free port).")] = 8900,
    clock: Annotated[
        str | None, typer.Option(help="Simulated time START[:SPEED] (START: ISO 8601 or 'start').")
    ] = None,
    faults: Annotated[
        str | None, typer.Option(help="Fault spec, e.g. 'latency=0.2,status503=0.1' (see docs/replay.md).")
    ] = None,
    limit_per_source: Annotated[
        int | None, typer.Option(help="Serve only the N newest articles of each source.")
    ] = None,
    port_per_source: Annotated[
        bool, typer.Option(help="Also serve each site on its own port (PORT+1, PORT+2, ...).")
    ] = False,
) -> None:
    """Serve corpora as local Arabic news sites (feeds, sitemaps, robots.txt, faults) until Ctrl-C."""
    from akhbar.replay.run import run_replay

    run_replay(
        corpus,
        host=host,
        port=port,
        clock=clock,
        faults=faults,
        limit_per_source=limit_per_source,
        per_source_ports=port_per_source,
        console=console,
        err_console=err_console,
    )


def demo(
    corpora: Annotated[
        list[Path] | None, typer.Argument(help="JSONL(.gz) corpora (default: all shared corpora).")
    ] = None,
    limit_per_source: Annotated[
        int, typer.Option(min=0, help="Newest N articles of each source (0: all).")
    ] = 300,
    delay: Annotated[float, typer.Option(min=0, help="Crawl delay between requests (seconds).")] = 0.0,
    replay_port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port of the replayed sites (0: any free).")
    ] = 0,
) -> None:
    """Replayed news sites, crawled live and served on the web until Ctrl-C (as `make demo`)."""
    from akhbar.demo import default_corpora
    from akhbar.demo import run as run_demo

    files = corpora or default_corpora(settings_with())
    raise typer.Exit(run_demo(files, limit_per_source or None, delay, replay_port))


def register(app: typer.Typer) -> None:
    """Add the long-running commands to the top-level app."""
    for command in (crawl, serve, run, worker, replay, demo):
        app.command()(command)
