"""CrawlState: old stored dicts load, JSON round trip, the one is_due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from akhbar.fetch.state import CrawlState
from akhbar.times import iso

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_an_old_stored_dict_loads_with_every_field() -> None:
    old = {
        "feeds": {"http://a/rss": {"etag": '"x"'}},
        "aliases": {"http://a/1": "http://a/one"},
        "retry": {"http://a/2": {"attempts": 2, "next_at": 5.0}},
        "rate": 0.01,
        "interval": 600,
        "last_poll": 1700000000.5,
        "next_poll_at": "2026-01-02T03:00:00Z",
        "etag": "kept",
    }
    state = CrawlState.from_json(old)
    assert state.feeds["http://a/rss"]["etag"] == '"x"' and state.aliases["http://a/1"] == "http://a/one"
    assert state.retry["http://a/2"]["attempts"] == 2 and state.interval == 600.0 and state.rate == 0.01
    assert state.to_json() == {k: v for k, v in old.items() if k != "next_poll_at"} | {"interval": 600.0}


def test_empty_and_broken_states_load_as_fresh() -> None:
    assert CrawlState.from_json(None) == CrawlState()
    broken = CrawlState.from_json({"feeds": [1, 2], "retry": "x", "rate": "fast", "interval": True})
    assert broken.feeds == {} and broken.retry == {} and broken.rate is None and broken.interval is None


def test_round_trip_through_json() -> None:
    state = CrawlState(feeds={"u": {"etag": "e"}}, retry={"p": {"attempts": 1}}, rate=0.5, last_poll=3.0)
    assert CrawlState.from_json(state.to_json()) == state


def test_is_due() -> None:
    assert CrawlState().is_due(NOW)
    assert CrawlState(next_poll_at=iso(NOW - timedelta(seconds=1))).is_due(NOW)
    assert not CrawlState(next_poll_at=iso(NOW + timedelta(minutes=5))).is_due(NOW)
    assert not CrawlState(next_poll_at=(NOW + timedelta(minutes=5)).isoformat()).is_due(NOW)
    assert CrawlState(next_poll_at="not a time").is_due(NOW)
