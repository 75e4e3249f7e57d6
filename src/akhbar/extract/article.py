"""HTML page to Article: metadata (extract.metadata) and the main text.

The main text comes from the block of the page that holds most of the running prose: paragraphs score
their parent (and half their grandparent) by length, commas and low link density; the best container's
paragraphs are kept, except those in sub-blocks that score far below it (comment notices, promos),
after boilerplate elements (navigation, share bars, related links, ads, captions, cookie banners) are
removed by tag and class. When no container is convincing, trafilatura extracts the text instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.etree
import trafilatura
from lxml import html as lxml_html

from akhbar.errors import ExtractError
from akhbar.extract.feeds import FeedEntry
from akhbar.extract.metadata import EARLIEST_PUBLISHED, FUTURE_SLACK, PageMetadata, plausible, read_metadata
from akhbar.models import Article
from akhbar.text import normalize
from akhbar.times import DAY_FORMAT, as_utc, parse_day

DROP_TAGS = ("script", "style", "noscript", "iframe", "form", "button", "input", "select", "textarea", "svg",
             "canvas", "template", "object", "embed", "nav", "footer", "aside", "figure", "figcaption", "video",
             "audio", "picture", "img", "header", "menu", "dialog", "link", "meta")
NEGATIVE = re.compile(
    r"comment|share|sharing|social|related|sidebar|side-bar|col-side|advert|\bads?\b|\bad[-_]|[-_]ads?\b|promo|"
    r"cookie|consent|breadcrumb|newsletter|subscri|banner|popup|modal|widget|\btools\b|-tools\b|\btags?\b|"
    r"footer|masthead|\bmenu|\bnav|read-?also|see-?also|read-?more|more-?stories|recommend|outbrain|taboola|"
    r"caption|byline|\bmeta\b|-meta\b|author|\bprint|rating|pagination|teaser|most-?read|trending|hidden",
    re.I,
)
POSITIVE = re.compile(r"article|body|content|entry|main|story|text|post|news-?details|detail", re.I)
PARAGRAPH_TAGS = frozenset({"p", "pre", "blockquote", "li", "h2", "h3", "h4", "dd"})
BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "ul", "ol", "table", "blockquote", "pre", "h1",
                        "h2", "h3", "h4", "h5", "h6", "dl", "form", "header", "footer", "aside", "nav", "figure"})
BOILERPLATE_PREFIXES = tuple(normalize(p) for p in (
    "اقرأ أيضا", "اقرأ أيضاً", "إقرأ أيضا", "إقرأ أيضاً", "اقرأ ايضا", "اقرأ المزيد", "شاهد أيضا", "شاهد أيضاً",
    "طالع أيضا", "طالع أيضاً", "تابعونا على", "تابعوا آخر", "للمزيد من الأخبار", "شارك هذا", "شارك الخبر",
    "Read also", "Read more", "See also", "Advertisement", "إعلان",
))
MIN_PARAGRAPH = 25
SUB_BLOCK_RATIO = 0.3
MIN_WORDS = 25
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


@dataclass
class Extraction:
    """A page's main text (paragraphs joined by newlines), its metadata and how the text was found."""

    text: str
    metadata: PageMetadata
    method: str


def parse_html(html: str) -> lxml_html.HtmlElement:
    """Parse a decoded page into an lxml tree (typed error on nothing usable)."""
    if not html or not html.strip():
        raise ExtractError("empty page")
    html = XML_DECLARATION.sub("", html, count=1)
    try:
        root = lxml_html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractError(f"unreadable HTML: {exc}") from exc
    if root is None:
        raise ExtractError("unreadable HTML")
    return root


def _marker(element: lxml_html.HtmlElement) -> str:
    """An element's class and id, for boilerplate matching."""
    return f"{element.get('class', '')} {element.get('id', '')} {element.get('role', '')}"


def strip_boilerplate(root: lxml_html.HtmlElement) -> None:
    """Remove comments, non-content tags and elements classed as boilerplate (unless also classed as content)."""
    for comment in root.xpath("//comment()|//processing-instruction()"):
        parent = comment.getparent()
        if parent is not None:
            comment.drop_tree() if hasattr(comment, "drop_tree") else parent.remove(comment)
    body = root.find("body")
    if body is None:
        body = root
    doomed = []
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in DROP_TAGS:
            doomed.append(element)
            continue
        marker = _marker(element)
        if marker.strip() and NEGATIVE.search(marker) and not POSITIVE.search(marker) or element.get("hidden") is not None or "display:none" in (element.get("style") or "").replace(" ", ""):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    for br in body.iter("br"):
        br.tail = "\n" + (br.tail or "")


