"""The shared SQL layer on both backends: placeholders, list membership in chunks, upserts, maintenance."""

from __future__ import annotations

from datetime import UTC, datetime

from akhbar.models import Article, Story
from akhbar.store.postgres import placeholders


def article(n: int, topic: str = "زلزال قوي يضرب اليابان") -> Article:
    """A small dated article."""
    return Article(
        url=f"http://example.com/{n}",
        title=f"{topic} {n}",
        text=f"قال المتحدث إن {topic}. الخبر {n}.",
        source=f"src{n % 2}",
        published=datetime(2018, 5, 1, n, tzinfo=UTC),
        external_id=f"E-{n}",
    )


def test_placeholders_become_psycopg_ones_and_percent_signs_stay_literal():
    assert placeholders("SELECT ? || '%' AS v WHERE x = ?") == "SELECT %s || '%%' AS v WHERE x = %s"


def test_rows_and_run_take_question_marks_on_both_backends(store):
    assert store.rows("SELECT ? || '%' AS v", ("a",)) == [{"v": "a%"}]
    with store.transaction():
        assert store.run("INSERT INTO stage_state (name, value) VALUES (?, ?)", ("k", "100%")) == 1
    assert store.get_state("k") == "100%"


def test_lists_longer_than_a_chunk_are_asked_in_chunks(store):
    store.in_chunk = 3  # force several chunks with a handful of rows
    ids = [o.article_id for o in store.write_articles([article(n) for n in range(8)])]
    wanted = [ids[5], 999_999, ids[0], ids[7], ids[2], ids[6], ids[1]]
    assert [a.id for a in store.get_articles(wanted)] == [i for i in wanted if i != 999_999]
    assert set(store.article_terms(ids)) == set(ids)
    assert store.article_ids_for_external([f"E-{n}" for n in range(8)]) == {
        f"E-{n}": ids[n] for n in range(8)
    }
    group = store.save_duplicate_group(0, ids[0], ids)
    assert {a.duplicate_group for a in store.get_articles(ids)} == {group}
    story = Story(id=0, title="زلزال", article_ids=ids[:4], sources=["src0", "src1"])
    store.save_story(story)
    for i in ids[:4]:
        store.assign_story(i, story.id)
    assert sorted(m[0] for m in store.story_members([story.id, 424242])) == sorted(ids[:4])
    assert store.get_articles([]) == [] and store.story_members([]) == []


def test_upserts_replace_once(store):
    [outcome] = store.write_articles([article(1)])
    for minhash in (b"\x01", b"\x02"):
        store.save_signature(outcome.article_id, datetime(2018, 5, 1, tzinfo=UTC), "h", minhash)
        store.save_article_profile(outcome.article_id, minhash.hex())
    assert store.recent_signatures(datetime(2018, 1, 1, tzinfo=UTC)) == [
        (outcome.article_id, datetime(2018, 5, 1, tzinfo=UTC), b"\x02")
    ]
    assert store.article_profiles([outcome.article_id]) == {outcome.article_id: "02"}
    assert store.rows("SELECT count(*) AS n FROM relate_signatures") == [{"n": 1}]


def test_maintenance_interface_lists_tables_and_keeps_the_index_in_step(store):
    assert {"articles", "article_terms", "sources", "stage_state"} <= store.tables()
    assert store.columns("articles")[:3] == ["id", "url", "source_id"]
    ids = [o.article_id for o in store.write_articles([article(n) for n in range(4)])]
    assert store.check_index()[0] == 0
    with store.transaction():
        store.run("UPDATE article_terms SET body = 'كلمة' WHERE article_id = ?", (ids[0],))
        if store.dialect == "postgres":  # the tsvector changes with its terms, term_df does not
            store.run("UPDATE article_terms SET tsv = 'كلمة'::tsvector WHERE article_id = ?", (ids[0],))
    assert store.check_index()[0] > 0
    store.reindex([ids[0]])
    assert store.check_index()[0] == 0
    assert store.search("زلزال").total == 4
    assert store.term_document_frequencies(["كلمة"]) == {"كلمة": 0}
