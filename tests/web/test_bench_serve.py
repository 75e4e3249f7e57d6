"""`akhbar bench serve` against a real `akhbar serve` process on the sample store (a short run)."""

from __future__ import annotations

from akhbar.bench.serve import MIX, pick_targets, run_serve_bench


def test_targets_come_from_the_store(web_data):
    targets = pick_targets(f"sqlite:///{web_data.path}", articles=50, queries=20)
    assert len(targets.article_ids) == 50 and len(targets.queries) == 20
    assert all(web_data.store.get_articles([i]) for i in targets.article_ids[:5])


def test_short_load_run_has_every_kind_and_no_errors(web_data):
    result = run_serve_bench(f"sqlite:///{web_data.path}", clients=4, seconds=2, runs=1, warmup=0.5)
    assert result["errors"] == 0, result["each_run"]
    assert result["requests_per_second"] > 0
    assert set(result["kinds"]) == {kind for kind, _ in MIX}
    assert sum(k["requests"] for k in result["kinds"].values()) > 0
    for figures in result["kinds"].values():
        assert figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
