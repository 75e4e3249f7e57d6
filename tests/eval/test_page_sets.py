"""The page-set evaluation: the benchmark's shingle scorer, the ScrapingHub layout, bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from akhbar.errors import EvalError
from akhbar.eval.pages import EXTRACTORS, aggregate, evaluate_pages, render_pages, shingle_match, shingles

PARAGRAPHS = [
    "The city council met on Monday evening, and after a long debate its members agreed to publish the budget plan.",
    "Residents had asked for the plan since spring, saying that the cost of the new bridge was never explained.",
    "The mayor said the figures would be online by Friday, together with the minutes of every committee meeting.",
]


def article_page(title: str) -> str:
    """A news page with navigation, a related-links rail and the three paragraphs as its article."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a><a href='/n'>News</a></nav>"
        f"<article><h1>{title}</h1><div class='story-body'>{body}</div></article>"
        "<aside class='related'><a href='/1'>Another story about the council and its long meetings</a></aside>"
        "</body></html>"
    )


def test_shingles_follow_the_benchmark() -> None:
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("two words") == {("two", "words"): 1}
    assert shingles("") == {}
    assert shingles("x-y, z. w!") == {("x", "y", "z", "w"): 1}


def test_shingle_match_and_averages() -> None:
    assert shingle_match("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    assert shingle_match("a b c d e", "") == (0.0, 0.0, 1.0)
    assert shingle_match("", "") == (0.0, 0.0, 0.0)
    tp, fp, fn = shingle_match("w1 w2 w3 w4 w5 w6 w7 w8", "w1 w2 w3 w4 w5 w6 x y")
    assert (tp, fp, fn) == pytest.approx((3 / 7, 2 / 7, 2 / 7))
    assert aggregate([(tp, fp, fn)]) == {"precision": 0.6, "recall": 0.6, "f1": 0.6}
    # a page with nothing predicted counts for recall only, as in the benchmark
    assert aggregate([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)]) == {"precision": 1.0, "recall": 0.5, "f1": 0.6667}


@pytest.fixture
def page_set(tmp_path: Path) -> tuple[Path, Path]:
    """Three pages (plain, gzipped, not HTML at all) and one id without a page."""
    pages = tmp_path / "html"
    pages.mkdir()
    (pages / "p1.html").write_text(article_page("Council agrees to publish budget"), encoding="utf-8")
    (pages / "p2.html.gz").write_bytes(gzip.compress(article_page("Budget plan online by Friday").encode()))
    (pages / "p3.html").write_text("   ", encoding="utf-8")
    truth = {
        f"p{n}": {"articleBody": "\n".join(PARAGRAPHS), "url": f"https://news.example/{n}"}
        for n in (1, 2, 3, 4)
    }
    truth_file = tmp_path / "ground-truth.json"
    truth_file.write_text(json.dumps(truth), encoding="utf-8")
    return pages, truth_file


def test_a_tiny_page_set(page_set: tuple[Path, Path]) -> None:
    result = evaluate_pages(*page_set)
    assert (result["scored"], result["missing"]) == (3, ["p4"])
    assert set(result["extractors"]) == set(EXTRACTORS)
    akhbar = result["extractors"]["akhbar"]
    # p1, p2 exact; p3 is an empty page: ExtractError, nothing predicted (so no precision), recall 0
    assert (akhbar["precision"], akhbar["recall"], akhbar["accuracy"], akhbar["errors"]) == (
        1.0,
        0.6667,
        0.6667,
        1,
    )
    for row in result["extractors"].values():
        assert row["pages_per_cpu_second"] is None or row["pages_per_cpu_second"] > 0
    assert result["akhbar_worst"][0]["id"] == "p3"
    text = render_pages(result)
    assert "3 pages" in text and "1 without HTML" in text
    assert all(name in text for name in EXTRACTORS)


def test_limit_takes_the_first_ids(page_set: tuple[Path, Path]) -> None:
    result = evaluate_pages(*page_set, limit=1)
    assert result["scored"] == 1 and result["extractors"]["akhbar"]["f1"] == 1.0


@pytest.mark.parametrize("content", ["not json", "[]", "{}", '{"a": {"url": "x"}}', '{"a": "text"}'])
def test_a_bad_truth_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    truth = tmp_path / "truth.json"
    truth.write_text(content, encoding="utf-8")
    with pytest.raises(EvalError, match="truth.json"):
        evaluate_pages(tmp_path, truth)


def test_missing_folders_and_broken_archives(tmp_path: Path, page_set: tuple[Path, Path]) -> None:
    pages, truth = page_set
    with pytest.raises(EvalError, match="not a folder"):
        evaluate_pages(tmp_path / "nowhere", truth)
    with pytest.raises(EvalError, match="cannot read the ground truth"):
        evaluate_pages(pages, tmp_path / "nowhere.json")
    (pages / "p4.html.gz").write_bytes(b"not gzip")
    with pytest.raises(EvalError, match="p4.html.gz"):
        evaluate_pages(pages, truth)
