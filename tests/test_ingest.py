"""`akhbar import`: batches, idempotence, updates, bad lines, interruption."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from akhbar.ingest import count_lines, import_corpora
from akhbar.pipeline import Pipeline
from akhbar.store import open_store
from corpus_helpers import article_record, write_corpus

STORE_TABLES = (
    "articles",
    "article_aliases",
    "article_versions",
    "article_terms",
    "tags",
    "article_tags",
    "stories",
    "duplicate_groups",
)


def store_content(path) -> dict:
    """Every row of the content tables, without the write timestamps."""
    conn = sqlite3.connect(path)
    content = {}
    for table in STORE_TABLES:
        cursor = conn.execute(f"SELECT * FROM {table} ORDER BY 1")
        names = [d[0] for d in cursor.description]
        content[table] = [
            {
                n: v
                for n, v in zip(names, row, strict=True)
                if n not in {"created_at", "updated_at", "replaced_at"}
            }
            for row in cursor
        ]
    conn.close()
    return content


def test_import_then_reimport_changes_nothing(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl.gz", [article_record(i) for i in range(30)])
    db = tmp_path / "s.db"
    store = open_store(f"sqlite:///{db}")
    first = import_corpora([corpus], Pipeline.default(store), batch_size=7)
    assert (first.counts.imported, first.counts.rejected) == (30, 0)
    before = store_content(db)
    second = import_corpora([corpus], Pipeline.default(store), batch_size=7)
    assert (second.counts.imported, second.counts.updated, second.counts.unchanged) == (0, 0, 30)
    assert store_content(db) == before
    store.close()


def test_same_id_with_changed_text_is_an_update(tmp_path, store):
    corpus = write_corpus(
        tmp_path / "c.jsonl", [article_record(1), article_record(1, text="نص مصحح للخبر الأول.")]
    )
    report = import_corpora([corpus], Pipeline.default(store))
    assert (report.counts.imported, report.counts.updated) == (1, 1)
    article = store.get_article(store.article_ids_for_external(["T-1"])["T-1"])
    assert article.text == "نص مصحح للخبر الأول." and article.version == 2


def test_files_are_merged_in_publication_order(tmp_path, store):
    a = write_corpus(
        tmp_path / "a.jsonl", [article_record(i, published=f"2018-05-0{i}T00:00:00Z") for i in (1, 3, 5)]
    )
    b = write_corpus(
        tmp_path / "b.jsonl", [article_record(i, published=f"2018-05-0{i}T00:00:00Z") for i in (2, 4)]
    )
    import_corpora([a, b], Pipeline.default(store))
    ids = store.article_ids_for_external([f"T-{i}" for i in range(1, 6)])
    assert [ids[f"T-{i}"] for i in range(1, 6)] == [1, 2, 3, 4, 5]


def test_bad_lines_are_rejected_and_the_rest_goes_in(tmp_path, store):
    corpus = write_corpus(tmp_path / "c.jsonl", [article_record(1), "{broken", article_record(2, url="")])
    errors = []
    report = import_corpora([corpus], Pipeline.default(store), on_error=errors.append)
    assert (report.counts.imported, report.counts.rejected) == (1, 2)
    assert [e.line for e in errors] == [2, 3]
    assert "imported 1, updated 0, unchanged 0, rejected 2" in report.summary()


def test_count_lines(tmp_path):
    assert count_lines(write_corpus(tmp_path / "c.jsonl.gz", [article_record(i) for i in range(12)])) == 12


def run_cli(*args, env=None, cwd=None):
    """Run the akhbar command in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "akhbar", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=300,
    )


def test_cli_import_summary_and_exit_codes(tmp_path):
    good = write_corpus(tmp_path / "good.jsonl", [article_record(i) for i in range(5)])
    bad = write_corpus(tmp_path / "bad.jsonl", [article_record(9), "{nope"])
    db = f"sqlite:///{tmp_path / 's.db'}"
    ok = run_cli("import", "--db", db, "-q", str(good))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().startswith("imported 5, updated 0, unchanged 0, rejected 0")
    rejected = run_cli("import", "--db", db, "-q", str(bad))
    assert rejected.returncode == 1
    assert f"{bad}:2: malformed JSON" in rejected.stderr.replace("\n", "")
    assert "imported 1" in rejected.stdout


