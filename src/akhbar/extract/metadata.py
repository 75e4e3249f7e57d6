"""Page metadata: canonical URL, title, author, dates, image, language and section from an HTML tree.

Precedence follows how reliably outlets fill each field: JSON-LD, Open Graph and other <meta> tags, then
the page itself (<time>, <h1>, the printed byline date read by `akhbar.text.parse_date`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from akhbar.errors import ExtractError
from akhbar.extract.feeds import load_json
from akhbar.extract.urls import canonical_url, same_site
from akhbar.text import normalize, parse_date

ARTICLE_TYPES = frozenset({"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                           "backgroundnewsarticle", "opinionnewsarticle", "reviewnewsarticle", "webpage",
                           "liveblogposting", "socialmediaposting", "report"})
DATE_META = ("article:published_time", "og:published_time", "og:article:published_time", "datepublished",
             "pubdate", "publishdate", "publish-date", "publish_date", "article.published", "dc.date.issued",
             "dcterms.issued", "dcterms.created", "dc.date", "date", "sailthru.date", "parsely-pub-date",
             "cxenseparse:recs:publishtime", "article:published", "released")
TITLE_SEPARATORS = re.compile(r"\s+[-|–—:•·»«/]{1,2}\s+")
DATE_CLASS = re.compile(r"date|time|stamp|byline|published|posted|meta|تاريخ", re.I)
HAS_DIGIT = re.compile(r"[0-9٠-٩]")


@dataclass
class PageMetadata:
    """What a page says about itself besides its text."""

    canonical: str | None = None
    title: str = ""
    site_name: str | None = None
    author: str | None = None
    published: datetime | None = None
    date_source: str | None = None
    image: str | None = None
    language: str | None = None
    category: str | None = None
    description: str | None = None


def clean(value: object) -> str:
    """A metadata string with whitespace collapsed."""
    return " ".join(str(value).split()) if value is not None else ""


def meta_tags(root: lxml_html.HtmlElement) -> dict[str, str]:
    """<meta> name/property/itemprop (lower-cased) to content; the first occurrence wins."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key and key not in found:
                found[key] = content.strip()
    return found


def _walk_json(node: object) -> Iterator[dict]:
    """Every JSON object in a JSON-LD document (including @graph members), depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _walk_json(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_json(item)


def _types(node: dict) -> set[str]:
    """The lower-cased @type values of a JSON-LD object."""
    kind = node.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def json_ld_article(root: lxml_html.HtmlElement) -> dict:
    """The page's JSON-LD article object (a NewsArticle or similar), or {}."""
    best: dict = {}
    for script in root.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            doc = load_json(raw.encode("utf-8", "replace"))  # nesting refused past MAX_JSON_DEPTH
        except ExtractError:
            continue
        for node in _walk_json(doc):
            kinds = _types(node)
            if kinds & ARTICLE_TYPES and (node.get("headline") or node.get("datePublished")):
                if "webpage" not in kinds:
                    return node
                best = best or node
    return best


def _name_of(value: object) -> str:
    """The name in a JSON-LD person/organisation value (string, object or list)."""
    if isinstance(value, list):
        names = [_name_of(v) for v in value]
        return ", ".join(n for n in names if n)
    if isinstance(value, dict):
        return clean(value.get("name", ""))
    return clean(value) if isinstance(value, str) else ""


def _url_of(value: object) -> str:
    """The URL in a JSON-LD image value (string, ImageObject or list)."""
    if isinstance(value, list):
        return _url_of(value[0]) if value else ""
    if isinstance(value, dict):
        return clean(value.get("url") or value.get("@id") or "")
    return clean(value) if isinstance(value, str) else ""


def find_canonical(root: lxml_html.HtmlElement, metas: dict[str, str], url: str) -> str:
    """The page's canonical URL (canonical link, then og:url) if it is on the same site, else `url`."""
    fetched_path = urlsplit(url).path or "/"
    candidates = [link.get("href") for link in root.xpath('//link[@rel="canonical"]')]
    candidates.append(metas.get("og:url"))
    for candidate in candidates:
        if not candidate or not candidate.strip():
            continue
        try:
            absolute = canonical_url(candidate, url)
        except ValueError:
            continue
        if not absolute.startswith(("http://", "https://")) or not same_site(absolute, url):
            continue
        if urlsplit(absolute).path in ("", "/") and fetched_path not in ("", "/"):
            continue  # a canonical pointing at the home page is a template mistake
        return absolute
    return canonical_url(url)


def strip_site_name(title: str, site_names: list[str]) -> str:
    """A title without a leading or trailing site name ("Headline - Site", "Site | Headline")."""
    title = clean(title)
    separators = list(TITLE_SEPARATORS.finditer(title))
    if not separators:
        return title
    keys = {normalize(n).lower() for n in site_names if n and n.strip()}
    if not keys:
        return title
    first, last = separators[0], separators[-1]
    tail, head = normalize(title[last.end():]).lower(), normalize(title[: first.start()]).lower()
    if any(k == tail or (len(tail) >= 3 and (k in tail or tail in k)) for k in keys):
        return title[: last.start()].strip()
    if any(k == head or (len(head) >= 3 and (k in head or head in k)) for k in keys):
        return title[first.end():].strip()
    return title


