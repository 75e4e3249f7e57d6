"""`akhbar eval ...`: quality measures, printed as JSON (or text where asked)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from akhbar.cli.common import (
    DbOption,
    JsonOption,
    ant_corpus_dir,
    command_group,
    console,
    opened_store,
    print_json,
)
from akhbar.config import load_settings
from akhbar.errors import CommandError

app = command_group("Quality measures, printed as JSON.")


def eval_pages(pages: Path, truth: Path | None, limit: int | None, as_json: bool) -> None:
    """Extraction quality on a page set (DIR/<id>.html(.gz) with ground-truth.json), as text or JSON."""
    if truth is None:
        raise CommandError("--pages needs --truth FILE (the set's ground-truth.json)")
    from akhbar.eval.pages import evaluate_pages, render_pages  # trafilatura and the scorer: only when asked

    result = evaluate_pages(pages, truth, limit=limit)
    if as_json:
        print_json(result)
    else:
        console.print(render_pages(result))


@app.command("extract")
def eval_extract(
    sample: Annotated[int, typer.Option(help="Replayed ANT articles to extract.")] = 1000,
    seed: Annotated[int, typer.Option(help="Sample seed.")] = 1,
    fixture: Annotated[Path | None, typer.Option(help="HTML fixture with a .expected.txt beside it.")] = None,
    pages: Annotated[
        Path | None,
        typer.Option(
            help="Real pages instead: a folder of <id>.html(.gz) (ScrapingHub benchmark layout).",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    truth: Annotated[
        Path | None,
        typer.Option(
            help="With --pages: the ground truth (ground-truth.json: {id: {articleBody, url}}).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="With --pages: only the first N pages.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Extraction quality on replayed ANT pages and the CNN fixture beside trafilatura alone (JSON);
    with --pages, Akhbar beside trafilatura's defaults and favor_precision on real pages (text or --json)."""
    if pages is not None:
        eval_pages(pages, truth, limit, as_json)
        return
    from akhbar.eval.extract import run_extract_eval

    print_json(run_extract_eval(load_settings().shared_path, sample=sample, seed=seed, fixture=fixture))


@app.command("tags")
def eval_tags(
    gold: Annotated[
        Path,
        typer.Option(
            help="Keyphrase gold (JSONL: id, split, text, keyphrases_by_frequency).",
            exists=True,
            dir_okay=False,
        ),
    ],
    split: Annotated[str | None, typer.Option(help="Only documents of this split (e.g. test).")] = None,
    db: DbOption = None,
    no_yake: Annotated[bool, typer.Option("--no-yake", help="Skip the YAKE baseline.")] = False,
) -> None:
    """Precision@5 and recall@10 of tags (and YAKE's) against a keyphrase gold, as JSON."""
    from akhbar.enrich.stage import tagger_for
    from akhbar.eval.tags import evaluate_tags, read_gold

    with opened_store(db) as store:
        docs = read_gold(gold, split)
        print_json(evaluate_tags(docs, tagger_for(store), with_yake=not no_yake))


@app.command("stories")
def eval_stories(
    gold: Annotated[Path, typer.Option(help="Story labels (JSONL: id, story).", exists=True, dir_okay=False)],
    corpus: Annotated[
        Path | None, typer.Option(help="Corpus folder (default: AKHBAR_SHARED/corpora).")
    ] = None,
    prefill: Annotated[
        bool, typer.Option("--prefill", help="Import the gold's whole corpus files around it.")
    ] = False,
) -> None:
    """B-cubed and pairwise scores of online story clustering through the pipeline (JSON)."""
    from akhbar.eval.stories import evaluate_stories

    print_json(evaluate_stories(gold, corpus or load_settings().shared_path / "corpora", prefill=prefill))


@app.command("similar")
def eval_similar(
    gold: Annotated[
        Path,
        typer.Option(help="SemEval-style pairs (JSONL: text1, text2, overall).", exists=True, dir_okay=False),
    ],
) -> None:
    """Spearman and Pearson of Akhbar's similarity and of plain TF-IDF against human judgements (JSON)."""
    from akhbar.eval.similar import evaluate_similar

    print_json(evaluate_similar(gold))


@app.command("duplicates")
def eval_duplicates(
    gold: Annotated[
        Path | None,
        typer.Option(
            help="Labelled pairs (JSONL: a, b, label); default: built from the shared corpora.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Precision and recall of duplicate detection on labelled pairs (JSON)."""
    from akhbar.eval.duplicates import evaluate_duplicates, labelled_pairs, load_pairs

    if gold is not None:
        pairs = list(load_pairs(gold))
    else:
        pairs = labelled_pairs(
            ant_corpus_dir(), load_settings().shared_path / "eval" / "stories-ant-dev.jsonl"
        )
    print_json(evaluate_duplicates(pairs))


@app.command("search")
def eval_search(
    gold: Annotated[
        Path | None, typer.Option(help="Graded judgements (default: search-ant-dev.jsonl).")
    ] = None,
    corpus: Annotated[
        Path | None, typer.Option(help="Corpus folder (default: ANT v2.1 from AKHBAR_SHARED).")
    ] = None,
) -> None:
    """nDCG@10 and P@10 of Akhbar's search and of raw FTS5 on a cached store of the corpus (JSON)."""
    from akhbar.eval.search import run_search_eval

    shared = load_settings().shared_path
    print_json(run_search_eval(gold or shared / "eval" / "search-ant-dev.jsonl", corpus or ant_corpus_dir()))
