"""Page metadata: canonical URL, title, author, dates, image, language and section from an HTML tree.

Precedence follows how reliably outlets fill each field: JSON-LD, Open Graph and other <meta> tags, then
the page itself (<time>, <h1>, the printed byline date read by `akhbar.text.parse_date`). A date is taken
only when it is plausible (see `plausible`); a placeholder such as 0001-01-01 gives way to the next
source of evidence. The UTC offset the outlet wrote with the date is kept beside it.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from akhbar.errors import ExtractError
from akhbar.extract.feeds import load_json
from akhbar.extract.urls import canonical_url, same_site
from akhbar.text import normalize, one_line, parse_date
from akhbar.times import as_utc

ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenewsarticle",
        "blogposting",
        "analysisnewsarticle",
        "backgroundnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "webpage",
        "liveblogposting",
        "socialmediaposting",
        "report",
    }
)
DATE_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "sailthru.date",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
    "article:published",
    "released",
)
TITLE_SEPARATORS = re.compile(r"\s+[-|–—:•·»«/]{1,2}\s+")
DATE_CLASS = re.compile(r"date|time|stamp|byline|published|posted|meta|تاريخ", re.I)
HAS_DIGIT = re.compile(r"[0-9٠-٩]")
#: No news site published on the web before 1995; earlier dates are placeholders (0001-01-01, 1970-01-01).
EARLIEST_PUBLISHED = datetime(1995, 1, 1, tzinfo=UTC)
#: A date may run ahead of our fetch by an outlet's clock or time-zone mistake, but not by more than a day.
FUTURE_SLACK = timedelta(days=1)
#: The widest real UTC offsets are -12:00 and +14:00; anything beyond is a typo, not a zone.
MAX_OFFSET_MINUTES = 14 * 60
ISO_ZONE = re.compile(
    r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?P<zone>[Zz]|[+\-]\d\d:?\d\d)$"
)
RFC_DATE = re.compile(r"\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d")
_MONTH_IN_URL = r"0?[1-9]|1[0-2]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
#: A full date in a URL path: /2019/11/18/, /2019/nov/18/, 2019-11-18, or -20191118/ (not inside a longer number).
URL_DATE = re.compile(
    rf"/(?P<y1>(?:19|20)\d\d)/(?P<m1>{_MONTH_IN_URL})/(?P<d1>0?[1-9]|[12]\d|3[01])(?:/|$)"
    r"|(?<!\d)(?P<y2>(?:19|20)\d\d)-(?P<m2>0[1-9]|1[0-2])-(?P<d2>0[1-9]|[12]\d|3[01])(?!\d)"
    r"|[-_/](?P<y3>(?:19|20)\d\d)(?P<m3>0[1-9]|1[0-2])(?P<d3>0[1-9]|[12]\d|3[01])(?=[/._-]|$)",
    re.I,
)
#: A clock time in a date text ("11:03 PM", "19:14"): only such a text can reveal an offset.
HAS_CLOCK = re.compile(r"\d{1,2}:\d\d")
#: Real UTC offsets are whole quarter hours (+05:45 Nepal, +08:45 Eucla are the finest).
OFFSET_STEP_MINUTES = 15
#: Printed times drop the seconds that metadata keeps: the same instant may differ by up to a minute.
CLOCK_SLACK = timedelta(seconds=60)


@dataclass
class PageMetadata:
    """What a page says about itself besides its text."""

    canonical: str | None = None
    title: str = ""
    site_name: str | None = None
    author: str | None = None
    published: datetime | None = None
    published_offset: int | None = None
    date_source: str | None = None
    image: str | None = None
    language: str | None = None
    category: str | None = None
    description: str | None = None


def clean(value: object) -> str:
    """A metadata value as one line of text (`akhbar.text.hygiene.one_line`: no lone surrogates from JSON-LD
    escapes, no control characters, whitespace collapsed); "" for None."""
    return one_line(str(value)) if value is not None else ""


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
    """Every JSON object in a JSON-LD document (including @graph members), depth first, without recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(reversed([v for v in current.values() if isinstance(v, dict | list)]))
        elif isinstance(current, list):
            stack.extend(reversed(current))


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
    tail, head = normalize(title[last.end() :]).lower(), normalize(title[: first.start()]).lower()
    if any(k == tail or (len(tail) >= 3 and (k in tail or tail in k)) for k in keys):
        return title[: last.start()].strip()
    if any(k == head or (len(head) >= 3 and (k in head or head in k)) for k in keys):
        return title[first.end() :].strip()
    return title


