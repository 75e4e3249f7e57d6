"""The `akhbar` command as users meet it: markup printed as written, one-line errors, read-only and damaged stores."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from akhbar.cli import app
from akhbar.replay import ReplayServer
from corpus_helpers import article_record, write_corpus

MARKUP_TITLE = "[bold]x[/x] كوريا الشمالية تسلم روسيا ذخائر"
MARKUP_SOURCE = "[/x]"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the command tree in process, as the console script would."""
    return CliRunner().invoke(app, list(args), env=env)


def one_error_line(text: str) -> str:
    """The single line of an error on stderr (fails when there is more, or a traceback)."""
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert lines[0].startswith("error: "), text
    return lines[0]


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with three articles, one titled and sourced with rich markup, imported by `akhbar import`."""
    folder = tmp_path_factory.mktemp("built")
    records = [
        article_record(1, title=MARKUP_TITLE, source=MARKUP_SOURCE, published="2018-05-01T10:00:00Z"),
        article_record(2, published="2018-05-02T10:00:00Z"),
        article_record(3, published="2018-05-03T10:00:00Z"),
    ]
    corpus = write_corpus(folder / "c.jsonl", records)
    db = folder / "akhbar.db"
    result = invoke("import", str(corpus), "--db", f"sqlite:///{db}", "-q")
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def db(built_store: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built store."""
    return Path(shutil.copy(built_store, tmp_path / "akhbar.db"))


def url(path: Path) -> str:
    """The store URL of an SQLite file."""
    return f"sqlite:///{path}"


# rich markup --------------------------------------------------------------------------------------


def test_markup_in_titles_and_source_names_is_printed_as_written(db: Path) -> None:
    stats = invoke("stats", "--db", url(db))
    assert stats.exit_code == 0, stats.output
    assert f"{MARKUP_SOURCE}: 1" in stats.stdout
    found = invoke("search", "كوريا", "--db", url(db))
    assert found.exit_code == 0, found.output
    assert MARKUP_TITLE in found.stdout
    shown = invoke("show", "1", "--db", url(db))
    assert shown.exit_code == 0, shown.output
    assert MARKUP_TITLE in shown.stdout and f"المصدر: {MARKUP_SOURCE}" in shown.stdout


@pytest.fixture(scope="module")
def one_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplayServer]:
    """A replayed site of three articles."""
    path = tmp_path_factory.mktemp("site") / "bbc.jsonl.gz"
    path.write_bytes(
        gzip.compress(
            b"".join(json.dumps(article_record(n, source="bbc")).encode() + b"\n" for n in range(3))
        )
    )
    with ReplayServer([path], on_error=lambda m: None) as server:
        yield server


def test_a_source_named_with_markup_is_added_and_listed(one_site: ReplayServer, tmp_path: Path) -> None:
    db = url(tmp_path / "s.db")
    env = {"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0"}
    home = one_site.manifest()["sources"][0]["home"]
    added = invoke("sources", "add", home, "--db", db, "--id", "bbc", "--name", MARKUP_SOURCE, env=env)
    assert added.exit_code == 0, added.output
    assert f"added bbc ({MARKUP_SOURCE})" in added.stdout
    listed = invoke("sources", "list", "--db", db, env=env)
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.startswith(f"bbc {MARKUP_SOURCE} (-)")


# errors: one line, exit 2 -------------------------------------------------------------------------


def test_typed_errors_are_one_line_and_exit_2(db: Path, tmp_path: Path) -> None:
    unsupported = invoke("stats", "--db", "mysql://localhost/akhbar")
    assert unsupported.exit_code == 2
    assert "unsupported store URL" in one_error_line(unsupported.stderr)
    missing = invoke("show", "999", "--db", url(db))
    assert missing.exit_code == 2
    assert one_error_line(missing.stderr) == "error: no article 999"
    absent = invoke("stats", "--db", url(tmp_path / "absent.db"))
    assert absent.exit_code == 2
    assert "no store at" in one_error_line(absent.stderr)
    assert not (tmp_path / "absent.db").exists()


def test_demo_refuses_missing_corpora(tmp_path: Path) -> None:
    result = invoke("demo", str(tmp_path / "nope.jsonl.gz"))
    assert result.exit_code == 2
    assert "no such corpus file" in result.stderr


def test_ctrl_c_exits_130() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "akhbar", "text", "key"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdin and process.stdout
    process.stdin.write("مُحَمَّدٌ\n")
    process.stdin.flush()
    assert process.stdout.readline() == "محمد\n"  # the command is running, waiting for the next line
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "Traceback" not in err


def test_dates_are_whole_days(db: Path) -> None:
    def ids(*options: str) -> list[int]:
        result = invoke("search", "كوريا", "--db", url(db), "--json", *options)
        assert result.exit_code == 0, result.output
        return sorted(hit["id"] for hit in json.loads(result.stdout)["results"])

    assert ids("--until", "2018-05-01") == [1]
    assert ids("--since", "2018-05-02", "--until", "2018-05-02") == [2]
    assert ids("--since", "2018-05-02T12:00:00Z") == [3]
    bad = invoke("search", "كوريا", "--db", url(db), "--since", "yesterday")
    assert bad.exit_code == 2 and "not a date" in bad.output


# damaged stores -----------------------------------------------------------------------------------


