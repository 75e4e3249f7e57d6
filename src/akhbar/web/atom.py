"""Atom 1.0 feeds of article lists (home, tag, source, story, search)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree as ET

from akhbar.text.hygiene import XML_UNSAFE
from akhbar.times import now_iso

ATOM_NS = "http://www.w3.org/2005/Atom"
SUMMARY_CHARS = 400


@dataclass
class FeedEntry:
    """One entry: an article of the site."""

    id: int
    title: str
    source_name: str
    published: str | None
    original_url: str
    summary: str = ""


def xml_text(value: str | None) -> str:
    """Text with characters XML 1.0 forbids removed."""
    return XML_UNSAFE.sub("", value or "")


def http_href(url: str | None) -> str | None:
    """An http(s) URL fit for an href (XML-illegal characters removed), else None (javascript:, data:, ...)."""
    cleaned = xml_text(url).strip()
    if cleaned.lower().startswith(("http://", "https://")):
        return cleaned
    return None


def atom_time(value: str | None, fallback: str) -> str:
    """An RFC 3339 timestamp (the fallback when the value is missing)."""
    return value or fallback


def atom_feed(
    title: str,
    site_url: str,
    self_url: str,
    entries: list[FeedEntry],
    base_url: str,
    updated: str | None = None,
) -> bytes:
    """An Atom 1.0 document; `base_url` (no trailing slash) makes the entries' links absolute.

    Every text and attribute loses the characters XML 1.0 forbids; links to originals are kept only when http(s).
    """
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            node.text = xml_text(text)
        return node

    now = now_iso()
    newest = max((e.published for e in entries if e.published), default=None)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "ar"})
    sub(feed, "title", title)
    sub(feed, "id", self_url)
    sub(feed, "updated", updated or newest or now)
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=site_url)
    author = sub(feed, "author")
    sub(author, "name", "أخبار")
    sub(feed, "generator", "Akhbar")
    for entry in entries:
        node = sub(feed, "entry")
        page = f"{base_url}/articles/{entry.id}"
        sub(node, "id", page)
        sub(node, "title", entry.title)
        sub(node, "updated", atom_time(entry.published, now))
        if entry.published:
            sub(node, "published", entry.published)
        sub(node, "link", rel="alternate", type="text/html", href=page)
        original = http_href(entry.original_url)
        if original:
            sub(node, "link", rel="via", href=original)
        who = sub(node, "author")
        sub(who, "name", entry.source_name)
        if entry.summary:
            summary = (
                entry.summary if len(entry.summary) <= SUMMARY_CHARS else entry.summary[:SUMMARY_CHARS] + "…"
            )
            sub(node, "summary", summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
