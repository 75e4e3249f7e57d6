"""What every command group shares: consoles, options, the store opener and the one error handler.

Output never interprets rich markup: the consoles are built with markup off, so a site name or a title
holding `[/x]` prints as written; styled words are Text objects.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import ProgressColumn, Task
from rich.text import Text
from typer.core import TyperGroup

from akhbar.config import Settings, load_settings
from akhbar.errors import AkhbarError, CommandError
from akhbar.store import Store, open_store

#: Exit codes: 0 success, 1 some input was rejected (the rest went in), 2 fatal, 130 interrupted.
EXIT_FATAL = 2
EXIT_INTERRUPTED = 130

console = Console(highlight=False, soft_wrap=True, markup=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

DbOption = Annotated[
    str | None, typer.Option("--db", help="Store URL (default: AKHBAR_DB or sqlite:///akhbar.db).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
HostOption = Annotated[
    str | None, typer.Option("--host", help="Address to listen on (default: AKHBAR_HOST or 127.0.0.1).")
]
PortOption = Annotated[
    int | None, typer.Option("--port", min=1, max=65535, help="Port (default: AKHBAR_PORT or 8000).")
]


class AkhbarGroup(TyperGroup):
    """The command tree, with every command's errors handled here once."""

    def invoke(self, ctx: Any) -> Any:  # Any: typer's Context type lives in its private vendored click
        """Run the command: typed errors and OS errors become one line and exit 2; Ctrl-C exits 130."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise  # the command line's own handler closes stdout quietly
        except (AkhbarError, OSError) as exc:
            err_console.print(Text.assemble(("error:", "red"), " ", str(exc)))  # only the label styled
            raise typer.Exit(EXIT_FATAL) from None
        except KeyboardInterrupt:
            raise typer.Exit(EXIT_INTERRUPTED) from None


def command_group(help_text: str, **options: Any) -> typer.Typer:
    """A Typer group of Akhbar commands."""
    return typer.Typer(cls=AkhbarGroup, no_args_is_help=True, add_completion=False, help=help_text, **options)


def settings_with(db: str | None = None) -> Settings:
    """Settings from the environment, with the --db option over AKHBAR_DB."""
    settings = load_settings()
    return replace(settings, db=db) if db else settings


@contextmanager
def opened_store(db: str | None, read_only: bool = False) -> Iterator[Store]:
    """The configured store, closed after use (the store raises its own typed errors)."""
    store = open_store(settings_with(db).db, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def print_json(data: object) -> None:
    """JSON to stdout, Arabic kept readable."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def ant_corpus_dir() -> Path:
    """The shared ANT v2.1 corpus folder (from AKHBAR_SHARED)."""
    return load_settings().shared_path / "corpora" / "ant-v2.1"


def corpus_files_or_default(files: list[Path] | None) -> list[Path]:
    """The files given, else the shared ANT corpus files; none at all is an error."""
    found = files or sorted(ant_corpus_dir().glob("*.jsonl.gz"))
    if not found:
        raise CommandError("no corpus files (set AKHBAR_SHARED or pass files)")
    return found


def parse_when(value: str | None, end: bool = False) -> datetime | None:
    """A --since/--until value: YYYY-MM-DD (the whole day, through its end with end) or ISO 8601."""
    from akhbar.times import parse_day, parse_iso

    if not value:
        return None
    try:
        return parse_day(value, end=end)
    except ValueError:
        pass
    try:
        return parse_iso(value)
    except ValueError:
        raise typer.BadParameter(f"not a date: {value!r} (use YYYY-MM-DD)") from None


class RateColumn(ProgressColumn):
    """Articles per second."""

    def render(self, task: Task) -> Text:
        """The task's speed."""
        return Text(f"{task.speed or 0:,.0f} articles/s")
