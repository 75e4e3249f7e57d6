"""`akhbar tags FILE` and `akhbar retag`: the tags of one article, and re-tagging the whole store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from akhbar.cli.common import DbOption, JsonOption, RateColumn, console, err_console, opened_store, print_json
from akhbar.errors import ArticleFileError


def read_article(path: str | Path) -> tuple[str, str]:
    """(title, text) of a file: a corpus JSON object (title, text) or plain text whose first line is the title."""
    from akhbar.enrich.tags import split_title  # the tagger loads only for the tag commands

    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArticleFileError(f"cannot read {path}: {exc}") from exc
    stripped = raw.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            try:
                data = json.loads(stripped.splitlines()[0])  # the first line of a corpus
            except ValueError as exc:
                raise ArticleFileError(f"{path}: looks like JSON but is not: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("text", ""), str):
            raise ArticleFileError(f"{path}: a JSON article needs a text field")
        return str(data.get("title") or ""), data.get("text") or ""
    if not stripped:
        raise ArticleFileError(f"{path} is empty")
    return split_title(stripped)


def tags(
    file: Annotated[
        Path,
        typer.Argument(
            help="An article: plain text (first line = title) or corpus JSON.", exists=True, dir_okay=False
        ),
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the tags of one article with their type and score (document frequencies from the store)."""
    from akhbar.enrich.stage import tagger_for

    title, body = read_article(file)
    with opened_store(db) as store:
        found = tagger_for(store).tag(title, body)
    if as_json:
        print_json([{"name": t.name, "slug": t.slug, "type": t.type, "score": t.score} for t in found])
        return
    for tag in found:
        console.print(f"{tag.score:8.2f}  {tag.type:<12}  {tag.name}")


def retag(db: DbOption = None, quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """Recount tag statistics over the whole store and re-tag (and re-classify) every article."""
    from akhbar.enrich.stage import retag as retag_store

    with (
        opened_store(db) as store,
        Progress(
            TextColumn("retagging"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,}"),
            RateColumn(),
            TimeElapsedColumn(),
            console=err_console,
            disable=quiet,
        ) as progress,
    ):
        task = progress.add_task("retag", total=store.article_count())
        done = retag_store(store, on_batch=lambda n: progress.advance(task, n))
    console.print(f"retagged {done} articles")


def register(app: typer.Typer) -> None:
    """Add the tag commands to the top-level app."""
    app.command("tags")(tags)
    app.command()(retag)
