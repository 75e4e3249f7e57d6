"""The general word prior: the shipped table, its text form and its guard against a changed analyzer."""

from __future__ import annotations

import gzip
import warnings
from importlib import resources

import pytest

from akhbar.enrich.make_prior import prior_text
from akhbar.enrich.vocab import (
    PRIOR_FILE,
    compute_prior,
    format_prior,
    load_prior,
    parse_prior,
    prior_frequency,
    quantize,
    tag_word,
)


def test_shipped_prior_is_what_make_prior_makes_now() -> None:
    shipped = gzip.decompress(
        resources.files("akhbar.enrich").joinpath("data", PRIOR_FILE).read_bytes()
    ).decode()
    assert shipped == prior_text(), "stale prior: run python -m akhbar.enrich.make_prior"


def test_prior_keys_spellings_together_and_backs_clitic_stripping() -> None:
    assert prior_frequency("روسيا") > 1e-5
    assert prior_frequency("لا-كلمة") == 0.0
    assert tag_word("لروسيا") == tag_word("بروسيا") == "روسيا"
    assert tag_word("وزير") == "وزير"


def test_text_form_round_trip_within_a_quantum() -> None:
    table = compute_prior({"الروسية": 2e-5, "روسية": 1e-5, "نادرة": 1e-9, "كتاب": 3.3e-4})
    assert set(table) == {"روسيه", "كتاب"}
    assert table["روسيه"] == pytest.approx(3e-5)
    parsed, probes = parse_prior(format_prior(table, [("الروسية", "روسيه")]))
    assert probes == [("الروسية", "روسيه")]
    assert parsed.keys() == table.keys()
    for key, freq in table.items():
        assert parsed[key] == pytest.approx(freq, rel=0.0012)
        assert quantize(parsed[key]) == quantize(freq)


def test_a_file_made_with_another_analyzer_is_not_used() -> None:
    text = format_prior({"روسيا": 1e-4}, [("الروسية", "الروسية")])  # not the key this analyzer gives
    with pytest.warns(UserWarning, match="another analyzer"):
        table = load_prior(text, lambda: {"روسيا": 5e-5, "الروسيا": 1e-5})
    assert table == pytest.approx({"روسيا": 6e-5})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_prior(format_prior({"روسيا": 1e-4}, [("الروسية", "روسيه")]), dict) == pytest.approx(
            {"روسيا": 1e-4}
        )
