"""`akhbar text normalize | key | tokens | terms`: the analyzer from stdin to stdout."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Annotated, TextIO

import typer

from akhbar.errors import CommandError

MODES = ("normalize", "key", "tokens", "terms")


def run_text_command(mode: str, stdin: TextIO, stdout: TextIO) -> int:
    """Analyse stdin line by line: normalize/key print one line per line; tokens print JSON lines
    (offsets into the line's display form, with each token's index term); terms print the terms
    of each line separated by spaces. Returns the exit code; an unknown mode raises ValueError."""
    from akhbar.text.normalize import key, normalize  # the analyzer loads only for this command
    from akhbar.text.stem import term_of
    from akhbar.text.terms import terms
    from akhbar.text.tokenize import tokens_of_display

    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    for line in stdin:
        line = line.rstrip("\n")
        if mode == "normalize":
            stdout.write(normalize(line) + "\n")
        elif mode == "key":
            stdout.write(key(line) + "\n")
        elif mode == "terms":
            stdout.write(" ".join(terms(line)) + "\n")
        else:
            for token in tokens_of_display(normalize(line)):
                record = asdict(token) | {
                    "term": term_of(token.key) if token.kind in ("word", "latin", "number") else None
                }
                stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def text(mode: Annotated[str, typer.Argument(help="normalize | key | tokens | terms")]) -> None:
    """The Arabic analyzer from stdin to stdout (tokens as JSON lines)."""
    if mode not in MODES:
        raise CommandError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    raise typer.Exit(run_text_command(mode, sys.stdin, sys.stdout))


def register(app: typer.Typer) -> None:
    """Add the text command to the top-level app."""
    app.command("text")(text)