def site_names_of(metas: dict[str, str], article: dict, url: str) -> list[str]:
    """Names the site goes by: og:site_name, the JSON-LD publisher, application-name and the host."""
    names = [
        metas.get("og:site_name", ""),
        _name_of(article.get("publisher")),
        metas.get("application-name", ""),
        metas.get("twitter:site", "").lstrip("@"),
    ]
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names += [host, host.split(".")[0]]
    return [clean(n) for n in names if n and clean(n)]


def headings(root: lxml_html.HtmlElement) -> list[str]:
    """The texts of the page's <h1> elements, in order."""
    return [t for t in (clean(h.text_content()) for h in root.iter("h1")) if t]


def find_title(
    root: lxml_html.HtmlElement, metas: dict[str, str], article: dict, site_names: list[str]
) -> str:
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


def plausible(moment: datetime, fetched: datetime) -> bool:
    """True when a publication date can be real: not before 1995, not more than a day after the fetch."""
    return EARLIEST_PUBLISHED <= as_utc(moment) <= as_utc(fetched) + FUTURE_SLACK


def written_offset(value: str) -> int | None:
    """The UTC offset (minutes east) an ISO 8601 or RFC 2822 date was written with; None when it names no zone."""
    value = value.strip()
    match = ISO_ZONE.search(value)
    if match:
        zone = match["zone"]
        if zone in ("Z", "z"):
            return 0
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        offset = -minutes if zone[0] == "-" else minutes
    elif RFC_DATE.search(value):
        parsed = email.utils.parsedate_tz(value)
        if parsed is None or parsed[9] is None:
            return None
        offset = parsed[9] // 60
    else:
        return None
    return offset if abs(offset) <= MAX_OFFSET_MINUTES else None


def classed_dates(root: lxml_html.HtmlElement) -> Iterator[str]:
    """Short texts with a digit in elements classed as a date, time or byline."""
    for element in root.iter(etree.Element):
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if DATE_CLASS.search(marker):
            text = clean(element.text_content())
            if 6 <= len(text) <= 160 and HAS_DIGIT.search(text):
                yield text


def headline_dates(root: lxml_html.HtmlElement) -> Iterator[str]:
    """Short texts with a digit among the first 40 text pieces after each <h1> (a byline, or a caption)."""
    for h1 in root.iter("h1"):
        seen = 0
        for node in h1.itersiblings(etree.Element):  # elements only: comments and PIs have no text to read
            for text in node.itertext():
                text = clean(text)
                if text and 6 <= len(text) <= 160 and HAS_DIGIT.search(text):
                    yield text
                seen += 1
                if seen > 40:
                    break
            if seen > 40:
                break


def url_date(url: str) -> str | None:
    """The publication day a URL path states (/2019/11/18/, /2019/nov/18/, 2019-11-18, -20191118/), as text."""
    match = URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    form = next(n for n in (1, 2, 3) if match[f"y{n}"])
    year, month, day = match[f"y{form}"], match[f"m{form}"], match[f"d{form}"]
    return f"{int(day)} {month} {year}" if month.isalpha() else f"{year}-{int(month):02d}-{int(day):02d}"


