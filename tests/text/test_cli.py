"""The text command, from stdin to stdout, in process and through the installed `akhbar` script."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from akhbar.cli.text import run_text_command


def run(mode: str, text: str) -> str:
    out = io.StringIO()
    assert run_text_command(mode, io.StringIO(text), out) == 0
    return out.getvalue()


def test_normalize_and_key_line_by_line() -> None:
    assert run("normalize", "کوریا  الشمالیة\nمرحبا\u200f\n") == "كوريا الشمالية\nمرحبا\n"
    assert run("key", "كوريا الشمالية\n١٥٠٠\n") == "كوريا الشماليه\n1500\n"


def test_tokens_are_json_lines_with_display_offsets() -> None:
    lines = run("tokens", "قال الرئیس ١٥٠٠\n").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["text"] for r in records] == ["قال", "الرئيس", "١٥٠٠"]
    assert records[1] == {
        "text": "الرئيس",
        "start": 4,
        "end": 10,
        "key": "الرييس",
        "kind": "word",
        "term": "رييس",
    }
    assert records[0]["term"] is None


def test_terms() -> None:
    assert run("terms", "وقال الرئيس إن العقوبات\n") == "رييس عقوبا\n"


def test_unknown_mode_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        run_text_command("stem", io.StringIO(""), io.StringIO())


def test_through_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "akhbar", "text", "key"],
        input="مُحَمَّدٌ\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "محمد\n"


def test_unknown_mode_on_the_command_line_is_one_line_and_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "akhbar", "text", "stem"],
        input="",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == "error: unknown mode 'stem': choose one of normalize, key, tokens, terms\n"
