"""`akhbar sources add | import | export | list`: the outlets Akhbar follows."""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from akhbar.cli.common import (
    DbOption,
    JsonOption,
    command_group,
    console,
    opened_store,
    print_json,
    settings_with,
)
from akhbar.errors import AkhbarError, CommandError
from akhbar.models import Source
from akhbar.store import SourceHealth

app = command_group("The outlets Akhbar follows.")


@app.command("add")
def sources_add(
    url: Annotated[
        str, typer.Argument(help="A home page (its feeds are discovered), a feed or a news sitemap.")
    ],
    db: DbOption = None,
    source_id: Annotated[str | None, typer.Option("--id", help="Source id (default: from the host).")] = None,
    name: Annotated[str | None, typer.Option(help="Display name (default: the site's own).")] = None,
) -> None:
    """Add a source by URL (http/https only; private hosts need AKHBAR_ALLOW_PRIVATE_HOSTS)."""
    import asyncio

    from akhbar.sources import claim_articles, discover_source

    source = asyncio.run(discover_source(url, settings_with(db), source_id))
    if name:
        source.name = name
    with opened_store(db) as store:
        store.upsert_source(source)
        claimed = claim_articles(store, source)
    console.print(
        f"added {source.id} ({source.name}): {len(source.feeds)} feeds, {len(source.sitemaps)} sitemaps"
        + (f"; {claimed} stored articles under its home moved to it" if claimed else "")
    )
    for url_ in [*source.feeds, *source.sitemaps]:
        console.print(f"  {url_}")


@app.command("import")
def sources_import(
    opml: Annotated[Path, typer.Argument(help="An OPML file.", exists=True, dir_okay=False)],
    db: DbOption = None,
) -> None:
    """Add or update the sources listed in an OPML file."""
    from akhbar.sources import parse_opml

    try:
        sources = parse_opml(opml.read_bytes())
    except AkhbarError as exc:
        raise CommandError(f"{opml}: {exc}") from exc
    with opened_store(db) as store:
        for source in sources:
            store.upsert_source(source)
    console.print(f"imported {len(sources)} sources from {opml}")


@app.command("export")
def sources_export(
    db: DbOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Print (or write) every source as OPML."""
    from akhbar.sources import export_opml

    with opened_store(db, read_only=True) as store:
        text = export_opml(store.list_sources())
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def source_data(source: Source, health: SourceHealth) -> dict[str, Any]:
    """A source and its health as JSON-ready data."""
    return {
        **asdict(source),
        "health": {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(health).items()},
    }


def source_lines(source: Source, health: SourceHealth) -> tuple[Text, str]:
    """A source's two lines of `sources list`: who it is, then how its crawling goes."""
    mean = f"{health.mean_fetch_seconds:.2f} s" if health.mean_fetch_seconds is not None else "-"
    head = Text.assemble(
        (source.id, "bold"),
        f" {source.name} ({source.country or '-'}) "
        f"{len(source.feeds)} feeds, {len(source.sitemaps)} sitemaps{'' if source.enabled else ' [disabled]'}",
    )
    return head, (
        f"    articles {health.articles:,} ({health.articles_per_day}/day), fetches {health.fetches:,}, "
        f"errors {health.errors:,}, mean fetch {mean}, last success {health.last_success or '-'}, "
        f"last error {health.last_error or '-'} {health.last_error_message or ''}"
    )


@app.command("list")
def sources_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every source with its health: last success, last error, articles per day, mean fetch time."""
    with opened_store(db, read_only=True) as store:
        rows = [(source, store.source_health(source.id)) for source in store.list_sources()]
    if as_json:
        print_json([source_data(s, h) for s, h in rows])
        return
    for source, health in rows:
        for line in source_lines(source, health):
            console.print(line)
