"""Feeds of the replayed sites: RSS 2.0, Atom, Google News sitemaps and robots.txt."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from akhbar.replay.catalog import ReplayArticle, SiteTimeline
from akhbar.replay.pages import paragraphs
from akhbar.replay.sites import SiteProfile
from akhbar.times import day_of
from akhbar.times import stamp as iso  # the name replay.app uses (feeds.iso)

FEED_ITEMS = 50
SITEMAP_INDEX_THRESHOLD = 1000  # sources with more articles get an index of daily sitemaps
TRACKING = "utm_source=rss&utm_medium=feed&utm_campaign=akhbar-replay"


def feed_link(profile: SiteProfile, base_url: str, art: ReplayArticle) -> str:
    """The article link a feed carries (with tracking parameters on sources that add them)."""
    url = base_url + art.path
    return f"{url}?{TRACKING}&utm_content={art.number}" if profile.tracking else url


def _description(art: ReplayArticle, limit: int = 300) -> str:
    """The feed description: the corpus summary, or the first paragraph cut short."""
    if art.summary and art.summary.strip():
        return " ".join(art.summary.split())
    first = (paragraphs(art.text) or [""])[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


def _xml_declaration(profile: SiteProfile) -> str:
    """The XML declaration in the site's charset."""
    return f'<?xml version="1.0" encoding="{profile.charset_name}"?>\n'


def render_rss(
    profile: SiteProfile, site: SiteTimeline, base_url: str, now: float | None, built: datetime | None
) -> str:
    """The RSS 2.0 feed of the source's latest items."""
    items = []
    for art in site.latest(now, FEED_ITEMS):
        parts = [
            f"<title>{escape(art.title)}</title>",
            f"<link>{escape(feed_link(profile, base_url, art))}</link>",
            f'<guid isPermaLink="true">{escape(base_url + art.path)}</guid>',
            f"<description>{escape(_description(art))}</description>",
        ]
        if art.published:
            parts.append(f"<pubDate>{format_datetime(art.published, usegmt=True)}</pubDate>")
        if art.category:
            parts.append(f"<category>{escape(art.category_name)}</category>")
        if art.author:
            parts.append(f"<dc:creator>{escape(art.author)}</dc:creator>")
        items.append("<item>" + "".join(parts) + "</item>")
    home = f"{base_url}/{profile.slug}/"
    last = f"<lastBuildDate>{format_datetime(built, usegmt=True)}</lastBuildDate>" if built else ""
    return (
        _xml_declaration(profile) + '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{escape(profile.title)}</title><link>{escape(home)}</link>"
        f"<description>{escape('آخر الأخبار من ' + profile.title)}</description><language>ar</language>"
        f'<atom:link href="{escape(base_url + feed_path(profile))}" rel="self" type="application/rss+xml"/>'
        f"{last}<ttl>15</ttl>" + "\n".join(items) + "</channel></rss>\n"
    )


def render_atom(
    profile: SiteProfile, site: SiteTimeline, base_url: str, now: float | None, built: datetime | None
) -> str:
    """The Atom 1.0 feed of the source's latest items."""
    entries = []
    for art in site.latest(now, FEED_ITEMS):
        url = base_url + art.path
        stamp = iso(art.published) if art.published else iso(built or datetime(2000, 1, 1, tzinfo=UTC))
        published = f"<published>{stamp}</published>" if art.published else ""
        entries.append(
            f"<entry><id>{escape(url)}</id><title>{escape(art.title)}</title>"
            f'<link rel="alternate" type="text/html" href={quoteattr(feed_link(profile, base_url, art))}/>'
            f"{published}<updated>{stamp}</updated>"
            f'<summary type="text">{escape(_description(art))}</summary>'
            f"<author><name>{escape(art.author or profile.title)}</name></author></entry>"
        )
    updated = iso(built) if built else "2000-01-01T00:00:00Z"
    home = f"{base_url}/{profile.slug}/"
    return (
        _xml_declaration(profile) + '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">'
        f"<id>{escape(home)}</id><title>{escape(profile.title)}</title><updated>{updated}</updated>"
        f'<link rel="alternate" href={quoteattr(home)}/>'
        f'<link rel="self" href={quoteattr(base_url + atom_path(profile))}/>'
        + "\n".join(entries)
        + "</feed>\n"
    )


def _news_url(profile: SiteProfile, base_url: str, art: ReplayArticle) -> str:
    """One <url> of a Google News sitemap."""
    date = f"<news:publication_date>{iso(art.published)}</news:publication_date>" if art.published else ""
    return (
        f"<url><loc>{escape(base_url + art.path)}</loc><news:news><news:publication>"
        f"<news:name>{escape(profile.title)}</news:name><news:language>ar</news:language></news:publication>"
        f"{date}<news:title>{escape(art.title)}</news:title></news:news></url>"
    )


def render_news_sitemap(profile: SiteProfile, articles: list[ReplayArticle], base_url: str) -> str:
    """A Google News sitemap of the given articles (always UTF-8, as sitemaps must be)."""
    urls = "\n".join(_news_url(profile, base_url, a) for a in articles)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + urls + "\n</urlset>\n"
    )


def sitemap_days(site: SiteTimeline, now: float | None) -> dict[str, list[ReplayArticle]]:
    """Published articles grouped by UTC day (YYYY-MM-DD; undated ones under the timeline's first day)."""
    days: dict[str, list[ReplayArticle]] = {}
    for art in site.articles[: site.visible_count(now)]:
        day = day_of(datetime.fromtimestamp(art.visible_at, UTC))
        days.setdefault(day, []).append(art)
    return days


def render_sitemap_index(profile: SiteProfile, days: dict[str, list[ReplayArticle]], base_url: str) -> str:
    """A sitemap index pointing to one news sitemap per day."""
    rows = []
    for day, arts in sorted(days.items(), reverse=True):
        lastmod = iso(datetime.fromtimestamp(arts[-1].visible_at, UTC))
        rows.append(
            f"<sitemap><loc>{escape(base_url + daily_sitemap_path(profile, day))}</loc>"
            f"<lastmod>{lastmod}</lastmod></sitemap>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + "\n</sitemapindex>\n"
    )


def render_robots(profiles: list[SiteProfile], base_url: str) -> str:
    """The server's robots.txt: per-source Disallow rules and every sitemap."""
    lines = ["User-agent: *", "Disallow: /_replay/"]
    for profile in profiles:
        lines += [f"Disallow: /{profile.slug}/{prefix}" for prefix in profile.disallow]
    lines.append("")
    lines += [f"Sitemap: {base_url}{sitemap_path(p)}" for p in profiles]
    return "\n".join(lines) + "\n"


def feed_path(profile: SiteProfile) -> str:
    """The path of the source's RSS feed."""
    return f"/{profile.slug}/{profile.feed_path}"


def atom_path(profile: SiteProfile) -> str:
    """The path of the source's Atom feed."""
    return f"/{profile.slug}/atom.xml"


def sitemap_path(profile: SiteProfile) -> str:
    """The path of the source's news sitemap (or sitemap index)."""
    return f"/{profile.slug}/sitemap-news.xml"


def daily_sitemap_path(profile: SiteProfile, day: str) -> str:
    """The path of one day's news sitemap."""
    return f"/{profile.slug}/sitemaps/news-{day}.xml"
