"""Replay fixtures: a small generated multi-source corpus and a server over it."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from akhbar.replay import ReplayServer

SOURCES = (
    "BBC",
    "CNN",
    "france24",
    "skynews",
    "alarabia",
    "alriyadh",
    "almadina",
    "okaz",
    "sabq",
    "aljazirah",
)
PER_SOURCE = 12
START = datetime(2018, 3, 1, 6, 0, tzinfo=UTC)
SENTENCES = (
    "قال المتحدث باسم الحكومة إن الاجتماع بحث سبل تعزيز التعاون الاقتصادي بين البلدين.",
    "وأضاف أن “الوضع الأمني” يشهد تحسنا ملحوظا منذ بداية العام — بحسب التقارير الرسمية.",
    "وأشارت وزارة الصحة إلى ارتفاع عدد الحالات المسجلة في المناطق الشمالية خلال الأسبوع الماضي.",
    "ويأتي هذا القرار بعد سلسلة من المشاورات مع ممثلي القطاع الخاص ومنظمات المجتمع المدني.",
    "وذكرت مصادر مطلعة أن المفاوضات ستستأنف الشهر المقبل في العاصمة الفرنسية باريس.",
    "وتضمن التقرير أرقاما تفصيلية عن معدلات البطالة والتضخم في الربع الأول من ٢٠١٨.",
    "كما شدد على أهمية الالتزام بالاتفاقات الدولية وحماية المدنيين ٱلعزل في مناطق النزاع.",
    "وقالت الكاتبة الإیرانية إن الرواية تستلهم أحداثا حقيقية جرت في القرن الماضي.",
)


def make_record(source: str, n: int) -> dict:
    """One generated article of `source` (n-th of its timeline)."""
    paras = [" ".join(SENTENCES[(n + i + k) % len(SENTENCES)] for k in range(2)) for i in range(3 + n % 5)]
    published = START + timedelta(hours=5 * n, minutes=SOURCES.index(source))
    return {
        "id": f"{source}-{n:03d}",
        "source": source,
        "url": f"http://example.com/{source}/{n}",
        "title": f"خبر {n} من {source}: الحكومة تبحث & تعزيز <التعاون> الاقتصادي",
        "published": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "category": ("sport", "economy", "middleEast")[n % 3],
        "summary": None if n % 2 else "ملخص قصير للخبر",
        "text": "\n".join(paras),
        "author": "مراسلنا" if n % 4 == 0 else None,
    }


def records() -> list[dict]:
    """Every generated record, sorted by publication time."""
    rows = [make_record(s, n) for s in SOURCES for n in range(PER_SOURCE)]
    return sorted(rows, key=lambda r: r["published"])


def write_jsonl_gz(path: Path, lines: list[dict | str]) -> Path:
    """Write records (dicts as JSON, strings as they are) as a gzip corpus file."""
    text = "".join((json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x) + "\n" for x in lines)
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    return path


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gzip corpus of 10 sources x 12 articles."""
    return write_jsonl_gz(tmp_path_factory.mktemp("replay") / "small.jsonl.gz", records())


@pytest.fixture(scope="session")
def by_id() -> dict[str, dict]:
    """The generated records by id."""
    return {r["id"]: r for r in records()}


@pytest.fixture(scope="session")
def replay(corpus_file: Path) -> Iterator[ReplayServer]:
    """A replay server over the small corpus, shared by the tests that do not change its state."""
    with ReplayServer([corpus_file]) as server:
        yield server


@pytest.fixture
def fresh(corpus_file: Path) -> Iterator[ReplayServer]:
    """A replay server of its own, for tests that set faults, clocks or read the log."""
    with ReplayServer([corpus_file]) as server:
        yield server
