"""OPML import and export of sources (one outline per feed or sitemap, grouped back into sources on import)."""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from akhbar.errors import ExtractError
from akhbar.models import Source
from akhbar.sources.registry import origin_home, source_id_for


def export_opml(sources: list[Source], title: str = "Akhbar sources") -> str:
    """An OPML 2.0 document listing every feed and sitemap of the sources."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"<head><title>{escape(title)}</title></head>",
        "<body>",
    ]
    for source in sources:
        common = (
            f" text={quoteattr(source.name)} title={quoteattr(source.name)} akhbarId={quoteattr(source.id)}"
            f" language={quoteattr(source.language)}"
        )
        if source.country:
            common += f" country={quoteattr(source.country)}"
        if source.home:
            common += f" htmlUrl={quoteattr(source.home)}"
        for feed in source.feeds:
            lines.append(f'  <outline type="rss"{common} xmlUrl={quoteattr(feed)}/>')
        for sitemap in source.sitemaps:
            lines.append(f'  <outline type="sitemap"{common} xmlUrl={quoteattr(sitemap)}/>')
        if not source.feeds and not source.sitemaps:
            lines.append(f'  <outline type="link"{common}/>')
    lines += ["</body>", "</opml>", ""]
    return "\n".join(lines)


def parse_opml(data: bytes | str) -> list[Source]:
    """Sources from an OPML document: outlines with an xmlUrl, grouped by akhbarId, else by site host."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise ExtractError(f"not a readable OPML file: {exc}") from exc
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise ExtractError("not an OPML file: the root element is not <opml>")
    found: dict[str, Source] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        home = (outline.get("htmlUrl") or outline.get("htmlurl") or "").strip() or None
        if not url and not (outline.get("akhbarId") and home):
            continue
        if url and urlsplit(url).scheme.lower() not in ("http", "https"):
            continue
        sid = outline.get("akhbarId") or source_id_for(
            home or origin_home(url)
        )  # a feed's path names no site
        name = outline.get("title") or outline.get("text") or sid
        source = found.setdefault(
            sid,
            Source(
                id=sid,
                name=name,
                home=home,
                language=outline.get("language") or "ar",
                country=outline.get("country"),
            ),
        )
        if url:
            target = source.sitemaps if outline.get("type") == "sitemap" else source.feeds
            if url not in target:
                target.append(url)
    return list(found.values())
