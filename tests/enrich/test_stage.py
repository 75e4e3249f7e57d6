"""The enrich stage in the pipeline, language detection, categories, the eval and the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from akhbar.cli import app
from akhbar.enrich.candidates import document_of
from akhbar.enrich.category import categorize, section_category, url_category
from akhbar.enrich.language import detect_language
from akhbar.enrich.stage import EnrichStage, retag
from akhbar.enrich.stats import CorpusStats
from akhbar.eval.tags import GoldError, precision_recall, read_gold
from akhbar.models import Article
from akhbar.pipeline import Pipeline
from akhbar.store import Store

BODY = (
    "قال البيت الأبيض إن كوريا الشمالية سلمت حاويات من الذخائر إلى روسيا من أجل حربها في أوكرانيا.\n"
    "وأضاف المتحدث باسم مجلس الأمن القومي، جون كيربي، إن الولايات المتحدة تراقب نقل الذخائر إلى روسيا."
)


def article(n: int, **fields: object) -> Article:
    """A small article."""
    base = Article(
        url=f"http://example.com/{n}", title="كوريا الشمالية تسلم روسيا ذخائر", text=BODY, source="test"
    )
    return replace(base, **fields)


def test_stage_sets_and_saves_tags_language_and_category(store: Store) -> None:
    pipeline = Pipeline(store, [EnrichStage(store)])
    items = [
        article(1, category="internationalNews"),
        article(2, url="http://example.com/sport/2", text=BODY + "\nمباراة"),
    ]
    pipeline.ingest(items)
    first = items[0]
    assert 5 <= len(first.tags) <= 10
    assert "كوريا الشمالية" in [t.name for t in first.tags]
    assert first.language == "ar" and first.category == "سياسة"
    assert items[1].category == "رياضة"
    stored = store.get_article(first.id)
    assert [t.slug for t in stored.tags] == [t.slug for t in first.tags]
    assert stored.language == "ar" and stored.category == "سياسة"
    assert CorpusStats.load(store).n_docs == 2


def test_retag_recounts_and_retags(store: Store) -> None:
    Pipeline(store, [EnrichStage(store)]).ingest([article(n) for n in range(3)])
    assert retag(store) == 3
    assert CorpusStats.load(store).n_docs == 3
    assert store.article_tags(1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قال البيت الأبيض إن كوريا الشمالية سلمت أكثر من ألف حاوية إلى روسيا", "ar"),
        ("کوریا الشمالیة سلمت الذخائر إلى روسیا في الفترة التي تلي الزيارة", "ar"),
        ("رئیس جمهور ایران گفت که این توافق برای کشور ما بسیار مهم است", "fa"),
        ("پاکستان کے وزیر اعظم نے کہا ہے کہ حکومت عوام کی خدمت کر رہی ہے", "ur"),
        ("The White House said on Friday that North Korea has delivered containers", "en"),
        ("La Maison Blanche a déclaré vendredi que la Corée du Nord a livré des conteneurs", "fr"),
        ("12345 !!!", None),
        ("", None),
    ],
)
def test_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_category_from_section_url_and_classifier() -> None:
    assert section_category("sport") == "رياضة"
    assert section_category("middleEast") == "سياسة"
    assert section_category("اقتصاد") == "اقتصاد"
    assert section_category("شيء آخر") is None
    assert url_category("https://www.bbc.com/arabic/business-12345") == "اقتصاد"
    assert url_category("https://example.com/2018/05/01/x") is None
    words = document_of(
        "الأهلي يفوز على الزمالك", "سجل المهاجم هدفين في المباراة وفاز الفريق بالدوري بعد ركلة جزاء"
    ).words
    assert categorize(None, None, words) == "رياضة"
    assert categorize(None, None, document_of("", "").words) is None


def test_eval_measures_on_key_form(tmp_path: Path) -> None:
    assert precision_recall(["الولايات المتحدة", "روسيا"], ["الولايات المتحده", "روسيا", "الصين"]) == (
        0.4,
        2 / 3,
    )
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "a", "split": "test", "text": "نص", "keyphrases_by_frequency": ["نص"]})
        + "\n"
        + json.dumps({"id": "b", "split": "train", "text": "x", "keyphrases_by_frequency": []})
        + "\n",
        encoding="utf-8",
    )
    assert [d.id for d in read_gold(gold, "test")] == ["a"]
    gold.write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(GoldError, match="gold.jsonl:1"):
        read_gold(gold)


def test_cli_tags_of_a_file(tmp_path: Path) -> None:
    plain = tmp_path / "a.txt"
    plain.write_text("كوريا الشمالية تسلم روسيا ذخائر\n" + BODY, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = CliRunner().invoke(app, ["tags", str(plain), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    assert "روسيا" in [t["name"] for t in json.loads(result.output)]
    corpus = tmp_path / "a.json"
    corpus.write_text(json.dumps({"title": "روسيا", "text": BODY}, ensure_ascii=False), encoding="utf-8")
    assert CliRunner().invoke(app, ["tags", str(corpus), "--db", db]).exit_code == 0
    broken = tmp_path / "b.json"
    broken.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["tags", str(broken), "--db", db])
    assert result.exit_code == 2
