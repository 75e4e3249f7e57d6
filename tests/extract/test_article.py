"""HTML to Article: metadata precedence, main text without boilerplate, the CNN fixture."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from akhbar.errors import ExtractError
from akhbar.extract import FeedEntry, extract_article, extract_page, partial_article
from akhbar.extract.metadata import strip_site_name
from akhbar.text import tokens

CNN_URL = "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
PARAGRAPHS = [
    "قال المتحدث باسم الحكومة، في مؤتمر صحفي عقده صباح اليوم، إن المفاوضات مع الأطراف المعنية ستستأنف الأسبوع المقبل.",
    "وأضاف أن الحكومة ملتزمة بالتوصل إلى اتفاق شامل، مشيرا إلى أن اللجان الفنية أنهت عملها في وقت سابق من هذا الشهر.",
    "من جهتها، رحبت المعارضة بالخطوة، لكنها طالبت بضمانات واضحة قبل المشاركة في أي جولة جديدة من المحادثات.",
]


def page(head: str = "", before: str = "", after: str = "", body_class: str = "article-body") -> str:
    """An article page with typical boilerplate around three real paragraphs."""
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
    <title>المفاوضات تستأنف الأسبوع المقبل | صحيفة المثال</title>{head}</head><body>
    <div class="cookie-banner"><p>نستخدم ملفات تعريف الارتباط لتحسين تجربتك على الموقع، بمواصلة التصفح فإنك توافق.</p></div>
    <nav><a href="/">الرئيسية</a><a href="/s">سياسة</a></nav>
    <article><h1>المفاوضات تستأنف الأسبوع المقبل</h1>{before}<div class="{body_class}">{paras}
    <div class="read-also">اقرأ أيضا: <a href="/x">خبر آخر عن المفاوضات في المنطقة</a></div></div>{after}</article>
    <aside class="related"><ul><li><a href="/1">خبر ذو صلة بعنوان طويل نسبيا عن السياسة والاقتصاد</a></li></ul></aside>
    <div class="comments"><p>تعليق: كلام جميل ولكن التطبيق هو الأهم، ننتظر النتائج على أرض الواقع قريبا.</p></div>
    <footer><p>جميع الحقوق محفوظة، صحيفة المثال، ولا يجوز النقل دون إذن مسبق من الإدارة.</p></footer></body></html>"""


def words(text: str) -> Counter[str]:
    """Bag of analyzer tokens."""
    return Counter(t.text for t in tokens(text))


def test_main_text_is_the_paragraphs_and_nothing_else() -> None:
    found = extract_page(page(), "https://example.com/news/1")
    assert found.text.split("\n") == PARAGRAPHS
    assert found.method == "density"


def test_title_from_h1_matching_the_page_title_and_site_name_removed() -> None:
    assert (
        extract_page(page(), "https://example.com/news/1").metadata.title == "المفاوضات تستأنف الأسبوع المقبل"
    )
    assert strip_site_name("خبر عاجل - العربية", ["العربية"]) == "خبر عاجل"
    assert strip_site_name("BBC News عربي | خبر عاجل", ["BBC News عربي"]) == "خبر عاجل"
    assert strip_site_name("خبر - تفاصيل - مهمة", []) == "خبر - تفاصيل - مهمة"


def test_json_ld_wins_over_meta_and_printed_dates() -> None:
    head = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
        '"headline":"عنوان من JSON-LD","datePublished":"2023-10-13T08:00:00Z",'
        '"author":{"@type":"Person","name":"سارة"},"image":{"@type":"ImageObject","url":"/img/1.jpg"}}</script>'
        '<meta property="article:published_time" content="2023-10-10T08:00:00Z">'
    )
    found = extract_page(
        page(head, before='<span class="date">الجمعة 1 يناير 2021</span>'), "https://example.com/n/1"
    )
    meta = found.metadata
    assert meta.title == "عنوان من JSON-LD"
    assert meta.published == datetime(2023, 10, 13, 8, tzinfo=UTC) and meta.date_source == "json-ld"
    assert meta.author == "سارة" and meta.image == "https://example.com/img/1.jpg"


