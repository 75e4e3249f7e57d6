"""Sources: the default outlets, OPML round trip and errors, feed discovery against replay, the CLI."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from akhbar.cli import app
from akhbar.config import load_settings
from akhbar.errors import ExtractError, UnsafeURLError
from akhbar.models import Source
from akhbar.replay import ReplayServer
from akhbar.sources import default_sources, discover_source, export_opml, install_defaults, parse_opml

ARABIC = set(range(0x0600, 0x0700))


def test_default_sources_cover_the_arab_world() -> None:
    sources = default_sources()
    assert len(sources) >= 30
    assert len({s.id for s in sources}) == len(sources)
    countries = {s.country for s in sources}
    for region in (
        {"EG"},
        {"SA", "AE", "QA", "KW", "BH", "OM"},
        {"LB", "JO", "SY"},
        {"IQ"},
        {"MA", "DZ", "TN", "LY"},
        {"GB", "FR", "DE", "RU", "US", "TR"},
    ):
        assert countries & region, region
    for source in sources:
        assert any(ord(ch) in ARABIC for ch in source.name), source.id
        assert source.home.startswith("https://")
        assert source.feeds or source.sitemaps
        assert all(u.startswith(("http://", "https://")) for u in source.feeds + source.sitemaps)


def test_install_defaults_is_idempotent(store) -> None:
    assert install_defaults(store) == len(default_sources())
    assert install_defaults(store) == 0


def test_opml_round_trip() -> None:
    sources = default_sources()[:5] + [
        Source(
            id="x",
            name='اسم "مقتبس" & رمز',
            home="https://x.example/",
            feeds=["https://x.example/feed?a=1&b=2"],
            sitemaps=["https://x.example/sitemap-news.xml"],
            country="EG",
        )
    ]
    assert parse_opml(export_opml(sources)) == sources


def test_opml_from_another_reader_groups_feeds_by_site() -> None:
    opml = """<?xml version="1.0"?><opml version="1.0"><body><outline text="News">
      <outline text="Hespress" type="rss" xmlUrl="https://www.hespress.com/feed" htmlUrl="https://www.hespress.com/"/>
      <outline text="Hespress sport" type="rss" xmlUrl="https://www.hespress.com/sport/feed" htmlUrl="https://www.hespress.com/"/>
      <outline text="Bad" type="rss" xmlUrl="file:///etc/passwd"/>
    </outline></body></opml>"""
    sources = parse_opml(opml)
    assert [(s.id, s.feeds) for s in sources] == [
        ("hespress-com", ["https://www.hespress.com/feed", "https://www.hespress.com/sport/feed"])
    ]


@pytest.mark.parametrize(
    "text",
    ["<html/>", "not xml at all <", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><opml>&e;</opml>'],
)
def test_bad_opml_is_refused_clearly(text: str) -> None:
    try:
        sources = parse_opml(text)
    except ExtractError as exc:
        assert "OPML" in str(exc)
    else:
        assert sources == []


@pytest.fixture(scope="module")
def one_site(shared: Path, tmp_path_factory: pytest.TempPathFactory):
    """Replay of three BBC articles."""
    lines = []
    with gzip.open(shared / "corpora/ant-v2.1/bbc.jsonl.gz", "rb") as handle:
        for raw in handle:
            if json.loads(raw).get("text"):
                lines.append(raw.rstrip(b"\n"))
            if len(lines) == 3:
                break
    path = tmp_path_factory.mktemp("one") / "bbc.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    with ReplayServer([path], on_error=lambda m: None) as server:
        yield server


def test_discovery_from_a_home_page_and_from_a_feed(one_site: ReplayServer) -> None:
    settings = load_settings(env={"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0"})
    entry = one_site.manifest()["sources"][0]
    found = asyncio.run(discover_source(entry["home"], settings))
    assert set(entry["feeds"]) & set(found.feeds)
    assert found.home == entry["home"]
    direct = asyncio.run(discover_source(entry["feeds"][0], settings, "bbc"))
    assert direct.id == "bbc" and direct.feeds == [entry["feeds"][0]]


def test_private_hosts_are_refused_without_the_setting(one_site: ReplayServer) -> None:
    settings = load_settings(env={})
    with pytest.raises(UnsafeURLError, match="AKHBAR_ALLOW_PRIVATE_HOSTS"):
        asyncio.run(discover_source(one_site.manifest()["sources"][0]["home"], settings))


def test_cli_add_list_export_import(one_site: ReplayServer, tmp_path: Path) -> None:
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'a.db'}"
    env = {"AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0"}
    home = one_site.manifest()["sources"][0]["home"]
    added = runner.invoke(app, ["sources", "add", home, "--db", db, "--id", "bbc"], env=env)
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["sources", "list", "--db", db, "--json"], env=env)
    assert json.loads(listed.stdout)[0]["id"] == "bbc"
    exported = runner.invoke(app, ["sources", "export", "--db", db], env=env)
    opml = tmp_path / "s.opml"
    opml.write_text(exported.stdout, encoding="utf-8")
    other = f"sqlite:///{tmp_path / 'b.db'}"
    imported = runner.invoke(app, ["sources", "import", str(opml), "--db", other], env=env)
    assert imported.exit_code == 0 and "1 sources" in imported.stdout
    refused = runner.invoke(
        app, ["sources", "add", home, "--db", db], env={"AKHBAR_ALLOW_PRIVATE_HOSTS": "0"}
    )
    assert refused.exit_code == 2
    crawled = runner.invoke(app, ["crawl", "--once", "--db", db], env=env)
    assert crawled.exit_code == 0, crawled.output
    assert "3 new" in crawled.stdout
