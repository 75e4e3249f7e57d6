"""The `akhbar` command: one module per command group, thin functions over functions tests can call.

Exit codes: 0 success, 1 some input was rejected (the rest went in), 2 a fatal error, 130 interrupted.
Errors are handled once, by the command tree (common.AkhbarGroup): Akhbar's typed errors, OS errors
and a damaged SQLite file become one line on stderr and exit 2; Ctrl-C exits 130.
"""

from __future__ import annotations

from akhbar.cli import bench, run, sources, store, tags, text
from akhbar.cli import eval as eval_group  # the module is named for its command group; builtin eval kept
from akhbar.cli.common import command_group

app = command_group("Akhbar (أخبار): Arabic-first news aggregation.")
store.register(app)
run.register(app)
tags.register(app)
text.register(app)
app.add_typer(sources.app, name="sources")
app.add_typer(eval_group.app, name="eval")
app.add_typer(bench.app, name="bench")

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the console script."""
    app()
