"""Running the crawler from the command line: signals, per-source progress and per-pass summaries."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

from akhbar.config import Settings
from akhbar.fetch.crawler import CrawlSummary, crawl_forever, crawl_pass
from akhbar.models import Source
from akhbar.store import Store


def install_stop_signals(stop: asyncio.Event, echo: Callable[[str], None]) -> None:
    """SIGINT/SIGTERM set `stop` (in-flight work finishes); a second one cancels the run."""
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()

    def on_signal() -> None:
        if stop.is_set():
            echo("second signal: cancelling in-flight work (nothing half-stored)")
            if main is not None:
                main.cancel()
            return
        echo("stopping: finishing in-flight work (send again to cancel it)")
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread / platform
            loop.add_signal_handler(sig, on_signal)


def run_crawl(
    store: Store, settings: Settings, once: bool, echo: Callable[[str], None], force: bool = False
) -> CrawlSummary:
    """`akhbar crawl [--once]`: one pass, or passes until a signal; returns the (last or total) summary."""
    total = CrawlSummary()

    def source_line(source: Source, summary: CrawlSummary) -> None:
        c = summary.counts
        errors = f", {len(summary.errors)} errors" if summary.errors else ""
        echo(f"  {source.id}: {summary.new} new URLs, {c.imported} stored, {summary.partial} partial{errors}")

    def pass_line(summary: CrawlSummary) -> None:
        total.add(summary)
        total.elapsed += summary.elapsed
        echo("pass: " + summary.line())

    async def main() -> None:
        stop = asyncio.Event()
        install_stop_signals(stop, echo)
        if once:
            summary = await crawl_pass(store, settings, force=force, stop=stop, on_source=source_line)
            pass_line(summary)
        else:
            await crawl_forever(store, settings, stop, on_pass=pass_line, on_source=source_line)
        total.interrupted = stop.is_set()

    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        total.interrupted = True
    return total