def test_cli_refuses_a_file_that_is_not_a_database(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    corpus = write_corpus(tmp_path / "c.jsonl", [article_record(1)])
    result = run_cli("import", "--db", f"sqlite:///{notes}", "-q", str(corpus))
    assert result.returncode == 2 and "not an SQLite database" in result.stderr
    assert notes.read_text() == "hello"


def test_kill_9_during_import_then_rerun_completes_without_duplicates(tmp_path):
    n = 600
    corpus = write_corpus(
        tmp_path / "big.jsonl.gz", [article_record(i, url=f"http://example.com/k/{i}") for i in range(n)]
    )
    db = tmp_path / "k.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "akhbar",
            "import",
            "--db",
            f"sqlite:///{db}",
            "-q",
            "--batch-size",
            "20",
            str(corpus),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            conn = sqlite3.connect(db, timeout=1)
            stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            stored = 0
        if stored >= 100:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 100 <= stored < n
    rerun = run_cli("import", "--db", f"sqlite:///{db}", "-q", str(corpus))
    assert rerun.returncode == 0, rerun.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone() == (n, n)
    assert conn.execute("SELECT count(*) FROM article_terms").fetchone()[0] == n
    assert (
        conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", ('"حاويات"',)
        ).fetchone()[0]
        >= 0
    )
    conn.close()
    check = run_cli("check", "--db", f"sqlite:///{db}", "--json")
    assert check.returncode == 0, check.stdout + check.stderr  # akhbar check: clean after the kill and re-run


def test_store_only_import_then_check_repair_adds_tags_and_stories(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl", [article_record(i) for i in range(4)])
    db = tmp_path / "s.db"
    bulk = run_cli("import", "--db", f"sqlite:///{db}", "-q", "--store-only", str(corpus))
    assert bulk.returncode == 0, bulk.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), count(story_id) FROM articles").fetchone() == (4, 0)
    conn.close()
    repair = run_cli("check", "--db", f"sqlite:///{db}", "--repair")
    assert repair.returncode == 0, repair.stdout + repair.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(story_id) FROM articles").fetchone() == (4,)
    assert conn.execute("SELECT count(DISTINCT article_id) FROM article_tags").fetchone() == (4,)
    conn.close()


def test_an_import_ends_with_every_stage_state_saved(tmp_path, store):
    import json

    from akhbar.enrich.stats import STATE_NAME

    corpus = write_corpus(tmp_path / "c.jsonl", [article_record(i) for i in range(7)])
    import_corpora([corpus], Pipeline.default(store), batch_size=3)
    assert json.loads(store.get_state(STATE_NAME))["n_docs"] == 7


def test_cli_import_of_hostile_lines_stores_every_good_line_and_names_the_bad(tmp_path):
    surrogate = '{"id": "T-3", "source": "testsrc", "url": "http://example.com/s", "title": "عنوان\\ud800\\u0000خبر", "text": "نص\\udc00 الخبر"}'
    corpus = write_corpus(
        tmp_path / "hostile.jsonl",
        [
            article_record(1),
            "[" * 100_000 + "]" * 100_000,
            surrogate,
            article_record(4, published="[/x]"),
            article_record(5),
        ],
    )
    db = tmp_path / "s.db"
    result = run_cli("import", "--db", f"sqlite:///{db}", "-q", str(corpus))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = result.stderr.replace("\n", "")
    assert f"{corpus}:2: JSON nested too deep" in errors and f"{corpus}:4: invalid date '[/x]'" in errors
    assert result.stdout.strip().startswith("imported 3, updated 0, unchanged 0, rejected 2")
    conn = sqlite3.connect(db)
    rows = dict(conn.execute("SELECT url, title FROM articles").fetchall())
    conn.close()
    assert set(rows) == {"http://example.com/news/1", "http://example.com/s", "http://example.com/news/5"}
    assert rows["http://example.com/s"] == "عنوان خبر"
