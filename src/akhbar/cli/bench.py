"""`akhbar bench ...`: speed figures, printed as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from akhbar.cli.common import DbOption, command_group, corpus_files_or_default, print_json, settings_with

app = command_group("Speed figures.")

CorpusArgument = Annotated[
    list[Path] | None, typer.Argument(help="Corpus files (default: ANT from AKHBAR_SHARED).")
]


@app.command("import")
def bench_import(
    corpus: CorpusArgument = None,
    runs: Annotated[int, typer.Option(help="Runs; the median is reported.")] = 3,
    search_queries: Annotated[int, typer.Option(help="Title queries for the search latency figure.")] = 200,
    store_only: Annotated[
        bool, typer.Option("--store-only", help="Measure the store and index stages alone.")
    ] = False,
) -> None:
    """Import throughput and peak RSS into a fresh store, and search latency on it (JSON)."""
    from akhbar.bench.importing import run_import_bench

    files = corpus_files_or_default(corpus)
    print_json(run_import_bench(files, runs=runs, search_queries=search_queries, store_only=store_only))


@app.command("serve")
def bench_serve(
    db: DbOption = None,
    clients: Annotated[int, typer.Option(min=1, max=1000, help="Concurrent closed-loop clients.")] = 50,
    seconds: Annotated[float, typer.Option(min=1, help="Length of each run.")] = 60.0,
    runs: Annotated[int, typer.Option(min=1, help="Runs; medians are reported.")] = 3,
    url: Annotated[
        str | None, typer.Option(help="Load this running server instead of starting `akhbar serve`.")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes of the started server.")] = 1,
) -> None:
    """Load `akhbar serve` with a mix of home, article, search, API and feed requests (JSON figures)."""
    from akhbar.bench.serve import run_serve_bench

    print_json(
        run_serve_bench(
            settings_with(db).db, clients=clients, seconds=seconds, runs=runs, url=url, workers=workers
        )
    )


@app.command("text")
def bench_text(
    corpus: CorpusArgument = None,
    runs: Annotated[int, typer.Option(min=1, help="Runs; the median is reported.")] = 3,
    camel_python: Annotated[
        str | None, typer.Option(help="Python of a venv with camel-tools (--no-deps).")
    ] = None,
) -> None:
    """MB/s of the analyzer's terms() on one core, beside pyarabic and camel-tools (JSON)."""
    from akhbar.bench.text import run_text_bench

    print_json(run_text_bench(corpus_files_or_default(corpus), runs=runs, camel_python=camel_python))
