"""The `akhbar` command: one thin function per command over functions tests can call.

Exit codes: 0 success, 1 some input was rejected (the rest went in), 2 a fatal error, 130 interrupted.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from akhbar.config import Settings, load_settings
from akhbar.errors import AkhbarError
from akhbar.store import Store, open_store

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Akhbar (أخبار): Arabic-first news aggregation.")
eval_app = typer.Typer(no_args_is_help=True, help="Quality measures, printed as JSON.")
bench_app = typer.Typer(no_args_is_help=True, help="Speed figures.")
app.add_typer(eval_app, name="eval")
app.add_typer(bench_app, name="bench")

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[str | None, typer.Option("--db", help="Store URL (default: AKHBAR_DB or sqlite:///akhbar.db).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def settings_with(db: str | None = None) -> Settings:
    """Settings from the environment, with the --db option over AKHBAR_DB."""
    settings = load_settings()
    if db:
        from dataclasses import replace

        settings = replace(settings, db=db)
    return settings


@contextmanager
def opened_store(db: str | None) -> Iterator[Store]:
    """Open the configured store, turning Akhbar errors into a clear message and exit code 2."""
    try:
        store = open_store(settings_with(db).db)
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    try:
        yield store
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    finally:
        store.close()


def print_json(data: object) -> None:
    """JSON to stdout, Arabic kept readable."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def marked(snippet: str) -> Text:
    """A snippet with <mark> shown in bold yellow (the snippet is escaped HTML)."""
    import html

    out = Text()
    for i, part in enumerate(re.split(r"</?mark>", snippet)):
        out.append(html.unescape(part), style="bold yellow" if i % 2 else "")
    return out


def parse_day(value: str | None) -> datetime | None:
    """A --since/--until value (YYYY-MM-DD or ISO) as an aware datetime."""
    if not value:
        return None
    from akhbar.corpus import parse_iso_datetime

    try:
        return parse_iso_datetime(value)
    except ValueError:
        raise typer.BadParameter(f"not a date: {value!r} (use YYYY-MM-DD)") from None


class RateColumn(ProgressColumn):
    """Articles per second."""

    def render(self, task: Task) -> Text:
        """The task's speed."""
        return Text(f"{task.speed or 0:,.0f} articles/s")


@app.command()
def init(db: DbOption = None) -> None:
    """Create or migrate the store."""
    with opened_store(db) as store:
        console.print(f"store ready: {store.url}")


