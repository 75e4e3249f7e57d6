"""The measures behind `akhbar eval stories | similar | duplicates`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from akhbar.cli import app
from akhbar.eval.duplicates import DuplicateGoldError, evaluate_duplicates, load_pairs
from akhbar.eval.similar import SimilarGoldError, spearman
from akhbar.eval.similar import load_pairs as load_similar
from akhbar.eval.stories import GoldError, bcubed, load_gold, pairwise, scores

from .duplicate_pairs import build, write


def test_bcubed_and_pairwise_on_a_small_case() -> None:
    gold = {"a": "1", "b": "1", "c": "2", "d": "3"}
    perfect = {"a": 5, "b": 5, "c": 6, "d": 7}
    assert bcubed(perfect, gold) == (1.0, 1.0) and pairwise(perfect, gold) == (1.0, 1.0)
    lumped = {k: 0 for k in gold}
    p, r = pairwise(lumped, gold)
    assert p == pytest.approx(1 / 6) and r == 1.0
    bp, br = bcubed(lumped, gold)
    assert bp == pytest.approx((2 / 4 * 2 + 1 / 4 * 2) / 4) and br == 1.0
    result = scores(perfect, gold)
    assert result["n_stories_gold"] == 3 and result["pairwise_f1"] == 1.0


def test_spearman_handles_ties() -> None:
    assert spearman([1, 2, 2, 3], [1, 2, 2, 3]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


def test_bad_gold_files_give_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(GoldError, match="bad.jsonl:1"):
        load_gold(bad)
    with pytest.raises(SimilarGoldError):
        load_similar(bad)
    with pytest.raises(DuplicateGoldError, match="bad.jsonl:1"):
        list(load_pairs(bad))
    result = CliRunner().invoke(app, ["eval", "stories", "--gold", str(bad)])
    assert result.exit_code == 2 and "bad.jsonl:1" in result.output


def test_generated_duplicates_gold_round_trips_and_scores(shared: Path, tmp_path: Path) -> None:
    pairs = build(shared, per_perturbation=8, seed=1)
    labels = {p["label"] for p in pairs}
    assert labels == {"duplicate", "same_story", "different"}
    path = tmp_path / "dups.jsonl"
    write(pairs, path)
    result = evaluate_duplicates(list(load_pairs(path)))
    assert result["n_pos"] + result["n_neg"] == len(pairs)
    assert result["precision"] >= 0.95 and result["recall"] >= 0.9
    out = CliRunner().invoke(app, ["eval", "duplicates", "--gold", str(path)])
    assert out.exit_code == 0 and json.loads(out.output)["n_pos"] == result["n_pos"]


def test_eval_similar_prints_both_correlations(shared: Path) -> None:
    out = CliRunner().invoke(
        app, ["eval", "similar", "--gold", str(shared / "eval" / "semeval2022-task8-ar.jsonl")]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["n_pairs"] == 110 and set(data) == {"akhbar", "tfidf", "n_pairs"}
    assert data["akhbar"]["spearman"] > data["tfidf"]["spearman"]