def site_names_of(metas: dict[str, str], article: dict, url: str) -> list[str]:
    """Names the site goes by: og:site_name, the JSON-LD publisher, application-name and the host."""
    names = [metas.get("og:site_name", ""), _name_of(article.get("publisher")), metas.get("application-name", ""),
             metas.get("twitter:site", "").lstrip("@")]
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names += [host, host.split(".")[0]]
    return [clean(n) for n in names if n and clean(n)]


def headings(root: lxml_html.HtmlElement) -> list[str]:
    """The texts of the page's <h1> elements, in order."""
    return [t for t in (clean(h.text_content()) for h in root.iter("h1")) if t]


def find_title(root: lxml_html.HtmlElement, metas: dict[str, str], article: dict, site_names: list[str]) -> str:
    """The headline: og:title / JSON-LD headline / twitter:title, else the <h1> the <title> names, else <title>."""
    h1s = headings(root)
    page_title = clean(root.findtext(".//title") or "")
    for candidate in (metas.get("og:title"), article.get("headline"), metas.get("twitter:title")):
        text = strip_site_name(clean(candidate), site_names) if candidate else ""
        if text:
            return text
    for h1 in h1s:
        if page_title and normalize(h1) in normalize(page_title):
            return h1
    if page_title:
        stripped = strip_site_name(page_title, site_names)
        if stripped != page_title or not h1s:
            return stripped
    return h1s[0] if h1s else page_title


def _date_of(value: str | None) -> datetime | None:
    """A metadata date value as aware UTC (ISO 8601, RFC 2822 or printed Arabic)."""
    return parse_date(value.strip()) if value and value.strip() else None


def printed_dates(root: lxml_html.HtmlElement) -> Iterator[str]:
    """Short texts that look like a byline date: date/time/byline elements first, then text after the <h1>."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if DATE_CLASS.search(marker):
            text = clean(element.text_content())
            if 6 <= len(text) <= 160 and HAS_DIGIT.search(text):
                yield text
    for h1 in root.iter("h1"):
        seen = 0
        for node in h1.itersiblings():
            for text in node.itertext():
                text = clean(text)
                if text and 6 <= len(text) <= 160 and HAS_DIGIT.search(text):
                    yield text
                seen += 1
                if seen > 40:
                    break
            if seen > 40:
                break


def find_published(root: lxml_html.HtmlElement, metas: dict[str, str], article: dict) -> tuple[datetime | None, str | None]:
    """The publication date and where it came from: JSON-LD, meta, <time>, then the printed byline date."""
    for key in ("datePublished", "dateCreated"):
        found = _date_of(clean(article.get(key))) if article.get(key) else None
        if found:
            return found, "json-ld"
    for key in DATE_META:
        found = _date_of(metas.get(key))
        if found:
            return found, "meta"
    times = root.xpath("//time[@datetime]")
    preferred = [t for t in times if t.get("itemprop") == "datePublished" or t.get("pubdate") is not None]
    for element in preferred + times:
        found = _date_of(element.get("datetime"))
        if found:
            return found, "time"
    for text in printed_dates(root):
        found = parse_date(text)
        if found:
            return found, "printed"
    return None, None


def find_author(root: lxml_html.HtmlElement, metas: dict[str, str], article: dict) -> str | None:
    """The author: JSON-LD, then meta author tags, then a short element classed author."""
    name = _name_of(article.get("author"))
    if name:
        return name
    for key in ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author"):
        value = clean(metas.get(key, ""))
        if value and not value.startswith(("http://", "https://")):
            return value
    for element in root.xpath('//*[contains(@class, "author") or @rel="author" or @itemprop="author"]'):
        text = clean(element.text_content())
        if 2 <= len(text) <= 80:
            return text
    return None


def find_language(root: lxml_html.HtmlElement, metas: dict[str, str], article: dict) -> str | None:
    """The page language from <html lang>, JSON-LD inLanguage or og:locale (two-letter code)."""
    for value in (root.get("lang"), root.get("xml:lang"), article.get("inLanguage"), metas.get("og:locale"),
                  metas.get("content-language")):
        if isinstance(value, str) and value.strip():
            return re.split(r"[-_]", value.strip().lower())[0][:3] or None
    return None


def read_metadata(root: lxml_html.HtmlElement, url: str) -> PageMetadata:
    """Everything but the main text, from a parsed page."""
    metas = meta_tags(root)
    article = json_ld_article(root)
    names = site_names_of(metas, article, url)
    published, date_source = find_published(root, metas, article)
    image = metas.get("og:image") or metas.get("twitter:image") or _url_of(article.get("image"))
    section = article.get("articleSection")
    if isinstance(section, list):
        section = section[0] if section else None
    return PageMetadata(
        canonical=find_canonical(root, metas, url),
        title=find_title(root, metas, article, names),
        site_name=names[0] if names else None,
        author=find_author(root, metas, article),
        published=published,
        date_source=date_source,
        image=urljoin(url, image) if image else None,
        language=find_language(root, metas, article),
        category=clean(metas.get("article:section") or section) or None,
        description=clean(metas.get("og:description") or metas.get("description") or article.get("description"))
        or None,
    )
