"""Site profiles: how each replayed outlet looks (name, template, metadata, charset, URLs, robots)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Metadata kinds a page may carry.
JSONLD = "jsonld"  # <script type="application/ld+json"> NewsArticle with datePublished
OPENGRAPH = "og"  # og:title, og:url, article:published_time
TIME = "time"  # <time datetime="..."> around the printed date

# Charset cases.
UTF8 = "utf-8"  # header and meta both say utf-8
CP1256_HEADER = "cp1256-header"  # windows-1256 body, correct charset in the header (and a meta tag)
CP1256_META = "cp1256-meta"  # windows-1256 body, charset only in a <meta http-equiv> tag
WRONG_HEADER = "wrong-header"  # utf-8 body, header claims iso-8859-1, <meta charset="utf-8"> corrects it

LAYOUTS = ("orbit", "cnn", "f24", "sky", "arabiya", "gulf", "portal")
URL_STYLES = ("bbc", "dated", "f24", "slug", "html", "news", "node")


@dataclass(frozen=True)
class SiteProfile:
    """Everything that makes one replayed outlet look like itself."""

    source: str
    title: str
    slug: str
    layout: str = "gulf"
    url_style: str = "news"
    metadata: frozenset[str] = frozenset({OPENGRAPH, TIME})
    date_style: str = "egyptian"
    canonical: bool = True
    charset: str = UTF8
    atom: bool = False
    tracking: bool = False
    disallow: tuple[str, ...] = ()
    feed_path: str = "rss.xml"
    nav: tuple[str, ...] = ("الرئيسية", "محليات", "اقتصاد", "رياضة", "دولي", "ثقافة", "رأي")
    accent: str = "#0a5c8a"

    @property
    def encoding(self) -> str:
        """The Python codec the page body is encoded with."""
        return "cp1256" if self.charset in (CP1256_HEADER, CP1256_META) else "utf-8"

    @property
    def charset_name(self) -> str:
        """The charset label written in headers and meta tags."""
        return "windows-1256" if self.encoding == "cp1256" else "utf-8"


def slugify(source: str) -> str:
    """The URL path segment of a source: lower case, ASCII letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")
    return slug or "source"