def test_meta_then_time_then_printed_date() -> None:
    meta = '<meta property="article:published_time" content="2023-10-10T08:00:00+03:00">'
    assert extract_page(page(meta), "https://e.com/1").metadata.published == datetime(
        2023, 10, 10, 5, tzinfo=UTC
    )
    time_el = '<time datetime="2023-10-11T09:00:00Z">١١ أكتوبر ٢٠٢٣</time>'
    found = extract_page(page(before=time_el), "https://e.com/1").metadata
    assert found.published == datetime(2023, 10, 11, 9, tzinfo=UTC) and found.date_source == "time"
    printed = '<div class="byline">الجمعة ١٣ تشرين الأول ٢٠٢٣ - 10:00 بتوقيت غرينتش</div>'
    found = extract_page(page(before=printed), "https://e.com/1").metadata
    assert found.published == datetime(2023, 10, 13, 10, tzinfo=UTC) and found.date_source == "printed"


def test_canonical_link_is_the_identity_only_on_the_same_site() -> None:
    own = '<link rel="canonical" href="https://www.example.com/news/1?utm_source=x">'
    assert (
        extract_page(page(own), "https://example.com/news/1?a=1").metadata.canonical
        == "https://www.example.com/news/1"
    )
    foreign = '<link rel="canonical" href="https://other.org/stolen">'
    assert (
        extract_page(page(foreign), "https://example.com/news/1").metadata.canonical
        == "https://example.com/news/1"
    )
    home = '<link rel="canonical" href="https://example.com/">'
    assert (
        extract_page(page(home), "https://example.com/news/1").metadata.canonical
        == "https://example.com/news/1"
    )


def test_extract_article_fills_gaps_from_the_feed_entry() -> None:
    entry = FeedEntry(
        url="https://example.com/news/1",
        title="عنوان الخلاصة",
        summary="ملخص",
        published=datetime(2023, 1, 2, tzinfo=UTC),
        category="سياسة",
    )
    article = extract_article(page(), "https://example.com/news/1", "example", entry)
    assert article.source == "example" and not article.partial
    assert article.published == datetime(2023, 1, 2, tzinfo=UTC) and article.summary == "ملخص"
    assert article.language == "ar"


def test_partial_article_from_the_feed() -> None:
    entry = FeedEntry(url="https://e.com/1", title="عنوان", summary="ملخص الخبر")
    article = partial_article(entry, "e")
    assert article.partial and article.text == "ملخص الخبر"
    assert partial_article(FeedEntry(url="https://e.com/2"), "e") is None


def test_bad_pages_raise_extract_errors() -> None:
    with pytest.raises(ExtractError):
        extract_page("", "https://e.com/1")
    with pytest.raises(ExtractError):
        extract_article("<html><body><nav>x</nav></body></html>", "https://e.com/1", "e")


def test_scripts_and_styles_never_reach_the_text() -> None:
    evil = '<script>document.write("حقن نص خبيث في الصفحة عبر سكربت طويل")</script><style>p{}</style>'
    text = extract_page(page(before=evil), "https://e.com/1").text
    assert "document" not in text and "خبيث" not in text


def test_cnn_fixture_precision_recall_and_date(shared: Path) -> None:
    html = (shared / "fixtures/html/cnn-arabic-2013.html").read_text(encoding="utf-8")
    expected = (shared / "fixtures/html/cnn-arabic-2013.expected.txt").read_text(encoding="utf-8")
    found = extract_page(html, CNN_URL)
    got, want = words(found.text), words(expected)
    common = sum((got & want).values())
    assert common / sum(got.values()) >= 0.95
    assert common / sum(want.values()) >= 0.98
    assert (
        found.metadata.published is not None and found.metadata.published.date().isoformat() == "2013-08-28"
    )
    assert found.metadata.title == "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
    assert found.metadata.canonical == CNN_URL
