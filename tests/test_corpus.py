"""Reading corpus files: every bad line is named by file and line, the rest still goes in."""

from __future__ import annotations

import gzip
import json

from akhbar.corpus import MAX_TEXT_CHARS, iter_corpus, record_from_article
from akhbar.text.hygiene import MAX_AUTHOR_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS
from corpus_helpers import article_record, write_corpus


def test_reads_gzip_and_plain_files_alike(tmp_path):
    records = [article_record(i) for i in range(3)]
    for name in ("a.jsonl", "a.jsonl.gz"):
        lines = list(iter_corpus(write_corpus(tmp_path / name, records)))
        assert [line.article.external_id for line in lines] == ["T-0", "T-1", "T-2"]
        assert all(line.error is None for line in lines)


def test_round_trip_of_a_record(tmp_path):
    record = article_record(7)
    line = next(iter(iter_corpus(write_corpus(tmp_path / "c.jsonl", [record]))))
    assert record_from_article(line.article) == record


def test_bad_lines_are_reported_with_file_and_line_and_the_rest_goes_in(tmp_path):
    lines = [
        article_record(1),
        "{not json",
        article_record(2, id=""),
        {k: v for k, v in article_record(3).items() if k != "url"},
        article_record(4, title=None),
        article_record(5, published="yesterday-ish"),
        article_record(6, text="", summary=""),
        b'{"id": "T-7", "title": "\xff\xfe broken"}',
        article_record(8, text="x" * (MAX_TEXT_CHARS + 1)),
        [1, 2, 3],
        article_record(9),
    ]
    lines[9] = "[1, 2, 3]"
    path = write_corpus(tmp_path / "bad.jsonl", lines)
    result = list(iter_corpus(path))
    good = [r.article.external_id for r in result if r.article]
    bad = {r.line: r.error.reason for r in result if r.error}
    assert good == ["T-1", "T-9"]
    assert set(bad) == {2, 3, 4, 5, 6, 7, 8, 9, 10}
    assert "malformed JSON" in bad[2]
    assert "'id'" in bad[3] and "'url'" in bad[4] and "'title'" in bad[5]
    assert "invalid date" in bad[6]
    assert "empty text" in bad[7]
    assert "invalid UTF-8" in bad[8]
    assert "over the limit" in bad[9]
    assert "not a JSON object" in bad[10]
    assert all(str(path) in str(r.error) and f":{r.line}:" in str(r.error) for r in result if r.error)


def test_empty_text_with_a_summary_is_kept_as_partial(tmp_path):
    path = write_corpus(tmp_path / "p.jsonl", [article_record(1, text="  ", summary="ملخص فقط")])
    article = next(iter(iter_corpus(path))).article
    assert article.partial and article.text == "ملخص فقط"


def test_truncated_gzip_keeps_what_came_before_and_reports_the_break(tmp_path):
    payload = gzip.compress(
        b"".join((__import__("json").dumps(article_record(i)) + "\n").encode() for i in range(200))
    )
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(payload[: len(payload) // 2])
    result = list(iter_corpus(path))
    assert result[-1].error is not None and "gzip" in result[-1].error.reason
    assert 0 < sum(1 for r in result if r.article) < 200


def test_hostile_lines_are_rejected_with_file_and_line_and_the_rest_goes_in(tmp_path):
    lines = [
        article_record(1),
        "[" * 100_000 + "]" * 100_000,
        article_record(2, published="[/x]"),
        article_record(3, url="http://example.com/" + "a" * MAX_URL_CHARS),
        article_record(4, published="2018-05-01T00:00:00Z" * 100),
        article_record(5, source="\x00\x01"),
        article_record(6),
    ]
    path = write_corpus(tmp_path / "hostile.jsonl", lines)
    result = list(iter_corpus(path))
    assert [r.article.external_id for r in result if r.article] == ["T-1", "T-6"]
    bad = {r.line: r.error for r in result if r.error}
    assert set(bad) == {2, 3, 4, 5, 6}
    assert bad[2].reason == "JSON nested too deep"
    assert bad[3].reason == "invalid date '[/x]'"
    assert bad[4].reason.startswith(f"URL is {MAX_URL_CHARS + 19:,} characters, over the limit")
    assert bad[5].reason.startswith("invalid date") and len(bad[5].reason) < 100
    assert bad[6].reason == "missing or empty 'source'"
    assert all(str(error).startswith(f"{path}:{line}: ") for line, error in bad.items())


def test_surrogates_and_control_characters_are_taken_out_and_lengths_capped(tmp_path):
    record = article_record(
        1,
        title="عنوان\ud800 الخبر\x00\x07 " + "ط" * 10_000_000,
        url=" http://example.com/a\x00b\n",
        text="فقرة\udc00 أولى\x1a\x1aفقرة ثانية\r\nثالثة\tهنا",
        author="كاتب\x0b" * 100,
        source="testsrc\x7f",
    )
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="ascii")  # \ud800 written as a JSON escape
    article = next(iter(iter_corpus(path))).article
    assert article.title.startswith("عنوان الخبر  ") and len(article.title) == MAX_TITLE_CHARS
    assert article.url == "http://example.com/ab"
    assert article.text == "فقرة أولى  فقرة ثانية\nثالثة\tهنا"
    assert len(article.author) <= MAX_AUTHOR_CHARS and "\x0b" not in article.author
    assert article.source == "testsrc"
    for value in (article.title, article.url, article.text, article.author, article.source):
        value.encode("utf-8")  # no lone surrogate left: strict UTF-8 encodes it
        assert not any(ord(c) < 32 and c not in "\n\t" for c in value)
