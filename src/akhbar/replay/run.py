"""`akhbar replay`: load corpora, print the base URL and the table of sites, serve until interrupted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from akhbar.replay.catalog import load_catalog
from akhbar.replay.clock import parse_clock
from akhbar.replay.faults import FaultSpec
from akhbar.replay.server import ReplayServer


def sites_table(server: ReplayServer) -> Table:
    """One row per site: name, Arabic title, articles published (of all), home path and RSS path."""
    table = Table(show_edge=False)
    for column in ("source", "title", "articles", "home", "rss"):
        table.add_column(column, justify="right" if column == "articles" else "left", no_wrap=True)
    for site in server.app.manifest(with_articles=False)["sources"]:
        base = len(server.app.base_of(site["slug"])) if not server.per_source_ports else len("http://")
        table.add_row(
            site["name"],
            site["title"],
            f"{site['articles']:,}/{site['total']:,}",
            site["home"][base:],
            site["feeds"][0][base:],
        )
    return table


def build_server(
    corpora: list[Path],
    host: str,
    port: int,
    clock: str | None,
    faults: str | None,
    limit_per_source: int | None,
    on_error: Callable[[str], None],
    per_source_ports: bool = False,
) -> ReplayServer:
    """Parse the options (errors raise ReplayError / FaultSpecError) and load the corpora."""
    spec = FaultSpec.parse(faults)
    catalog = load_catalog(corpora, limit_per_source=limit_per_source, on_error=on_error)
    simulated = parse_clock(clock, catalog.first_published()) if clock else None
    return ReplayServer(
        host=host, port=port, clock=simulated, faults=spec, catalog=catalog, per_source_ports=per_source_ports
    )


def run_replay(
    corpora: list[Path],
    host: str = "127.0.0.1",
    port: int = 8900,
    clock: str | None = None,
    faults: str | None = None,
    limit_per_source: int | None = None,
    per_source_ports: bool = False,
    console: Console | None = None,
    err_console: Console | None = None,
) -> None:
    """Serve the corpora until Ctrl-C; print the base URL first, then the sites."""
    out = console or Console(highlight=False)
    err = err_console or Console(stderr=True, highlight=False)
    server = build_server(
        corpora,
        host,
        port,
        clock,
        faults,
        limit_per_source,
        on_error=lambda message: err.print(Text(message, style="yellow")),
        per_source_ports=per_source_ports,
    )
    server.start()
    try:
        out.print(server.base_url, markup=False)
        out.print(sites_table(server))
        catalog = server.catalog
        out.print(
            f"{catalog.size:,} articles from {len(catalog.sites)} sources"
            f"{f', {catalog.errors:,} corpus lines skipped' if catalog.errors else ''}; "
            f"manifest: {server.base_url}/_replay/manifest; faults: {str(server.app.faults) or 'none'}; "
            "Ctrl-C to stop",
            markup=False,
        )
        out.file.flush()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
