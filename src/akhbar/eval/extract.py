"""`akhbar eval extract`: extraction quality on replayed ANT pages and the CNN fixture, beside trafilatura alone.

ANT: a sample of corpus articles from all five sources is served by replay on loopback; each page is
fetched over HTTP once and extracted twice, by Akhbar's extractor and by trafilatura alone (text,
title and date from `trafilatura.bare_extraction`). Text is compared with the corpus text as bags of
analyzer tokens (word precision, recall, F1); titles exactly after normalisation; dates to the UTC day.

Dates on real pages (`evaluate_dates`): a gold file of publication days read by eye (tests/data/dates)
against Akhbar's date in the outlet's own time zone and htmldate's `find_date(html, original_date=True)`.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import trafilatura

from akhbar.config import load_settings
from akhbar.errors import AkhbarError, EvalError
from akhbar.extract.article import extract_page
from akhbar.fetch.client import Fetcher
from akhbar.text import normalize, tokens
from akhbar.times import day_of, local_iso, parse_day

FIXTURE = "fixtures/html/cnn-arabic-2013.html"
ANT = "corpora/ant-v2.1"


def words(text: str) -> Counter[str]:
    """The bag of analyzer tokens (display form) of a text."""
    return Counter(t.text for t in tokens(text))


def word_scores(got: str, expected: str) -> dict[str, float]:
    """Word-level precision, recall and F1 of `got` against `expected`."""
    g, e = words(got), words(expected)
    common = sum((g & e).values())
    precision = common / sum(g.values()) if g else 0.0
    recall = common / sum(e.values()) if e else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def same_title(got: str | None, expected: str) -> bool:
    """True when two titles are equal in display form with spaces collapsed."""
    return " ".join(normalize(got or "").split()) == " ".join(normalize(expected).split())


def same_day(got: datetime | None, expected: datetime | None) -> bool:
    """True when two dates fall on the same UTC day."""
    return got is not None and expected is not None and got.date() == expected.date()


def trafilatura_alone(html: str, url: str) -> tuple[str, str, datetime | None]:
    """Text, title and date according to trafilatura by itself (default settings)."""
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return "", "", None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    date = data.get("date")
    parsed = datetime.fromisoformat(date).replace(tzinfo=None) if date else None
    return data.get("text") or "", data.get("title") or "", parsed


def summarise(rows: list[dict]) -> dict:
    """Median/mean F1, exact-title and same-day rates of one extractor's rows."""
    f1s = [r["f1"] for r in rows]
    dated = [r for r in rows if r["has_date"]]
    return {
        "articles": len(rows),
        "median_word_f1": round(statistics.median(f1s), 4) if f1s else None,
        "mean_word_f1": round(statistics.fmean(f1s), 4) if f1s else None,
        "share_f1_at_least_0.95": round(sum(f >= 0.95 for f in f1s) / len(f1s), 4) if f1s else None,
        "exact_title": round(sum(r["title"] for r in rows) / len(rows), 4) if rows else None,
        "date_right_to_the_day": round(sum(r["day"] for r in dated) / len(dated), 4) if dated else None,
    }


async def _fetch_pages(base_settings, urls: list[str]) -> dict[str, tuple[str, str]]:
    """Fetch pages over HTTP (politely, no delay): url -> (final url, decoded html)."""
    settings = replace(base_settings, allow_private_hosts=True, crawl_delay=0.0, per_host_concurrency=4)
    pages: dict[str, tuple[str, str]] = {}
    async with Fetcher(settings) as fetcher:

        async def one(url: str) -> None:
            response = await fetcher.fetch(url)
            if response.ok:
                pages[url] = (response.url, response.text())

        await asyncio.gather(*(one(u) for u in urls))
    return pages


def ant_eval(shared: Path, sample: int, seed: int) -> dict:
    """Both extractors on `sample` replayed ANT articles."""
    from akhbar.replay import ReplayServer

    corpora = sorted((shared / ANT).glob("*.jsonl.gz"))
    if not corpora:
        raise AkhbarError(f"no ANT corpus under {shared / ANT} (set AKHBAR_SHARED)")
    with ReplayServer(corpora, sample=sample, seed=seed, on_error=lambda message: None) as replay:
        by_url = {replay.base_url + a.path: a for a in replay.catalog.by_path.values()}
        pages = asyncio.run(_fetch_pages(load_settings(), list(by_url)))
    rows: dict[str, list[dict]] = {"akhbar": [], "trafilatura": []}
    per_source: dict[str, list[dict]] = defaultdict(list)
    timings = {"akhbar": 0.0, "trafilatura": 0.0}
    for url, art in by_url.items():
        final, html = pages.get(url, (url, ""))
        expected_date = art.published
        started = time.perf_counter()
        try:
            found = extract_page(html, final)
            text, title, date = found.text, found.metadata.title, found.metadata.published
        except AkhbarError:
            text, title, date = "", "", None
        timings["akhbar"] += time.perf_counter() - started
        started = time.perf_counter()
        t_text, t_title, t_date = trafilatura_alone(html, final) if html else ("", "", None)
        timings["trafilatura"] += time.perf_counter() - started
        for name, (x_text, x_title, x_date) in (
            ("akhbar", (text, title, date)),
            ("trafilatura", (t_text, t_title, t_date)),
        ):
            if name == "trafilatura" and x_date is not None and expected_date is not None:
                x_date = x_date.replace(tzinfo=expected_date.tzinfo)
            row = {
                **word_scores(x_text, art.text),
                "title": same_title(x_title, art.title),
                "has_date": expected_date is not None,
                "day": same_day(x_date, expected_date),
            }
            rows[name].append(row)
            if name == "akhbar":
                per_source[art.source].append(row)
    return {
        "sample": len(by_url),
        "fetched": len(pages),
        "akhbar": summarise(rows["akhbar"]),
        "trafilatura_alone": summarise(rows["trafilatura"]),
        "akhbar_per_source": {s: summarise(r) for s, r in sorted(per_source.items())},
        "extraction_pages_per_second": {
            k: round(len(by_url) / v, 1) if v else None for k, v in timings.items()
        },
    }