def damage(path: Path, keep_schema: bool) -> None:
    """Overwrite pages with garbage, keeping the header page and the migrations table (the file still opens),
    and with keep_schema the whole schema too, so the damage shows only when an article table is read."""
    with sqlite3.connect(path) as conn:
        page_size, pages = (
            conn.execute("PRAGMA page_size").fetchone()[0],
            conn.execute("PRAGMA page_count").fetchone()[0],
        )
        kept_tables = ("schema_migrations", "sqlite_schema") if keep_schema else ("schema_migrations",)
        try:
            kept = {
                row[0]
                for row in conn.execute(
                    f"SELECT pageno FROM dbstat WHERE name IN ({', '.join('?' * len(kept_tables))})",
                    kept_tables,
                )
            }
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table to find the pages of each table")
    conn.close()
    with path.open("r+b") as handle:
        for page in set(range(1, pages + 1)) - kept - {1}:
            handle.seek((page - 1) * page_size)
            handle.write(b"\xff" * page_size)


@pytest.mark.parametrize("keep_schema", [True, False], ids=["tables", "schema"])
@pytest.mark.parametrize(
    "command",
    [["stats"], ["search", "كوريا"], ["show", "1"], ["sources", "list"], ["check"], ["import", "CORPUS"]],
)
def test_a_damaged_store_is_one_clear_line(
    db: Path, tmp_path: Path, command: list[str], keep_schema: bool
) -> None:
    corpus = write_corpus(tmp_path / "more.jsonl", [article_record(9)])
    damage(db, keep_schema)
    args = [str(corpus) if part == "CORPUS" else part for part in command]
    quiet = ["-q"] if command[0] == "import" else []
    result = invoke(*args, *quiet, "--db", url(db))
    assert result.exit_code == 2, result.output
    line = one_error_line(result.stderr)
    assert str(db) in line and ("damaged" in line or "not a usable Akhbar database" in line), line


def test_a_file_that_is_no_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 10)
    before = path.read_bytes()
    for command in (["stats"], ["init"], ["sources", "list"]):
        result = invoke(*command, "--db", url(path))
        assert result.exit_code == 2, result.output
        assert "not an SQLite database" in one_error_line(result.stderr)
    assert path.read_bytes() == before


# read-only stores ---------------------------------------------------------------------------------


def run_without_privileges(*args: str) -> subprocess.CompletedProcess[str]:
    """`akhbar ARGS` in a subprocess that file permissions bind (root's capabilities dropped)."""
    command = [sys.executable, "-m", "akhbar", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: file permissions cannot bind the command")
        command = [setpriv, "--bounding-set=-all", "--inh-caps=-all", *command]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture
def read_only_db(db: Path) -> Iterator[Path]:
    """The built store as a 0444 file in a 0555 folder (permissions restored afterwards)."""
    folder = db.parent
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield db
    finally:
        folder.chmod(stat.S_IRWXU)
        db.chmod(0o644)


def test_read_commands_work_on_a_read_only_file_and_folder(read_only_db: Path) -> None:
    store = url(read_only_db)
    probe = run_without_privileges("init", "--db", store)
    assert probe.returncode == 2, probe.stderr
    assert "readonly" in one_error_line(probe.stderr)
    stats = run_without_privileges("stats", "--db", store, "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["articles"] == 3
    found = run_without_privileges("search", "كوريا", "--db", store, "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] == 3
    shown = run_without_privileges("show", "2", "--db", store, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == 2
    listed = run_without_privileges("sources", "list", "--db", store, "--json")
    assert listed.returncode == 0, listed.stderr
    assert sorted(os.listdir(read_only_db.parent)) == ["akhbar.db"]


# eval extract --pages ------------------------------------------------------------------------------


def test_eval_pages_needs_the_truth(tmp_path: Path) -> None:
    result = invoke("eval", "extract", "--pages", str(tmp_path))
    assert result.exit_code == 2
    assert "--truth" in one_error_line(result.stderr)


def test_eval_extract_on_a_three_page_set(shared: Path, tmp_path: Path) -> None:
    source = shared / "eval" / "extraction" / "aeb"
    truth = json.loads((source / "ground-truth.json").read_text(encoding="utf-8"))
    pages = tmp_path / "html"
    pages.mkdir()
    chosen = sorted(truth)[:3]
    for page_id in chosen:
        shutil.copy(source / "html" / f"{page_id}.html.gz", pages)
    subset = tmp_path / "ground-truth.json"
    subset.write_text(json.dumps({k: truth[k] for k in chosen}), encoding="utf-8")
    as_json = invoke("eval", "extract", "--pages", str(pages), "--truth", str(subset), "--json")
    assert as_json.exit_code == 0, as_json.output
    result = json.loads(as_json.stdout)
    assert isinstance(result, dict) and result
    as_text = invoke("eval", "extract", "--pages", str(pages), "--truth", str(subset))
    assert as_text.exit_code == 0, as_text.output
    from akhbar.eval.pages import render_pages

    def without_speed(text: str) -> list[list[str]]:
        # an extractor's row ends with pages/CPU-s and errors; the speed differs from run to run
        rows = [line.split() for line in text.strip().splitlines()]
        return [row[:-2] + row[-1:] if row and row[0] in result["extractors"] else row for row in rows]

    assert without_speed(as_text.stdout) == without_speed(render_pages(result))