_PROFILES: dict[str, dict] = {
    "BBC": dict(
        title="بي بي سي عربي",
        layout="orbit",
        url_style="bbc",
        metadata=frozenset({JSONLD}),
        date_style="egyptian",
        atom=True,
        disallow=("print/",),
        feed_path="arabic/index.xml",
        nav=("الرئيسية", "أخبار", "اقتصاد", "علوم وتكنولوجيا", "رياضة", "صحة", "فنون"),
        accent="#b80000",
    ),
    "CNN": dict(
        title="سي إن إن بالعربية",
        layout="cnn",
        url_style="dated",
        metadata=frozenset({OPENGRAPH, TIME}),
        date_style="egyptian",
        charset=WRONG_HEADER,
        feed_path="rss/latest.xml",
        nav=("الرئيسية", "الشرق الأوسط", "العالم", "اقتصاد", "رياضة", "علوم وتكنولوجيا", "سياحة"),
        accent="#cc0000",
    ),
    "france24": dict(
        title="فرانس 24",
        layout="f24",
        url_style="f24",
        metadata=frozenset({JSONLD, OPENGRAPH}),
        date_style="dual",
        atom=True,
        feed_path="ar/rss",
        nav=("الرئيسية", "فرنسا", "أفريقيا", "الشرق الأوسط", "أوروبا", "اقتصاد", "رياضة"),
        accent="#00a1d9",
    ),
    "skynews": dict(
        title="سكاي نيوز عربية",
        layout="sky",
        url_style="slug",
        metadata=frozenset({OPENGRAPH, TIME}),
        date_style="egyptian",
        tracking=True,
        feed_path="rss.xml",
        nav=("الرئيسية", "الشرق الأوسط", "العالم", "أعمال", "رياضة", "تكنولوجيا", "منوعات"),
        accent="#0f4c81",
    ),
    "alarabia": dict(
        title="العربية",
        layout="arabiya",
        url_style="html",
        metadata=frozenset({JSONLD}),
        date_style="levantine",
        atom=True,
        feed_path="tools/rss",
        nav=("الرئيسية", "السعودية", "العرب والعالم", "أسواق", "رياضة", "علوم وتقنية", "منوعات"),
        accent="#134a8e",
    ),
    "alriyadh": dict(
        title="الرياض",
        layout="gulf",
        url_style="node",
        metadata=frozenset(),
        date_style="indic",
        charset=CP1256_HEADER,
        disallow=("print/",),
        accent="#1d6b3a",
    ),
    "almadina": dict(
        title="المدينة",
        layout="portal",
        url_style="news",
        metadata=frozenset({OPENGRAPH}),
        date_style="egyptian",
        charset=CP1256_META,
        accent="#5b2c6f",
    ),
    "aljazirah": dict(
        title="الجزيرة",
        layout="gulf",
        url_style="dated",
        metadata=frozenset({TIME}),
        date_style="levantine",
        atom=True,
        accent="#00695c",
    ),
    "okaz": dict(
        title="عكاظ",
        layout="portal",
        url_style="news",
        metadata=frozenset(),
        date_style="egyptian",
        atom=True,
        disallow=("private/",),
        accent="#c0392b",
    ),
    "aleqtisadiya": dict(
        title="الاقتصادية",
        layout="portal",
        url_style="html",
        metadata=frozenset({JSONLD, OPENGRAPH}),
        date_style="egyptian",
        accent="#1b4f72",
    ),
    "alwatan": dict(
        title="الوطن",
        layout="gulf",
        url_style="node",
        metadata=frozenset({OPENGRAPH, TIME}),
        date_style="egyptian",
        accent="#7d3c98",
    ),
    "alweeam": dict(
        title="الوئام",
        layout="portal",
        url_style="slug",
        metadata=frozenset({OPENGRAPH}),
        date_style="egyptian",
        canonical=False,
        accent="#117864",
    ),
    "alyaum": dict(
        title="اليوم",
        layout="gulf",
        url_style="news",
        metadata=frozenset({JSONLD}),
        date_style="dual",
        accent="#a04000",
    ),
    "aawsat": dict(
        title="الشرق الأوسط",
        layout="f24",
        url_style="node",
        metadata=frozenset({OPENGRAPH, TIME}),
        date_style="egyptian",
        accent="#145a32",
    ),
    "3alyoum": dict(
        title="عاليوم",
        layout="portal",
        url_style="node",
        metadata=frozenset({OPENGRAPH}),
        date_style="egyptian",
        accent="#2e4053",
    ),
    "sabq": dict(
        title="سبق",
        layout="sky",
        url_style="news",
        metadata=frozenset({OPENGRAPH, TIME}),
        date_style="egyptian",
        canonical=False,
        disallow=("amp/",),
        accent="#d35400",
    ),
    "was": dict(
        title="واس",
        layout="gulf",
        url_style="news",
        metadata=frozenset({TIME}),
        date_style="egyptian",
        accent="#196f3d",
    ),
    "spa": dict(title="واس", layout="gulf", url_style="news", metadata=frozenset({TIME}), accent="#196f3d"),
    "arreyadi": dict(
        title="الرياضي",
        layout="cnn",
        url_style="news",
        metadata=frozenset({OPENGRAPH}),
        date_style="egyptian",
        accent="#1f618d",
    ),
    "arriyadiyah": dict(
        title="الرياضية",
        layout="arabiya",
        url_style="node",
        metadata=frozenset({JSONLD}),
        date_style="egyptian",
        accent="#1a5276",
    ),
    "albilad": dict(
        title="البلاد", layout="portal", url_style="news", metadata=frozenset({OPENGRAPH}), accent="#7b241c"
    ),
    "ajel": dict(title="عاجل", layout="sky", url_style="node", metadata=frozenset({TIME}), accent="#922b21"),
    "saudiyoum": dict(
        title="صحيفة سعودي اليوم",
        layout="portal",
        url_style="node",
        metadata=frozenset({OPENGRAPH}),
        accent="#2e4053",
    ),
}


def profile_for(source: str) -> SiteProfile:
    """The profile of a corpus source; unknown sources get a plain generic site under their own name."""
    settings = _PROFILES.get(source) or _PROFILES.get(source.lower()) or {}
    settings = {"title": source, **settings}
    return SiteProfile(source=source, slug=slugify(source), **settings)


def known_sources() -> list[str]:
    """The corpus source names that have a hand-made profile."""
    return list(_PROFILES)