def date_evidence(
    root: lxml_html.HtmlElement, metas: dict[str, str], article: dict, url: str = ""
) -> Iterator[tuple[str, str]]:
    """Date texts with where they come from, most reliable first.

    JSON-LD, meta, <time>, elements classed as a date, the URL's date, then any text after the headline
    (which may as well be a photo caption, so it comes after the URL).
    """
    for key in ("datePublished", "dateCreated"):
        value = article.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                yield clean(item), "json-ld"
    for key in DATE_META:
        if metas.get(key):
            yield clean(metas[key]), "meta"
    times = root.xpath("//time[@datetime]")
    preferred = [t for t in times if t.get("itemprop") == "datePublished" or t.get("pubdate") is not None]
    for element in preferred + times:
        yield clean(element.get("datetime")), "time"
    for text in classed_dates(root):
        yield text, "printed"
    in_url = url_date(url) if url else None
    if in_url:
        yield in_url, "url"
    for text in headline_dates(root):
        yield text, "printed"


def offset_naming(moment: datetime, text: str, fetched: datetime) -> int | None:
    """The UTC offset under which `text` names the same instant as `moment` (minutes east), if it does.

    A text with a zone must name the instant exactly; a text without one (a printed "Nov 18, 2019 11:03 PM")
    is the outlet's wall clock, whose distance from the instant is its offset.
    """
    written = written_offset(text)
    if written is None and not HAS_CLOCK.search(text):
        return None
    named = parse_date(text, now=fetched)
    if named is None:
        return None
    if written is not None:
        return written if abs(named - moment) <= CLOCK_SLACK else None
    distance = named - moment
    steps = round(distance.total_seconds() / 60 / OFFSET_STEP_MINUTES)
    minutes = steps * OFFSET_STEP_MINUTES
    if abs(minutes) > MAX_OFFSET_MINUTES or abs(distance - timedelta(minutes=minutes)) > CLOCK_SLACK:
        return None
    return minutes


def outlet_offset(moment: datetime, texts: Iterable[str], fetched: datetime) -> int | None:
    """The outlet's own non-zero offset for `moment`, from the first other date text naming the same instant."""
    for text in texts:
        offset = offset_naming(moment, text, fetched)
        if offset:
            return offset
    return None


def find_published(
    root: lxml_html.HtmlElement,
    metas: dict[str, str],
    article: dict,
    fetched: datetime | None = None,
    url: str = "",
) -> tuple[datetime | None, int | None, str | None]:
    """The first plausible publication date (UTC), the outlet's UTC offset for it, and where it came from.

    Metadata often writes the instant in UTC while the byline prints the outlet's local time; the offset is
    then read from that local time, so the day the outlet printed can be shown.
    """
    fetched = as_utc(fetched) if fetched else datetime.now(UTC)
    evidence = date_evidence(root, metas, article, url)  # read lazily: most pages stop at JSON-LD or meta
    passed: list[str] = []
    for text, where in evidence:
        found = parse_date(text, now=fetched) if text else None
        if found is not None and plausible(found, fetched):
            offset = written_offset(text)
            if not offset:
                others = chain(passed, (other for other, _ in evidence))
                offset = outlet_offset(found, (other for other in others if other != text), fetched) or offset
            return found, offset, where
        passed.append(text)
    return None, None, None


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
    for value in (
        root.get("lang"),
        root.get("xml:lang"),
        article.get("inLanguage"),
        metas.get("og:locale"),
        metas.get("content-language"),
    ):
        if isinstance(value, str) and clean(value):
            return re.split(r"[-_]", clean(value).lower())[0][:3] or None
    return None


def read_metadata(root: lxml_html.HtmlElement, url: str, fetched: datetime | None = None) -> PageMetadata:
    """Everything but the main text, from a parsed page fetched at `fetched` (default now)."""
    metas = meta_tags(root)
    article = json_ld_article(root)
    names = site_names_of(metas, article, url)
    published, offset, date_source = find_published(root, metas, article, fetched, url)
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
        published_offset=offset,
        date_source=date_source,
        image=urljoin(url, image) if image else None,
        language=find_language(root, metas, article),
        category=clean(metas.get("article:section") or section) or None,
        description=clean(
            metas.get("og:description") or metas.get("description") or article.get("description")
        )
        or None,
    )