def fixture_eval(path: Path) -> dict:
    """Both extractors on one HTML fixture against its .expected.txt."""
    expected_path = path.with_suffix("").with_suffix(".expected.txt") if path.suffix == ".html" else None
    if expected_path is None or not path.is_file() or not expected_path.is_file():
        raise AkhbarError(f"fixture {path} or its .expected.txt is missing")
    html, expected = path.read_text(encoding="utf-8"), expected_path.read_text(encoding="utf-8")
    found = extract_page(html, "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html")
    t_text, t_title, t_date = trafilatura_alone(
        html, "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
    )
    return {
        "file": path.name,
        "akhbar": {
            **word_scores(found.text, expected),
            "title": found.metadata.title,
            "date": found.metadata.published.isoformat() if found.metadata.published else None,
            "date_from": found.metadata.date_source,
        },
        "trafilatura_alone": {
            **word_scores(t_text, expected),
            "title": t_title,
            "date": t_date.date().isoformat() if t_date else None,
        },
    }


def run_extract_eval(shared: Path, sample: int = 1000, seed: int = 1, fixture: Path | None = None) -> dict:
    """The whole `akhbar eval extract` report."""
    return {"ant": ant_eval(shared, sample, seed), "fixture": fixture_eval(fixture or shared / FIXTURE)}


def load_gold_dates(gold: Path) -> dict[str, dict]:
    """Gold publication days: {id: {"date": YYYY-MM-DD, "url": ...}} under "pages" (EvalError otherwise)."""
    try:
        pages = json.loads(gold.read_text(encoding="utf-8"))["pages"]
        for entry in pages.values():
            parse_day(entry["date"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EvalError(
            f"{gold}: not a gold date file ({{'pages': {{id: {{'date', 'url'}}}}}}): {exc}"
        ) from exc
    return pages


def local_day(moment: datetime | None, offset: int | None) -> str | None:
    """The calendar day of a moment where it was written (UTC shifted by the outlet's offset), else its UTC day."""
    if moment is None:
        return None
    local = local_iso(moment, offset)
    return local[:10] if local else day_of(moment)


def htmldate_day(html: str, extensive: bool, url: str | None = None) -> str | None:
    """htmldate's `find_date(html, original_date=True)` with or without its extensive search."""
    from htmldate import find_date

    try:
        return find_date(html, original_date=True, extensive_search=extensive, url=url) or None
    except Exception:  # noqa: BLE001 - a crash of the baseline counts as no date, as it would for a user
        return None


def evaluate_dates(pages: Path, gold: Path) -> dict:
    """Publication days right, wrong and missing for Akhbar and htmldate (fast, extensive, extensive + URL)."""
    from akhbar.eval.pages import read_page

    truth = load_gold_dates(gold)
    guessers = ("akhbar", "htmldate", "htmldate_extensive", "htmldate_extensive_url")
    counts: dict[str, Counter[str]] = {name: Counter() for name in guessers}
    by_source: dict[str, Counter] = defaultdict(Counter)
    misses: list[dict] = []
    for page_id, entry in sorted(truth.items()):
        html = read_page(pages, page_id)
        if html is None:
            raise EvalError(f"{pages}: no HTML for gold page {page_id}")
        try:
            meta = extract_page(html, entry["url"]).metadata
            akhbar = local_day(meta.published, meta.published_offset)
            source = meta.date_source or "none"
        except AkhbarError:
            akhbar, source = None, "error"
        found = {
            "akhbar": akhbar,
            "htmldate": htmldate_day(html, False),
            "htmldate_extensive": htmldate_day(html, True),
            "htmldate_extensive_url": htmldate_day(html, True, entry["url"]),
        }
        for name, day in found.items():
            counts[name]["right" if day == entry["date"] else "missing" if day is None else "wrong"] += 1
        by_source[source]["right" if akhbar == entry["date"] else "other"] += 1
        if akhbar != entry["date"]:
            misses.append(
                {
                    "id": page_id[:10],
                    "gold": entry["date"],
                    "akhbar": akhbar,
                    "from": source,
                    "htmldate_extensive": found["htmldate_extensive"],
                }
            )
    total = len(truth)
    return {
        "pages": total,
        "right": {name: round(c["right"] / total, 4) for name, c in counts.items()},
        "counts": {name: dict(c) for name, c in counts.items()},
        "akhbar_by_source": {s: dict(c) for s, c in sorted(by_source.items())},
        "akhbar_misses": misses,
    }