def text_of(element: lxml_html.HtmlElement) -> str:
    """An element's text, lines kept (from <br>), spaces collapsed within lines."""
    lines = (" ".join(line.split()) for line in element.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def link_density(element: lxml_html.HtmlElement, length: int) -> float:
    """The share of an element's text that sits inside links."""
    if not length:
        return 0.0
    linked = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    return min(1.0, linked / length)


def own_text_length(element: lxml_html.HtmlElement) -> int:
    """Length of the text directly in an element (not in block children)."""
    total = len((element.text or "").strip())
    for child in element:
        if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS:
            total += len(" ".join(child.text_content().split()))
        total += len((child.tail or "").strip())
    return total


def paragraph_nodes(body: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Elements holding one paragraph: <p>-like tags, and divs whose text is their own (no block children)."""
    nodes = []
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in PARAGRAPH_TAGS:
            if element.tag == "li" or not any(a.tag in PARAGRAPH_TAGS for a in element.iterancestors()):
                nodes.append(element)
        elif (element.tag in ("div", "section", "td", "article", "span") and own_text_length(element) >= 60
              and not any(a.tag in PARAGRAPH_TAGS for a in element.iterancestors())):
            nodes.append(element)
    return nodes


def score_paragraph(text: str, density: float) -> float:
    """How much a paragraph looks like running prose."""
    commas = text.count("،") + text.count(",")
    return (1.0 + commas + min(len(text) / 100.0, 3.0)) * (1.0 - density)


def main_paragraphs(body: lxml_html.HtmlElement, title: str) -> list[str]:
    """The paragraphs of the best-scoring content block, in page order."""
    scores: dict[lxml_html.HtmlElement, float] = {}
    candidates = []
    for node in paragraph_nodes(body):
        text = text_of(node)
        if len(text) < MIN_PARAGRAPH and node.tag not in ("h2", "h3", "h4"):
            candidates.append((node, text, 0.0))
            continue
        density = link_density(node, len(" ".join(text.split())))
        candidates.append((node, text, density))
        if density > 0.5 or len(text) < MIN_PARAGRAPH:
            continue
        points = score_paragraph(text, density)
        parent = node if node.tag in ("div", "section", "td", "article", "span") else node.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + points
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + points / 2
    if not scores:
        return []
    top = max(scores, key=scores.get)  # type: ignore[arg-type]
    floor = scores[top] * SUB_BLOCK_RATIO
    inside = set(top.iter())
    title_key = normalize(title)
    kept: list[str] = []
    for node, text, density in candidates:
        if node not in inside or not text or density > 0.5:
            continue
        parent = node if node.tag in ("div", "section", "td", "article", "span") else node.getparent()
        if parent is not top and node is not top and scores.get(parent, 0.0) < floor:
            continue
        for line in text.split("\n"):
            if is_boilerplate_line(line, title_key):
                continue
            kept.append(line)
    return dedupe(kept)


def is_boilerplate_line(line: str, title_key: str) -> bool:
    """A line that is not article text: the headline again, or a 'read also'/'follow us' teaser."""
    folded = normalize(line)
    if not folded or folded == title_key:
        return True
    return len(folded) < 200 and folded.startswith(BOILERPLATE_PREFIXES)


def dedupe(lines: list[str]) -> list[str]:
    """Lines with exact repeats removed, order kept."""
    seen: set[str] = set()
    out = []
    for line in lines:
        if line not in seen:
            seen.add(line)
            out.append(line)
    return out


def trafilatura_text(html: str, url: str | None = None) -> str:
    """The main text according to trafilatura alone (the fallback, and the baseline of `akhbar eval extract`)."""
    return trafilatura.extract(html, url=url, include_comments=False, include_tables=False,
                               favor_precision=True, deduplicate=False, fast=True) or ""


def extract_page(html: str, url: str, fetched: datetime | None = None) -> Extraction:
    """Main text and metadata of one decoded HTML page fetched at `fetched` (default now); ExtractError otherwise.

    This is the boundary for pages from the web: whatever a page does to lxml, json, trafilatura or our
    own code (ValueError, RecursionError, UnicodeError, lxml errors ...) leaves it as an ExtractError with
    its reason, so a caller that handles our errors loses nothing to an unexpected one.
    """
    try:
        return _extract_page(html, url, fetched)
    except ExtractError:
        raise
    except Exception as exc:  # noqa: BLE001 - the one place where any failure of a page becomes ours
        raise ExtractError(f"{url}: extraction failed: {type(exc).__name__}: {str(exc)[:200]}") from exc


#: Characters an lxml tree cannot hold (C0 controls but tab/newline/return, lone surrogates): lxml refuses
#: them when text is moved, or silently drops the rest of the page after a surrogate. A space loses nothing.
XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
#: Numeric character references (&#1; &#x0B;), which the parser turns into the same characters.
CHAR_REFERENCE = re.compile(r"&#(?:[xX](?P<hex>[0-9a-fA-F]{1,8})|(?P<dec>[0-9]{1,10}));?")


def _safe_reference(match: re.Match[str]) -> str:
    """A character reference kept, or a space when it names a character no lxml tree can hold."""
    code = int(match["hex"], 16) if match["hex"] else int(match["dec"])
    if code > 0x10FFFF or code in (0xFFFE, 0xFFFF) or XML_UNSAFE.match(chr(code)):
        return " "
    return match.group()


def xml_safe(html: str) -> str:
    """A page without characters (written or referenced) that an lxml tree refuses."""
    html = XML_UNSAFE.sub(" ", html)
    return CHAR_REFERENCE.sub(_safe_reference, html) if "&#" in html else html


def _extract_page(html: str, url: str, fetched: datetime | None) -> Extraction:
    """extract_page without the boundary."""
    html = xml_safe(html)
    root = parse_html(html)
    metadata = read_metadata(root, url, fetched)
    body = root.find("body")
    if body is None:
        body = root
    strip_boilerplate(root)
    paragraphs = main_paragraphs(body, metadata.title)
    text, method = "\n".join(paragraphs), "density"
    if len(text.split()) < MIN_WORDS:
        fallback = trafilatura_text(html, url)
        if len(fallback.split()) > len(text.split()):
            title_key = normalize(metadata.title)
            lines = [line for line in fallback.split("\n") if not is_boilerplate_line(line, title_key)]
            text, method = "\n".join(lines), "trafilatura"
    if metadata.published is None:
        metadata.published = htmldate_published(html, url, fetched)
        metadata.date_source = "htmldate" if metadata.published else None
    return Extraction(text=text, metadata=metadata, method=method)


def htmldate_published(html: str, url: str | None = None, fetched: datetime | None = None) -> datetime | None:
    """htmldate's plausible original publication date, extensive search included (a day, as UTC midnight).

    The last resort after the page's own metadata: a failure inside htmldate means no date, not a lost page.
    """
    from htmldate import find_date

    fetched = as_utc(fetched) if fetched else datetime.now(UTC)
    latest = fetched + FUTURE_SLACK
    try:
        found = find_date(html, original_date=True, extensive_search=True, outputformat=DAY_FORMAT, url=url,
                          min_date=EARLIEST_PUBLISHED.replace(tzinfo=None), max_date=latest.replace(tzinfo=None))
    except Exception:  # noqa: BLE001 - htmldate's failures on odd pages are many and untyped; the date is optional
        return None
    if not found:
        return None
    moment = parse_day(found)
    return moment if plausible(moment, fetched) else None


def extract_article(html: str, url: str, source: str, entry: FeedEntry | None = None,
                    fetched: datetime | None = None) -> Article:
    """An Article from a fetched page; the feed entry fills what the page lacks (date, title, summary)."""
    fetched = fetched or datetime.now(UTC)
    found = extract_page(html, url, fetched)
    meta = found.metadata
    title = meta.title or (entry.title if entry else "")
    if not title:
        raise ExtractError(f"{url}: no title")
    if not found.text.strip():
        raise ExtractError(f"{url}: no article text")
    published, offset = meta.published, meta.published_offset
    if published is None and entry is not None and entry.published and plausible(entry.published, fetched):
        published, offset = entry.published, None
    return Article(
        url=meta.canonical or url,
        title=title,
        text=found.text,
        source=source,
        published=published,
        summary=(entry.summary if entry and entry.summary else meta.description),
        author=meta.author or (entry.author if entry else None),
        category=meta.category or (entry.category if entry else None),
        language=meta.language,
        image=meta.image or (entry.image if entry else None),
        partial=False,
        fetched=fetched,
        published_offset=offset,
    )


def partial_article(entry: FeedEntry, source: str, url: str | None = None) -> Article | None:
    """The stand-in for an article whose page cannot be had: the feed's title and summary, marked partial."""
    if not entry.title:
        return None
    now = datetime.now(UTC)
    published = entry.published if entry.published and plausible(entry.published, now) else None
    return Article(url=url or entry.url, title=entry.title, text=entry.summary or entry.title, source=source,
                   published=published, summary=entry.summary or None, author=entry.author,
                   category=entry.category, image=entry.image, partial=True, fetched=now)
