"""akhbar eval search on a small corpus: metrics, caching and bad gold files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from akhbar.eval.search import EvalSearchError, ideal_gains, load_gold, ndcg, precision, run_search_eval

ARTICLES = [
    (
        "a1",
        "https://x.test/1",
        "انهيار جسر في جنوة الإيطالية",
        "انهار جسر موراندي في مدينة جنوة وقتل العشرات.",
    ),
    ("a2", "https://y.test/2", "ضحايا جسر جنوى", "ارتفع عدد ضحايا انهيار الجسر في جنوى الإيطالية."),
    ("a3", "https://z.test/3", "ريال مدريد يفوز", "فاز ريال مدريد على برشلونة في الدوري الإسباني."),
    (
        "a4",
        "https://z.test/3",
        "ريال مدريد يفوز",
        "فاز ريال مدريد على برشلونة في الدوري الإسباني.",
    ),  # same URL twice
]


def write_corpus(folder: Path) -> Path:
    folder.mkdir()
    with gzip.open(folder / "tiny.jsonl.gz", "wt", encoding="utf-8") as handle:
        for n, (ident, url, title, text) in enumerate(ARTICLES):
            handle.write(
                json.dumps(
                    {
                        "id": ident,
                        "source": "test",
                        "url": url,
                        "title": title,
                        "text": text,
                        "published": f"2018-08-1{n}T10:00:00Z",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return folder


def test_metrics() -> None:
    assert ndcg([2, 2, 0], [2, 2]) == pytest.approx(1.0)
    assert ndcg([0, 2], [2]) == pytest.approx(1 / 1.584962500721156)
    assert ndcg([], []) == 0.0
    assert precision([2, 1, 0] + [0] * 7) == pytest.approx(0.2)
    assert ideal_gains({"a3": 2, "a4": 2, "a1": 1}, {"u": ["a3", "a4"], "v": ["a1"]}) == [2, 1]


def test_run_search_eval_on_a_small_corpus(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {"qid": "q1", "query": "جنوة", "judgments": {"a1": 2, "a2": 2, "a3": 0}}, ensure_ascii=False
        )
        + "\n",
        encoding="utf-8",
    )
    cache = tmp_path / "cache"
    first = run_search_eval(gold, corpus, cache=cache)
    assert first["n_queries"] == 1
    assert set(first) == {"akhbar", "fts5_raw", "n_queries"}
    assert first["akhbar"]["ndcg_at_10"] == pytest.approx(1.0)  # جنوة and جنوى both found
    assert first["fts5_raw"]["ndcg_at_10"] < 1.0  # raw words miss جنوى
    built = sorted(p.name for p in cache.iterdir())
    assert any(name.startswith("search-akhbar-") for name in built)
    assert run_search_eval(gold, corpus, cache=cache) == first  # reused
    assert sorted(p.name for p in cache.iterdir()) == built


@pytest.mark.parametrize("content", ["", "not json\n", '{"qid": "q"}\n'])
def test_bad_gold_is_a_clear_error(tmp_path: Path, content: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(content, encoding="utf-8")
    with pytest.raises(EvalSearchError):
        load_gold(gold)


def test_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"qid": "q", "query": "x", "judgments": {}}\n', encoding="utf-8")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EvalSearchError, match="no corpus files"):
        run_search_eval(gold, tmp_path / "empty", cache=tmp_path / "cache")
