"""A small real store for the web tests: ANT articles around 2018-05-01, some SaudiNewsNet, hostile titles."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from webtest_helpers import ADMIN_TOKEN, BASE_URL, XSS_TEXT, XSS_TITLE, free_port  # noqa: F401

from akhbar.config import Settings
from akhbar.corpus import iter_corpus, record_from_article
from akhbar.ingest import import_corpora
from akhbar.models import Article, FetchResult, Source, Story, Tag
from akhbar.pipeline import Pipeline
from akhbar.store import Store, open_store
from akhbar.web import create_app

WINDOW = (datetime(2018, 4, 29, tzinfo=UTC), datetime(2018, 5, 1, 12, tzinfo=UTC))
PER_ANT_SOURCE = 80
SAUDI_ARTICLES = 80


@dataclass
class WebData:
    """The test store and the ids the tests need."""

    store: Store
    path: Path
    korea_ids: list[int]
    xss_id: int
    story_id: int
    tag_slug: str


def sample_records(shared: Path) -> list[dict]:
    """ANT articles published in WINDOW (some per outlet) and the first SaudiNewsNet articles."""
    records: list[dict] = []
    for path in sorted((shared / "corpora" / "ant-v2.1").glob("*.jsonl.gz")):
        taken = 0
        for line in iter_corpus(path):
            article = line.article
            if article is None or article.published is None or article.published < WINDOW[0]:
                continue
            if article.published >= WINDOW[1] or taken >= PER_ANT_SOURCE:
                break
            records.append(record_from_article(article))
            taken += 1
    for n, line in enumerate(iter_corpus(shared / "corpora" / "saudinewsnet" / "articles.jsonl.gz")):
        if n >= SAUDI_ARTICLES:
            break
        if line.article is not None:
            records.append(record_from_article(line.article))
    return records


def hostile_articles() -> list[Article]:
    """Articles whose title, text, URL and source try to inject markup."""
    when = datetime(2018, 5, 1, 11, 0, tzinfo=UTC)
    return [
        Article(
            url="http://evil.example/1",
            title=XSS_TITLE,
            text=XSS_TEXT,
            source="evil",
            published=when,
            category="<b>cat</b>",
        ),
        Article(
            url="javascript:alert(1)",
            title="رابط أصلي خطر",
            text="نص عادي عن كوريا الشمالية.",
            source="evil",
            published=when,
        ),
    ]


def ensure_story_and_tags(store: Store, korea_ids: list[int]) -> tuple[int, str]:
    """The story and tag of the Korea articles, made here when the relate/enrich stages made none."""
    articles = store.get_articles(korea_ids)
    with_story = [a for a in articles if a.story_id]
    if with_story:
        story_id = max(with_story, key=lambda a: len(store.get_story(a.story_id).sources)).story_id
    else:
        story = Story(
            id=0, title=articles[0].title, first_seen=articles[-1].published, last_seen=articles[0].published
        )
        story.article_ids = [a.id for a in articles]
        story.sources = list(dict.fromkeys(a.source for a in articles))
        story_id = store.save_story(story, central_article_id=articles[0].id)
        for article in articles:
            store.assign_story(article.id, story_id)
    tagged = [t for a in korea_ids[:5] for t in store.article_tags(a)]
    if tagged:
        return story_id, tagged[0].slug
    tags = [
        Tag(slug="كوريا-الشمالية", name="كوريا الشمالية", type="place", score=1.0),
        Tag(slug="روسيا", name="روسيا", type="place", score=0.5),
    ]
    for article_id in korea_ids:
        store.set_article_tags(article_id, tags)
    return story_id, tags[0].slug


@pytest.fixture(scope="session")
def web_data(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebData]:
    """The store every web test reads (tests that write use their own)."""
    folder = tmp_path_factory.mktemp("web")
    corpus = folder / "sample.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for record in sorted(sample_records(shared), key=lambda r: r["published"] or ""):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    path = folder / "web.db"
    store = open_store(f"sqlite:///{path}")
    pipeline = Pipeline.default(store)
    import_corpora([corpus], pipeline)
    pipeline.ingest(hostile_articles())
    store.upsert_source(
        Source(
            id="BBC",
            name="بي بي سي عربي",
            home="https://www.bbc.com/arabic",
            feeds=["https://feeds.bbci.co.uk/arabic/rss.xml"],
        )
    )
    store.upsert_source(
        Source(id="evil", name='<script>alert("src")</script>مصدر', home="javascript:alert(3)")
    )
    store.log_fetch(
        FetchResult(
            url="https://feeds.bbci.co.uk/arabic/rss.xml", status=200, elapsed=0.2, bytes=1000, source="BBC"
        )
    )
    store.log_fetch(
        FetchResult(
            url="https://feeds.bbci.co.uk/arabic/rss.xml",
            status=None,
            elapsed=20.0,
            source="BBC",
            error="ConnectError: no route to host",
        )
    )
    korea = store.search("كوريا الشمالية", limit=30).hits
    korea_ids = [h.id for h in korea if h.source != "evil"]
    assert len(korea_ids) >= 5, "the sample must hold North Korea articles"
    story_id, tag_slug = ensure_story_and_tags(store, korea_ids)
    xss_id = store.article_id_for_url("http://evil.example/1")
    yield WebData(
        store=store, path=path, korea_ids=korea_ids, xss_id=xss_id, story_id=story_id, tag_slug=tag_slug
    )
    store.close()


@pytest.fixture(scope="session")
def settings(web_data: WebData) -> Settings:
    """Settings with an admin token and the site's public URL."""
    return Settings(db=f"sqlite:///{web_data.path}", admin_token=ADMIN_TOKEN, base_url=BASE_URL)


@pytest.fixture(scope="session")
def client(web_data: WebData, settings: Settings) -> Iterator[TestClient]:
    """A test client of the app over the shared test store (server errors become 500 answers)."""
    with TestClient(create_app(web_data.store, settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(web_data: WebData, settings: Settings) -> Iterator[str]:
    """The app served by uvicorn in a thread on a free port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(web_data.store, settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
