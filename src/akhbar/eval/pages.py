"""Main-text extraction scored on a page set in the ScrapingHub layout, for Akhbar and trafilatura in one run.

Layout: DIR/<id>.html or DIR/<id>.html.gz (UTF-8) and a truth file `{id: {"articleBody": ..., "url": ...}}`.
The scorer is the article-extraction-benchmark's own (its evaluate.py), so figures compare with published
ones: tokens are `\\w+` matches (a definition of the benchmark, deliberately not Akhbar's analyzer); each
text becomes word 4-gram shingles with counts; a page's tp/fp/fn are the count overlaps normalised to sum
1; precision is averaged over pages with a predicted shingle, recall over pages with a true one; F1 comes
from the two averages; accuracy is the share of pages whose token list equals the truth's. Each extractor
is timed with time.process_time (CPU seconds of this process), so pages per CPU-second do not depend on
what else runs on the machine.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

from akhbar.errors import EvalError, ExtractError
from akhbar.extract.article import extract_page

#: The benchmark's tokens and shingle length.
TOKEN = re.compile(r"\w+")
SHINGLE = 4
#: How many of Akhbar's lowest-F1 pages the result lists, to read where it loses.
WORST = 10

Scores = tuple[float, float, float]


def akhbar_text(html: str, url: str) -> str:
    """Akhbar's main text of a page ('' when extract_page raises its ExtractError)."""
    return extract_page(html, url).text


def trafilatura_defaults(html: str, url: str) -> str:
    """trafilatura's `extract(html)` with its default settings, as the benchmark runs it."""
    return trafilatura.extract(html) or ""


def trafilatura_precision(html: str, url: str) -> str:
    """trafilatura's `extract(html, favor_precision=True)`."""
    return trafilatura.extract(html, favor_precision=True) or ""


def trafilatura_precision_no_comments(html: str, url: str) -> str:
    """trafilatura with `favor_precision=True, include_comments=False`: its best setting on AEB (F1 .964)."""
    return trafilatura.extract(html, favor_precision=True, include_comments=False) or ""