@app.command("import")
def import_(
    corpus: Annotated[list[Path], typer.Argument(help="JSONL or JSONL.gz corpus files.", exists=True, dir_okay=False)],
    db: DbOption = None,
    batch_size: Annotated[int, typer.Option(help="Articles per transaction.")] = 500,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    store_only: Annotated[bool, typer.Option(
        "--store-only", help="Store and index only (bulk load); `akhbar check --repair` adds tags and stories later.")] = False,
) -> None:
    """Take in corpus files through the pipeline (idempotent; safe to re-run after an interruption)."""
    from akhbar.ingest import count_lines, import_corpora
    from akhbar.pipeline import Pipeline

    with opened_store(db) as store:
        pipeline = Pipeline(store) if store_only else Pipeline.default(store)
        total = sum(count_lines(path) for path in corpus)
        columns = [TextColumn("importing"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                   RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn()]
        with Progress(*columns, console=err_console, disable=quiet, transient=False) as progress:
            task = progress.add_task("import", total=total)
            try:
                report = import_corpora(
                    corpus, pipeline, batch_size=batch_size,
                    on_batch=lambda n: progress.advance(task, n),
                    on_error=lambda e: progress.console.print(Text.assemble(("rejected", "yellow"), " ", str(e))),
                )
            except KeyboardInterrupt:
                err_console.print("interrupted: the batches already committed are kept; re-run to finish")
                raise typer.Exit(130) from None
        console.print(report.summary())
        if report.counts.rejected:
            raise typer.Exit(1)


@app.command()
def show(
    article_id: Annotated[int, typer.Argument(metavar="ID")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print an article with its tags, story, read-also and similar articles."""
    from akhbar.views import article_view

    with opened_store(db) as store:
        view = article_view(store, article_id)
    if view is None:
        err_console.print(f"[red]error:[/red] no article {article_id}")
        raise typer.Exit(2)
    if as_json:
        print_json(view)
        return
    console.print(f"[bold]{view['title']}[/bold]")
    console.print(f"{view['published'] or ''}  {view['url']}")
    console.print()
    console.print(view["text"])
    console.print()
    console.print(f"المصدر: {view['source_name']}")
    if view["tags"]:
        console.print("كلمات دلالية: " + " | ".join(t["name"] for t in view["tags"]))
    if view["story"]:
        story = view["story"]
        console.print(f"القصة: {story['title']} ({len(story['sources'])} مصادر، {story['articles']} مقالات) #{story['id']}")
    if view["read_also"]:
        console.print(f"إقرأ أيضاً: {view['read_also']['title']} ({view['read_also']['source']}) #{view['read_also']['id']}")
    if view["similar"]:
        console.print("مقالات مشابهة:")
        for item in view["similar"]:
            console.print(f"  • {item['title']} — {item['source']} {item['published'] or ''} #{item['id']}")


@app.command()
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

    with opened_store(db) as store:
        page = store.search(query, source=source, since=parse_day(since), until=parse_day(until), limit=limit)
    if as_json:
        print_json({"results": [search_hit_data(h) for h in page.hits], "total": page.total})
        return
    console.print(f"{page.total} results")
    for hit in page.hits:
        console.print(f"[bold]{hit.title}[/bold]  [dim]#{hit.id} {hit.source} {hit.published or ''} {hit.score:.2f}[/dim]")
        console.print(marked(hit.snippet))
        console.print()


@app.command()
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Articles per source, date range and store size."""
    with opened_store(db) as store:
        data = store.stats()
    if as_json:
        print_json(data)
        return
    console.print(f"{data['articles']:,} articles, {data['first']} … {data['last']}, {data['bytes'] / 1e6:.1f} MB")
    for name, count in data["sources"].items():
        console.print(f"  {name}: {count:,}")


@bench_app.command("import")
def bench_import(
    corpus: Annotated[list[Path] | None, typer.Argument(help="Corpus files (default: ANT from AKHBAR_SHARED).")] = None,
    runs: Annotated[int, typer.Option(help="Runs; the median is reported.")] = 3,
    search_queries: Annotated[int, typer.Option(help="Title queries for the search latency figure.")] = 200,
    store_only: Annotated[bool, typer.Option("--store-only", help="Measure the store and index stages alone.")] = False,
) -> None:
    """Import throughput and peak RSS into a fresh store, and search latency on it (JSON)."""
    from akhbar.bench.importing import run_import_bench

    files = corpus or sorted((load_settings().shared_path / "corpora" / "ant-v2.1").glob("*.jsonl.gz"))
    if not files:
        err_console.print("[red]error:[/red] no corpus files (set AKHBAR_SHARED or pass files)")
        raise typer.Exit(2)
    print_json(run_import_bench(files, runs=runs, search_queries=search_queries, store_only=store_only))


@app.command()
def replay(
    corpus: Annotated[list[Path], typer.Argument(help="JSONL or JSONL.gz corpus files.", exists=True, dir_okay=False)],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free port).")] = 8900,
    clock: Annotated[str | None, typer.Option(help="Simulated time START[:SPEED] (START: ISO 8601 or 'start').")] = None,
    faults: Annotated[str | None, typer.Option(help="Fault spec, e.g. 'latency=0.2,status503=0.1' (see docs/replay.md).")] = None,
    limit_per_source: Annotated[int | None, typer.Option(help="Serve only the N newest articles of each source.")] = None,
    port_per_source: Annotated[bool, typer.Option(help="Also serve each site on its own port (PORT+1, PORT+2, ...).")] = False,
) -> None:
    """Serve corpora as local Arabic news sites (feeds, sitemaps, robots.txt, faults) until Ctrl-C."""
    from akhbar.replay.run import run_replay

    try:
        run_replay(corpus, host=host, port=port, clock=clock, faults=faults, limit_per_source=limit_per_source,
                   per_source_ports=port_per_source, console=console, err_console=err_console)
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def worker(
    db: DbOption = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Sources crawled at once (poll jobs).")] = 2,
    until_idle: Annotated[bool, typer.Option("--until-idle", help="Exit once the queue is empty.")] = False,
    no_scheduler: Annotated[bool, typer.Option("--no-scheduler", help="Do not enqueue due sources.")] = False,
    no_lane: Annotated[bool, typer.Option("--no-lane", help="Never take the relate lane (crawl only).")] = False,
) -> None:
    """Take jobs from the shared PostgreSQL queue (crawl, and the relate lane when free) until stopped."""
    import logging

    from akhbar.queue import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with opened_store(db) as store:
        runner = Worker(store, settings_with(db), concurrency=concurrency, scheduler=not no_scheduler, lane=not no_lane)
        try:
            report = runner.run(until_idle=until_idle)
        except KeyboardInterrupt:
            runner.stop.set()
            err_console.print("interrupted: running jobs go back to the queue when their leases run out")
            raise typer.Exit(130) from None
        console.print(report.summary())


HostOption = Annotated[str | None, typer.Option("--host", help="Address to listen on (default: AKHBAR_HOST or 127.0.0.1).")]
PortOption = Annotated[int | None, typer.Option("--port", min=1, max=65535, help="Port (default: AKHBAR_PORT or 8000).")]


@app.command()
def serve(
    db: DbOption = None, host: HostOption = None, port: PortOption = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Serve the web site, JSON API and feeds."""
    from akhbar.web.server import serve as serve_site

    try:
        serve_site(settings_with(db), host, port, workers)
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def run(db: DbOption = None, host: HostOption = None, port: PortOption = None) -> None:
    """The whole system in one process: crawl the configured sources (default list if none) and serve the site."""
    import asyncio
    import logging

    from akhbar.supervisor import run_all

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(run_all(settings_with(db), host, port,
                            on_started=lambda url: err_console.print(f"Akhbar is serving on {url}")))
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


@bench_app.command("serve")
def bench_serve(
    db: DbOption = None,
    clients: Annotated[int, typer.Option(min=1, max=1000, help="Concurrent closed-loop clients.")] = 50,
    seconds: Annotated[float, typer.Option(min=1, help="Length of each run.")] = 60.0,
    runs: Annotated[int, typer.Option(min=1, help="Runs; medians are reported.")] = 3,
    url: Annotated[str | None, typer.Option(help="Load this running server instead of starting `akhbar serve`.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes of the started server.")] = 1,
) -> None:
    """Load `akhbar serve` with a mix of home, article, search, API and feed requests (JSON figures)."""
    from akhbar.bench.serve import run_serve_bench

    print_json(run_serve_bench(settings_with(db).db, clients=clients, seconds=seconds, runs=runs, url=url,
                               workers=workers))


@app.command()
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
            state = "[green]repaired[/green]" if problem.repaired else "[red]found[/red]"
            console.print(f"{state} {problem.count:,} × {problem.name} {problem.detail}")
        console.print("clean" if report.clean else f"{len(report.unrepaired)} problem(s) left")
    if report.unrepaired:
        raise typer.Exit(1)


@app.command("migrate-store")
def migrate_store_(
    source: Annotated[str, typer.Option("--from", help="Store URL to copy from (only read).")],
    target: Annotated[str, typer.Option("--to", help="Empty store URL to copy into.")],
) -> None:
    """Copy a whole store to another backend (e.g. sqlite:///akhbar.db to postgresql://…), ids kept."""
    from akhbar.migrate_store import migrate_store

    try:
        report = migrate_store(source, target, on_table=lambda t, n: err_console.print(f"{t}: {n:,} rows"))
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(report.summary())


sources_app = typer.Typer(no_args_is_help=True, help="The outlets Akhbar follows.")
app.add_typer(sources_app, name="sources")


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="A home page (its feeds are discovered), a feed or a news sitemap.")],
    db: DbOption = None,
    source_id: Annotated[str | None, typer.Option("--id", help="Source id (default: from the host).")] = None,
    name: Annotated[str | None, typer.Option(help="Display name (default: the site's own).")] = None,
) -> None:
    """Add a source by URL (http/https only; private hosts need AKHBAR_ALLOW_PRIVATE_HOSTS)."""
    import asyncio

    from akhbar.sources import discover_source

    settings = settings_with(db)
    try:
        source = asyncio.run(discover_source(url, settings, source_id))
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if name:
        source.name = name
    from akhbar.sources import claim_articles

    with opened_store(db) as store:
        store.upsert_source(source)
        claimed = claim_articles(store, source)
    console.print(f"added {source.id} ({source.name}): {len(source.feeds)} feeds, {len(source.sitemaps)} sitemaps"
                  + (f"; {claimed} stored articles under its home moved to it" if claimed else ""))
    for url_ in [*source.feeds, *source.sitemaps]:
        console.print(f"  {url_}")


@sources_app.command("import")
def sources_import(
    opml: Annotated[Path, typer.Argument(help="An OPML file.", exists=True, dir_okay=False)],
    db: DbOption = None,
) -> None:
    """Add or update the sources listed in an OPML file."""
    from akhbar.sources import parse_opml

    try:
        sources = parse_opml(opml.read_bytes())
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {opml}: {exc}")
        raise typer.Exit(2) from None
    with opened_store(db) as store:
        for source in sources:
            store.upsert_source(source)
    console.print(f"imported {len(sources)} sources from {opml}")


@sources_app.command("export")
def sources_export(
    db: DbOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
) -> None:
    """Print (or write) every source as OPML."""
    from akhbar.sources import export_opml

    with opened_store(db) as store:
        text = export_opml(store.list_sources())
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@sources_app.command("list")
def sources_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every source with its health: last success, last error, articles per day, mean fetch time."""
    from dataclasses import asdict

    with opened_store(db) as store:
        rows = [(source, store.source_health(source.id)) for source in store.list_sources()]
    if as_json:
        print_json([{**asdict(s), "health": {k: (v.isoformat() if isinstance(v, datetime) else v)
                                             for k, v in asdict(h).items()}} for s, h in rows])
        return
    for source, health in rows:
        mean = f"{health.mean_fetch_seconds:.2f} s" if health.mean_fetch_seconds is not None else "-"
        console.print(f"[bold]{source.id}[/bold] {source.name} ({source.country or '-'}) "
                      f"{len(source.feeds)} feeds, {len(source.sitemaps)} sitemaps{'' if source.enabled else ' [disabled]'}")
        console.print(f"    articles {health.articles:,} ({health.articles_per_day}/day), fetches {health.fetches:,}, "
                      f"errors {health.errors:,}, mean fetch {mean}, last success {health.last_success or '-'}, "
                      f"last error {health.last_error or '-'} {health.last_error_message or ''}")


@app.command()
def crawl(
    db: DbOption = None,
    once: Annotated[bool, typer.Option("--once", help="One pass over the due sources, then exit.")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --once: poll every source, due or not.")] = False,
) -> None:
    """Crawl the sources: one pass, or pass after pass until SIGINT/SIGTERM (graceful)."""
    from akhbar.fetch.runner import run_crawl
    from akhbar.sources import install_defaults

    settings = settings_with(db)
    with opened_store(db) as store:
        if not store.list_sources():
            added = install_defaults(store)
            err_console.print(f"no sources yet: added the {added} default Arabic outlets")
        summary = run_crawl(store, settings, once=once, force=force, echo=err_console.print)
    if once:
        console.print(summary.line())
    if summary.interrupted:
        raise typer.Exit(130)


@eval_app.command("extract")
def eval_extract(
    sample: Annotated[int, typer.Option(help="Replayed ANT articles to extract.")] = 1000,
    seed: Annotated[int, typer.Option(help="Sample seed.")] = 1,
    fixture: Annotated[Path | None, typer.Option(help="HTML fixture with a .expected.txt beside it.")] = None,
) -> None:
    """Extraction quality on replayed ANT pages and the CNN fixture, beside trafilatura alone (JSON)."""
    from akhbar.eval.extract import run_extract_eval

    try:
        print_json(run_extract_eval(load_settings().shared_path, sample=sample, seed=seed, fixture=fixture))
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command("tags")
def tags_(
    file: Annotated[Path, typer.Argument(help="An article: plain text (first line = title) or corpus JSON.",
                                         exists=True, dir_okay=False)],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the tags of one article with their type and score (document frequencies from the store)."""
    from akhbar.enrich.cli import read_article, tagger_for

    try:
        title, body = read_article(file)
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    with opened_store(db) as store:
        tags = tagger_for(store).tag(title, body)
    if as_json:
        print_json([{"name": t.name, "slug": t.slug, "type": t.type, "score": t.score} for t in tags])
        return
    for tag in tags:
        console.print(f"{tag.score:8.2f}  {tag.type:<12}  {tag.name}")


@app.command()
def retag(db: DbOption = None, quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """Recount tag statistics over the whole store and re-tag (and re-classify) every article."""
    from akhbar.enrich.stage import retag as retag_store

    with opened_store(db) as store, Progress(TextColumn("retagging"), BarColumn(),
                                             TextColumn("{task.completed:,}/{task.total:,}"), RateColumn(),
                                             TimeElapsedColumn(), console=err_console, disable=quiet) as progress:
        task = progress.add_task("retag", total=store.article_count())
        done = retag_store(store, on_batch=lambda n: progress.advance(task, n))
    console.print(f"retagged {done} articles")


@eval_app.command("tags")
def eval_tags(
    gold: Annotated[Path, typer.Option(help="Keyphrase gold (JSONL: id, split, text, keyphrases_by_frequency).",
                                       exists=True, dir_okay=False)],
    split: Annotated[str | None, typer.Option(help="Only documents of this split (e.g. test).")] = None,
    db: DbOption = None,
    no_yake: Annotated[bool, typer.Option("--no-yake", help="Skip the YAKE baseline.")] = False,
) -> None:
    """Precision@5 and recall@10 of tags (and YAKE's) against a keyphrase gold, as JSON."""
    from akhbar.enrich.cli import tagger_for
    from akhbar.eval.tags import evaluate_tags, read_gold

    with opened_store(db) as store:
        docs = read_gold(gold, split)
        print_json(evaluate_tags(docs, tagger_for(store), with_yake=not no_yake))


@eval_app.command("stories")
def eval_stories(
    gold: Annotated[Path, typer.Option(help="Story labels (JSONL: id, story).", exists=True, dir_okay=False)],
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder (default: AKHBAR_SHARED/corpora).")] = None,
    prefill: Annotated[bool, typer.Option("--prefill", help="Import the gold's whole corpus files around it.")] = False,
) -> None:
    """B-cubed and pairwise scores of online story clustering through the pipeline (JSON)."""
    from akhbar.eval.stories import evaluate_stories

    try:
        print_json(evaluate_stories(gold, corpus or load_settings().shared_path / "corpora", prefill=prefill))
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@eval_app.command("similar")
def eval_similar(
    gold: Annotated[Path, typer.Option(help="SemEval-style pairs (JSONL: text1, text2, overall).",
                                       exists=True, dir_okay=False)],
) -> None:
    """Spearman and Pearson of Akhbar's similarity and of plain TF-IDF against human judgements (JSON)."""
    from akhbar.eval.similar import evaluate_similar

    try:
        print_json(evaluate_similar(gold))
    except AkhbarError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@eval_app.command("duplicates")
def eval_duplicates(
    gold: Annotated[Path | None, typer.Option(help="Labelled pairs (JSONL: a, b, label); default: built "
                                              "from the shared corpora.", exists=True, dir_okay=False)] = None,
) -> None:
    """Precision and recall of duplicate detection on labelled pairs (JSON)."""
    from akhbar.eval.duplicates import evaluate_duplicates, labelled_pairs, load_pairs

    shared = load_settings().shared_path
    try:
        if gold is not None:
            pairs = list(load_pairs(gold))
        else:
            pairs = labelled_pairs(shared / "corpora" / "ant-v2.1", shared / "eval" / "stories-ant-dev.jsonl")
        print_json(evaluate_duplicates(pairs))
    except (AkhbarError, OSError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command("text")
def text(
    mode: Annotated[str, typer.Argument(help="normalize | key | tokens | terms")],
) -> None:
    """The Arabic analyzer from stdin to stdout (tokens as JSON lines)."""
    from akhbar.text.cli import MODES, run_text_command

    if mode not in MODES:
        err_console.print(f"[red]error:[/red] unknown mode {mode!r}: choose one of {', '.join(MODES)}")
        raise typer.Exit(2)
    raise typer.Exit(run_text_command(mode, sys.stdin, sys.stdout))


@bench_app.command("text")
def bench_text(
    corpus: Annotated[list[Path] | None, typer.Argument(help="Corpus files (default: ANT from AKHBAR_SHARED).")] = None,
    runs: Annotated[int, typer.Option(min=1, help="Runs; the median is reported.")] = 3,
    camel_python: Annotated[str | None, typer.Option(help="Python of a venv with camel-tools (--no-deps).")] = None,
) -> None:
    """MB/s of the analyzer's terms() on one core, beside pyarabic and camel-tools (JSON)."""
    from akhbar.bench.text import run_text_bench

    files = corpus or sorted((load_settings().shared_path / "corpora" / "ant-v2.1").glob("*.jsonl.gz"))
    if not files:
        err_console.print("[red]error:[/red] no corpus files (set AKHBAR_SHARED or pass files)")
        raise typer.Exit(2)
    print_json(run_text_bench(files, runs=runs, camel_python=camel_python))


@eval_app.command("search")
def eval_search(
    gold: Annotated[Path | None, typer.Option(help="Graded judgements (default: search-ant-dev.jsonl).")] = None,
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder (default: ANT v2.1 from AKHBAR_SHARED).")] = None,
) -> None:
    """nDCG@10 and P@10 of Akhbar's search and of raw FTS5 on a cached store of the corpus (JSON)."""
    from akhbar.eval.search import run_search_eval

    shared = load_settings().shared_path
    try:
        print_json(run_search_eval(gold or shared / "eval" / "search-ant-dev.jsonl", corpus or shared / "corpora" / "ant-v2.1"))
    except (AkhbarError, OSError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


def main() -> None:
    """Entry point of the console script."""
    app()
