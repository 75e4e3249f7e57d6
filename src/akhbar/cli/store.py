"""Store commands: init, import, show, search, stats, check, migrate-store.

Read commands (show, search, stats) open the store read-only, so they work on a read-only file or mount.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from akhbar.cli.common import (
    EXIT_INTERRUPTED,
    DbOption,
    JsonOption,
    RateColumn,
    console,
    err_console,
    opened_store,
    parse_when,
    print_json,
)
from akhbar.errors import CommandError


def marked(snippet: str) -> Text:
    """A snippet with <mark> shown in bold yellow (the snippet is escaped HTML)."""
    out = Text()
    for i, part in enumerate(re.split(r"</?mark>", snippet)):
        out.append(html.unescape(part), style="bold yellow" if i % 2 else "")
    return out


def init(db: DbOption = None) -> None:
    """Create or migrate the store."""
    with opened_store(db) as store:
        console.print(f"store ready: {store.url}")


def import_(
    corpus: Annotated[
        list[Path], typer.Argument(help="JSONL or JSONL.gz corpus files.", exists=True, dir_okay=False)
    ],
    db: DbOption = None,
    batch_size: Annotated[int, typer.Option(help="Articles per transaction.")] = 500,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    store_only: Annotated[
        bool,
        typer.Option(
            "--store-only",
            help="Store and index only (bulk load); `akhbar check --repair` adds tags and stories later.",
        ),
    ] = False,
) -> None:
    """Take in corpus files through the pipeline (idempotent; safe to re-run after an interruption)."""
    from akhbar.ingest import count_lines, import_corpora
    from akhbar.pipeline import Pipeline

    with opened_store(db) as store:
        pipeline = Pipeline(store) if store_only else Pipeline.default(store)
        total = sum(count_lines(path) for path in corpus)
        columns = [
            TextColumn("importing"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,}"),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
        ]
        with Progress(*columns, console=err_console, disable=quiet, transient=False) as progress:
            task = progress.add_task("import", total=total)
            try:
                report = import_corpora(
                    corpus,
                    pipeline,
                    batch_size=batch_size,
                    on_batch=lambda n: progress.advance(task, n),
                    on_error=lambda e: progress.console.print(Text.assemble(("rejected", "yellow"), f" {e}")),
                )
            except KeyboardInterrupt:
                err_console.print("interrupted: the batches already committed are kept; re-run to finish")
                raise typer.Exit(EXIT_INTERRUPTED) from None
        console.print(report.summary())
        if report.counts.rejected:
            raise typer.Exit(1)


def print_article(view: dict[str, Any]) -> None:
    """An article view as text: title, date and URL, body, then its relations."""
    console.print(Text(view["title"], style="bold"))
    console.print(f"{view['published'] or ''}  {view['url']}")
    console.print()
    console.print(view["text"])
    console.print()
    console.print(f"المصدر: {view['source_name']}")
    if view["tags"]:
        console.print("كلمات دلالية: " + " | ".join(t["name"] for t in view["tags"]))
    if story := view["story"]:
        console.print(
            f"القصة: {story['title']} ({len(story['sources'])} مصادر، {story['articles']} مقالات) #{story['id']}"
        )
    if also := view["read_also"]:
        console.print(f"إقرأ أيضاً: {also['title']} ({also['source']}) #{also['id']}")
    if view["similar"]:
        console.print("مقالات مشابهة:")
        for item in view["similar"]:
            console.print(f"  • {item['title']} — {item['source']} {item['published'] or ''} #{item['id']}")


def show(
    article_id: Annotated[int, typer.Argument(metavar="ID")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print an article with its tags, story, read-also and similar articles."""
    from akhbar.views import article_view

    with opened_store(db, read_only=True) as store:
        view = article_view(store, article_id)
    if view is None:
        raise CommandError(f"no article {article_id}")
    if as_json:
        print_json(view)
    else:
        print_article(view)


def search(
    query: Annotated[str, typer.Argument(help="Words to look for, in any spelling.")],
    db: DbOption = None,
    as_json: JsonOption = False,
    source: Annotated[str | None, typer.Option(help="Only this source id.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 10,
) -> None:
    """Search the store: ranked by BM25 with recency as tie-break, with highlighted snippets."""
    from akhbar.views import search_hit_data

    start, end = parse_when(since), parse_when(until, end=True)
    with opened_store(db, read_only=True) as store:
        page = store.search(query, source=source, since=start, until=end, limit=limit)
    if as_json:
        print_json({"results": [search_hit_data(h) for h in page.hits], "total": page.total})
        return
    console.print(f"{page.total} results")
    for hit in page.hits:
        console.print(
            Text.assemble(
                (hit.title, "bold"),
                "  ",
                (f"#{hit.id} {hit.source} {hit.published or ''} {hit.score:.2f}", "dim"),
            )
        )
        console.print(marked(hit.snippet))
        console.print()


def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Articles per source, date range and store size."""
    with opened_store(db, read_only=True) as store:
        data = store.stats()
    if as_json:
        print_json(data)
        return
    console.print(
        f"{data['articles']:,} articles, {data['first']} … {data['last']}, {data['bytes'] / 1e6:.1f} MB"
    )
    for name, count in data["sources"].items():
        console.print(f"  {name}: {count:,}")


def check(
    db: DbOption = None,
    repair: Annotated[bool, typer.Option("--repair", help="Repair what can be repaired.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Verify the store's integrity (terms, index, orphans, counts, stories); exit 1 if problems remain."""
    from akhbar.check import check_store

    with opened_store(db) as store:
        report = check_store(store, repair=repair)
    if as_json:
        print_json(report.as_dict())
    else:
        for problem in report.problems:
            state = ("repaired", "green") if problem.repaired else ("found", "red")
            console.print(Text.assemble(state, f" {problem.count:,} × {problem.name} {problem.detail}"))
        console.print("clean" if report.clean else f"{len(report.unrepaired)} problem(s) left")
    if report.unrepaired:
        raise typer.Exit(1)


def migrate_store_(
    source: Annotated[str, typer.Option("--from", help="Store URL to copy from (only read).")],
    target: Annotated[str, typer.Option("--to", help="Empty store URL to copy into.")],
) -> None:
    """Copy a whole store to another backend (e.g. sqlite:///akhbar.db to postgresql://…), ids kept."""
    from akhbar.migrate_store import migrate_store

    report = migrate_store(source, target, on_table=lambda t, n: err_console.print(f"{t}: {n:,} rows"))
    console.print(report.summary())


def register(app: typer.Typer) -> None:
    """Add the store commands to the top-level app."""
    app.command()(init)
    app.command("import")(import_)
    app.command()(show)
    app.command()(search)
    app.command()(stats)
    app.command()(check)
    app.command("migrate-store")(migrate_store_)
