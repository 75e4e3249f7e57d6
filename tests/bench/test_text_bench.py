"""akhbar bench text on a tiny corpus: figures present, differences explained."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from akhbar.bench.text import CASES, differences, run_text_bench
from akhbar.text import key


def test_run_text_bench_on_a_tiny_corpus(tmp_path: Path) -> None:
    path = tmp_path / "tiny.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for n in range(5):
            handle.write(
                json.dumps(
                    {
                        "id": f"x{n}",
                        "source": "t",
                        "url": f"https://t.test/{n}",
                        "title": "عنوان",
                        "text": "قال الرئيس الأمريكي إن العقوبات الجديدة على فنزويلا ستبدأ " * 20,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    result = run_text_bench([path], runs=1)
    assert result["corpus"]["articles"] == 5
    for name in ("terms", "key", "normalize"):
        assert result[name]["mb_per_s"] > 0
    assert "pyarabic" in result and "camel_tools" in result


def test_differences_lists_only_cases_that_differ() -> None:
    same = differences(key, [key(case) for case, _ in CASES])
    assert same == []
    other = differences(key, [case for case, _ in CASES])  # an "analyzer" that changes nothing
    assert other and all(d["why_akhbar"] for d in other)
