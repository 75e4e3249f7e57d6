"""Dates on real pages: the gold file's shape and evaluate_dates on a tiny page set."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from akhbar.errors import EvalError
from akhbar.eval.extract import evaluate_dates, load_gold_dates, local_day
from akhbar.times import parse_iso

GOLD = Path(__file__).resolve().parent.parent / "data" / "dates" / "aeb-dates.json"


def test_the_gold_file_is_whole_and_follows_its_rules(shared: Path) -> None:
    doc = json.loads(GOLD.read_text(encoding="utf-8"))
    pages = load_gold_dates(GOLD)
    aeb = json.loads((shared / "eval/extraction/aeb/ground-truth.json").read_text(encoding="utf-8"))
    excluded = [page_id for ids in doc["excluded"].values() for page_id in ids]
    assert set(pages) | set(excluded) == set(aeb) and not set(pages) & set(excluded)
    assert Counter(entry["where"] for entry in pages.values()) == {"byline": 95, "byline+url": 37, "url": 11}
    assert all(entry["url"] == aeb[page_id]["url"] and entry["evidence"] for page_id, entry in pages.items())


def test_local_day_uses_the_outlet_offset() -> None:
    moment = parse_iso("2019-11-19T04:26:47Z")
    assert local_day(moment, -300) == "2019-11-18"
    assert local_day(moment, None) == "2019-11-19"
    assert local_day(None, 60) is None


def test_evaluate_dates_on_a_tiny_set(tmp_path: Path) -> None:
    pages = tmp_path / "html"
    pages.mkdir()
    body = "".join(
        f"<p>Paragraph {n} of a story, long enough, with commas, words and detail.</p>" for n in range(5)
    )
    (pages / "a.html").write_text(
        '<html><head><meta property="article:published_time" content="2019-11-20T04:26:47Z"></head><body>'
        f'<h1>A</h1><p class="byline">Published 11:26 pm EST, Tuesday, November 19, 2019</p>{body}</body></html>',
        encoding="utf-8",
    )
    (pages / "b.html").write_text(f"<html><body><h1>B</h1>{body}</body></html>", encoding="utf-8")
    gold = tmp_path / "gold.json"
    gold.write_text(
        json.dumps(
            {
                "pages": {
                    "a": {"date": "2019-11-19", "url": "https://x.com/a"},
                    "b": {"date": "2019-11-18", "url": "https://x.com/2019/11/18/b"},
                }
            }
        ),
        encoding="utf-8",
    )
    result = evaluate_dates(pages, gold)
    assert result["pages"] == 2
    assert result["right"]["akhbar"] == 1.0
    assert result["akhbar_by_source"] == {"meta": {"right": 1}, "url": {"right": 1}}
    assert all(sum(counts.values()) == 2 for counts in result["counts"].values())
    assert set(result["right"]) == {"akhbar", "htmldate", "htmldate_extensive", "htmldate_extensive_url"}


@pytest.mark.parametrize("content", ["[]", '{"pages": {"a": {"date": "19.11.2019"}}}', "nope", '{"x": 1}'])
def test_a_bad_gold_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    gold = tmp_path / "gold.json"
    gold.write_text(content, encoding="utf-8")
    with pytest.raises(EvalError, match="gold.json"):
        evaluate_dates(tmp_path, gold)


def test_a_gold_page_without_html_is_an_error(tmp_path: Path) -> None:
    gold = tmp_path / "gold.json"
    gold.write_text('{"pages": {"zz": {"date": "2019-11-19", "url": "https://x.com/"}}}', encoding="utf-8")
    with pytest.raises(EvalError, match="no HTML for gold page zz"):
        evaluate_dates(tmp_path, gold)
