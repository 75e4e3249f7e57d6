"""PostgreSQL-only behaviour: verbatim lexemes, concurrent writers, reconnects, and parity with SQLite."""

from __future__ import annotations

import inspect
import threading

import psycopg
import pytest

from akhbar import text as analyzer
from akhbar.models import Article
from akhbar.store import open_store
from akhbar.store.postgres import PostgresStore, split_url, tsquery_literal, tsvector_literal
from akhbar.store.sql import SQLStore
from akhbar.store.sqlite import SQLiteStore

pytestmark = pytest.mark.postgres


def article(n: int, text: str = "كوريا الشمالية سلمت حاويات إلى روسيا") -> Article:
    """A small article."""
    return Article(url=f"http://example.com/{n}", title=f"خبر {n}", text=text, source="src")


def test_both_backends_implement_every_declared_method_with_its_parameters():
    for backend in (SQLiteStore, PostgresStore):
        assert not backend.__abstractmethods__, backend
        for name in SQLStore.__abstractmethods__:
            wanted = list(inspect.signature(getattr(SQLStore, name)).parameters)
            assert list(inspect.signature(getattr(backend, name)).parameters) == wanted, (
                backend.__name__,
                name,
            )


def test_url_options_are_split_from_libpq_ones():
    conninfo, schema, pool = split_url("postgres://u@h:5/db?schema=s1&pool=3&connect_timeout=4")
    assert (conninfo, schema, pool) == ("postgresql://u@h:5/db?connect_timeout=4", "s1", 3)


def test_lexemes_are_stored_verbatim(pg_url):
    tricky = ["o'neil", "back\\slash", "covid-19", "3.5", "كوري"]
    with psycopg.connect(split_url(pg_url)[0]) as conn:
        vector = conn.execute("SELECT %s::tsvector", (tsvector_literal(tricky[:2], tricky[2:]),)).fetchone()[
            0
        ]
        for term in tricky:
            assert conn.execute(
                "SELECT %s::tsvector @@ %s::tsquery", (vector, tsquery_literal([[term]]))
            ).fetchone()[0]


def test_search_uses_the_analyzer_terms(pg_url):
    store = open_store(pg_url)
    store.write_articles([article(1, "قال المتحدث: covid-19 انتشر في 2020.")])
    for term in analyzer.terms("covid-19 2020"):
        assert store.term_document_frequencies([term])[term] == 1
    assert store.search("covid-19").total == 1
    store.close()


def test_concurrent_writers_store_a_url_once(pg_url):
    stores = [open_store(pg_url) for _ in range(4)]
    barrier = threading.Barrier(4)
    outcomes = []

    def write(store):
        barrier.wait()
        outcomes.extend(store.write_articles([article(i) for i in range(20)]))

    threads = [threading.Thread(target=write, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stores[0].article_count() == 20
    assert sorted(o.status for o in outcomes).count("imported") == 20
    [term] = analyzer.terms("روسيا")
    assert stores[0].term_document_frequencies([term])[term] == 20
    for s in stores:
        s.close()


def test_store_reconnects_after_its_connections_are_killed(pg_url):
    schema = split_url(pg_url)[1]
    store = open_store(f"{pg_url}&application_name={schema}")
    store.write_articles([article(1)])
    with psycopg.connect(split_url(pg_url)[0], autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
            (schema,),
        ).fetchone()[0]
    assert killed >= 1
    assert store.article_count() == 1  # a read retries on a fresh connection
    store.write_articles([article(2)])  # the pool checks connections before handing them out
    assert store.article_count() == 2
    store.close()


def test_two_stores_on_two_schemas_do_not_see_each_other(pg_url):
    other_schema = "x" + split_url(pg_url)[1]
    a, b = open_store(pg_url), open_store(pg_url.replace("schema=", "schema=x"))
    try:
        a.write_articles([article(1)])
        assert a.article_count() == 1 and b.article_count() == 0
    finally:
        a.close()
        b.close()
        with psycopg.connect(split_url(pg_url)[0], autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{other_schema}" CASCADE')
