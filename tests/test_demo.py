"""`make demo` (python -m akhbar.demo): refuses what it cannot replay, with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.demo import main


def test_demo_refuses_missing_corpora(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.jsonl.gz")]) == 2
    assert "no such corpus file" in capsys.readouterr().err