#: The AEB README's trafilatura `favor_precision` figure (P .958 R .971 F1 .964) is reproduced only with
#: comments left out as well (favor_precision alone scores P .947 R .971 F1 .959), so both are measured.
EXTRACTORS: dict[str, Callable[[str, str], str]] = {
    "akhbar": akhbar_text,
    "trafilatura": trafilatura_defaults,
    "trafilatura_precision": trafilatura_precision,
    "trafilatura_precision_nc": trafilatura_precision_no_comments,
}


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The word 4-gram shingles of a text with their counts (a text shorter than 4 tokens is one shingle)."""
    words = TOKEN.findall(text or "")
    return Counter(
        tuple(words[i : i + SHINGLE])
        for i in range(max(1, len(words) - SHINGLE + 1))
        if words[i : i + SHINGLE]
    )


def shingle_match(true: str, predicted: str) -> Scores:
    """A page's (tp, fp, fn) over shingles, normalised to sum 1 (all zero when both texts are empty)."""
    expected, got = shingles(true), shingles(predicted)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def page_precision(tp: float, fp: float, fn: float) -> float:
    """The benchmark's precision of one page (1 when nothing is wrong)."""
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def page_recall(tp: float, fp: float, fn: float) -> float:
    """The benchmark's recall of one page (1 when nothing is wrong)."""
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def aggregate(scores: list[Scores]) -> dict[str, float]:
    """Precision and recall averaged over pages, F1 from the two averages."""
    precisions = [page_precision(*s) for s in scores if s[0] + s[1] > 0]
    recalls = [page_recall(*s) for s in scores if s[0] + s[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def load_truth(truth: Path) -> dict[str, dict]:
    """The ground-truth file: id to {"articleBody", "url"} (EvalError when it is not that)."""
    try:
        data = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalError(f"{truth}: cannot read the ground truth: {exc}") from exc
    if not isinstance(data, dict) or not data:
        raise EvalError(
            f"{truth}: the ground truth must be a non-empty JSON object {{id: {{articleBody, url}}}}"
        )
    for page_id, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("articleBody"), str):
            raise EvalError(f"{truth}: page {page_id!r} has no articleBody text")
    return data


def read_page(pages: Path, page_id: str) -> str | None:
    """The decoded HTML of one page (DIR/<id>.html or DIR/<id>.html.gz), None when neither exists."""
    for name, opener in (
        (f"{page_id}.html", Path.read_bytes),
        (f"{page_id}.html.gz", lambda p: gzip.decompress(p.read_bytes())),
    ):
        path = pages / name
        if path.is_file():
            try:
                return opener(path).decode("utf-8", errors="replace")
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                raise EvalError(f"{path}: cannot read the page: {exc}") from exc
    return None


def evaluate_pages(pages: Path, truth: Path, limit: int | None = None) -> dict:
    """Scores and speed of Akhbar and trafilatura (defaults, favor_precision, also without comments), together."""
    if not pages.is_dir():
        raise EvalError(f"{pages}: not a folder of pages")
    gold = load_truth(truth)
    ids = sorted(gold)[:limit] if limit else sorted(gold)
    scores: dict[str, list[Scores]] = {name: [] for name in EXTRACTORS}
    exact: dict[str, int] = dict.fromkeys(EXTRACTORS, 0)
    seconds: dict[str, float] = dict.fromkeys(EXTRACTORS, 0.0)
    errors: dict[str, int] = dict.fromkeys(EXTRACTORS, 0)
    missing: list[str] = []
    rows: list[dict] = []
    for page_id in ids:
        html = read_page(pages, page_id)
        if html is None:
            missing.append(page_id)
            continue
        true, url = (
            gold[page_id]["articleBody"],
            str(gold[page_id].get("url") or f"https://example.invalid/{page_id}"),
        )
        for name, extractor in EXTRACTORS.items():
            started = time.process_time()
            try:
                text = extractor(html, url)
            except ExtractError:
                text = ""
                errors[name] += 1
            seconds[name] += time.process_time() - started
            scores[name].append(shingle_match(true, text))
            exact[name] += TOKEN.findall(text) == TOKEN.findall(true)
            if name == "akhbar":
                rows.append({"id": page_id, "url": url, **aggregate([scores[name][-1]])})
    scored = len(ids) - len(missing)
    extractors = {
        name: {
            **aggregate(scores[name]),
            "accuracy": round(exact[name] / scored, 4) if scored else 0.0,
            "errors": errors[name],
            "cpu_seconds": round(seconds[name], 2),
            "pages_per_cpu_second": round(scored / seconds[name], 1) if seconds[name] else None,
        }
        for name in EXTRACTORS
    }
    worst = sorted(rows, key=lambda row: (row["f1"], row["id"]))[:WORST]
    return {
        "pages": str(pages),
        "scored": scored,
        "missing": missing,
        "extractors": extractors,
        "akhbar_worst": worst,
    }


def render_pages(result: dict) -> str:
    """The evaluation as a small text table, Akhbar's weakest pages after it."""
    lines = [
        f"{result['scored']} pages from {result['pages']}"
        + (f" ({len(result['missing'])} without HTML)" if result["missing"] else ""),
        f"{'extractor':<26} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6} {'pages/CPU-s':>12} {'errors':>7}",
    ]
    for name, row in result["extractors"].items():
        speed = f"{row['pages_per_cpu_second']:.1f}" if row["pages_per_cpu_second"] else "-"
        lines.append(
            f"{name:<26} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} "
            f"{row['accuracy']:>6.3f} {speed:>12} {row['errors']:>7}"
        )
    if result["akhbar_worst"]:
        lines.append("akhbar's lowest F1:")
        lines += [
            f"  {row['f1']:.3f}  P {row['precision']:.3f} R {row['recall']:.3f}  {row['id']}  {row['url']}"
            for row in result["akhbar_worst"]
        ]
    return "\n".join(lines)
