"""Fault injection for replay: a small spec, and deterministic decisions of which request gets which fault.

Spec: comma-separated items, each `NAME` (always), `NAME=P` (probability 0..1), `NAME=/PREFIX` (every
request whose path starts with PREFIX), or `PARAM=VALUE`. Example:
`latency=0.2,status503=0.1,retry_after=2,truncate=0.05,malformed_feed,big_body=/bbc/,seed=7`.

Faults (at most one of them hits a request, in the order below, after `latency`):

- `hang`            no answer: the connection stays open `hang_seconds`, then closes (client timeouts)
- `status500`       500 Internal Server Error
- `status503`       503 Service Unavailable with `Retry-After: retry_after`
- `status429`       429 Too Many Requests with `Retry-After: retry_after`
- `notfound`        404 on article pages (permanent for the URL)
- `redirect_loop`   302 to `?_loop=1`, which redirects back (permanent for the URL)
- `big_body`        a 200 whose body is `big_body_size` bytes (50 MB by default, padded page)
- `gzip_bomb`       `Content-Encoding: gzip`, ~1 MB on the wire that inflates to `bomb_size` (1 GiB) zeros
- `malformed_feed`  feeds and sitemaps cut short mid-element with a stray `&` (not well-formed XML)
- `wrong_type`      pages served as application/octet-stream, feeds as text/html
- `truncate`        Content-Length of the full body, half of it sent, then the connection is closed
- `drip`            full headers, then the body at `drip_rate` bytes per second (1 by default)

Hostile documents (a broken or malicious site; all permanent for their path):

- `self_index`        sitemaps: a sitemap index listing itself, a looping twin of itself, and the real sitemap
- `huge_sitemap`      sitemaps: a urlset of `huge_sitemap_size` URLs (the real articles first, then pages
                      that do not exist)
- `huge_sitemap_cut`  the same, cut short halfway through an element (the truncated 5 MB download)
- `json_surrogate`    feeds: a JSON Feed of the site's latest articles whose first item holds lone
                      surrogates (`\\ud800`)
- `json_deep`         feeds: a JSON Feed with a value nested `deep_levels` arrays deep
- `jsonld_surrogate`  articles: a JSON-LD headline holding a lone surrogate added to the page
- `jsonld_deep`       articles: a JSON-LD block nested `deep_levels` arrays deep added to the page
- `crawl_delay`       robots.txt: `Crawl-delay: robots_delay` (100000 s) for every agent
- `length_lie`        articles: a Content-Length of half the page, the whole page sent, then the connection closed
- `redirect_chain`    articles: `redirect_hops` (30) redirects through `?_hop=N` before the page
- `empty_page`        articles: a 200 with a 0-byte body
- `deep_html`         articles: the page with its body nested `deep_levels` `<div>`s deep

Parameters: `latency` (seconds added to every answer), `seed` (0), `retry_after` (2), `hang_seconds`
(300), `drip_rate` (1.0), `big_body_size` (52428800), `bomb_size` (1073741824), `huge_sitemap_size`
(100000), `deep_levels` (100000), `robots_delay` (100000), `redirect_hops` (30).

Faults never touch `/_replay/` and, unless targeted by a prefix or `crawl_delay`, never touch
`/robots.txt`; a request with `_nofault=1` in its query gets none (the real sitemap a self-listing
index points to). Transient
faults (hang, 5xx, 429, truncate, drip, malformed_feed, wrong_type) are decided per (path, attempt number),
so a retry can succeed; permanent ones (notfound, redirect_loop, big_body, gzip_bomb) per path. The same
seed and the same request sequence give the same faults. Tests force a fault on one request with the
query parameter `?_fault=NAME` or the header `X-Replay-Fault: NAME` (removed before routing).
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from akhbar.errors import FaultSpecError

HOSTILE = (
    "self_index",
    "huge_sitemap",
    "huge_sitemap_cut",
    "json_surrogate",
    "json_deep",
    "jsonld_surrogate",
    "jsonld_deep",
    "crawl_delay",
    "length_lie",
    "redirect_chain",
    "empty_page",
    "deep_html",
)
FAULTS = (
    "hang",
    "status500",
    "status503",
    "status429",
    "notfound",
    "redirect_loop",
    "big_body",
    "gzip_bomb",
    "malformed_feed",
    "wrong_type",
    "truncate",
    "drip",
    *HOSTILE,
)
PERMANENT = frozenset({"notfound", "redirect_loop", "big_body", "gzip_bomb", *HOSTILE})
ALIASES = {
    "timeout": "hang",
    "500": "status500",
    "503": "status503",
    "429": "status429",
    "404": "notfound",
    "status404": "notfound",
    "redirect": "redirect_loop",
    "bomb": "gzip_bomb",
    "malformed": "malformed_feed",
    "content_type": "wrong_type",
    "slow": "drip",
}
PARAMS: dict[str, type] = {
    "latency": float,
    "seed": int,
    "retry_after": int,
    "hang_seconds": float,
    "drip_rate": float,
    "big_body_size": int,
    "bomb_size": int,
    "huge_sitemap_size": int,
    "deep_levels": int,
    "robots_delay": int,
    "redirect_hops": int,
}
FEED_KINDS = frozenset({"rss", "atom", "sitemap"})
PAGE_KINDS = frozenset({"article", "home", "section", "print"})
ARTICLE = frozenset({"article"})
APPLIES_TO: dict[str, frozenset[str]] = {
    "notfound": ARTICLE,
    "malformed_feed": FEED_KINDS,
    "self_index": frozenset({"sitemap"}),
    "huge_sitemap": frozenset({"sitemap"}),
    "huge_sitemap_cut": frozenset({"sitemap"}),
    "json_surrogate": frozenset({"rss", "atom"}),
    "json_deep": frozenset({"rss", "atom"}),
    "jsonld_surrogate": ARTICLE,
    "jsonld_deep": ARTICLE,
    "crawl_delay": frozenset({"robots"}),
    "length_lie": ARTICLE,
    "redirect_chain": ARTICLE,
    "empty_page": ARTICLE,
    "deep_html": ARTICLE,
}
SURROGATE = "\\ud800"  # as JSON writes it: six characters that decode to a lone surrogate


@dataclass(frozen=True)
class FaultRule:
    """When a fault hits: with a probability, or on every path under a prefix."""

    probability: float = 0.0
    prefix: str | None = None


@dataclass(frozen=True)
class FaultSpec:
    """Parsed fault specification (see the module docstring)."""

    rules: dict[str, FaultRule] = field(default_factory=dict)
    latency: float = 0.0
    seed: int = 0
    retry_after: int = 2
    hang_seconds: float = 300.0
    drip_rate: float = 1.0
    big_body_size: int = 50 * 1024 * 1024
    bomb_size: int = 1024 * 1024 * 1024
    huge_sitemap_size: int = 100_000
    deep_levels: int = 100_000
    robots_delay: int = 100_000
    redirect_hops: int = 30

    @classmethod
    def parse(cls, spec: str | None) -> FaultSpec:
        """Parse a spec string; unknown names and bad values raise FaultSpecError."""
        rules: dict[str, FaultRule] = {}
        params: dict[str, object] = {}
        for item in (spec or "").split(","):
            item = item.strip()
            if not item:
                continue
            name, _, value = (part.strip() for part in item.partition("="))
            name = ALIASES.get(name, name)
            if name in PARAMS:
                params[name] = _param(name, value)
            elif name in FAULTS:
                rules[name] = _rule(name, value)
            else:
                raise FaultSpecError(
                    f"unknown fault {name!r}; known faults: {', '.join(FAULTS)}; parameters: {', '.join(PARAMS)}"
                )
        return cls(rules=rules, **params)  # type: ignore[arg-type]

    def __str__(self) -> str:
        """The spec back as a string."""
        items = [_rule_text(name, rule) for name, rule in self.rules.items()]
        defaults = FaultSpec()
        items += [f"{p}={getattr(self, p)}" for p in PARAMS if getattr(self, p) != getattr(defaults, p)]
        return ",".join(items)

    def decide(self, kind: str, path: str, attempt: int) -> str | None:
        """The fault that hits this request (attempt counts from 1 per path), or None."""
        if kind == "control":
            return None
        for name in FAULTS:
            rule = self.rules.get(name)
            if rule is None:
                continue
            if rule.prefix is not None:  # a hostile document only replaces its own kind of document
                if path.startswith(rule.prefix) and (name not in HOSTILE or kind in APPLIES_TO[name]):
                    return name
                continue
            if kind not in APPLIES_TO.get(name, PAGE_KINDS | FEED_KINDS):
                continue
            key = path if name in PERMANENT else f"{path}#{attempt}"
            if chance(self.seed, name, key) < rule.probability:
                return name
        return None


def forced_faults(values: list[str]) -> list[str]:
    """The faults named in `_fault` parameters or X-Replay-Fault headers (unknown names raise)."""
    names = []
    for value in values:
        for name in value.split(","):
            name = ALIASES.get(name.strip(), name.strip())
            if not name:
                continue
            if name not in FAULTS:
                raise FaultSpecError(f"unknown fault {name!r}; known faults: {', '.join(FAULTS)}")
            names.append(name)
    return names


def chance(seed: int, name: str, key: str) -> float:
    """A deterministic number in [0, 1) for (seed, fault, key)."""
    digest = hashlib.blake2b(f"{seed}|{name}|{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _rule_text(name: str, rule: FaultRule) -> str:
    """One rule back as spec text."""
    if rule.prefix is not None:
        return f"{name}={rule.prefix}"
    return name if rule.probability == 1.0 else f"{name}={rule.probability:g}"


def _param(name: str, value: str) -> object:
    """A parameter's value in its type, or FaultSpecError."""
    try:
        parsed = PARAMS[name](value)
    except ValueError:
        raise FaultSpecError(f"fault parameter {name}={value!r} is not a {PARAMS[name].__name__}") from None
    if parsed < 0 or (
        name in ("drip_rate", "big_body_size", "bomb_size", "huge_sitemap_size", "deep_levels")
        and parsed == 0
    ):
        raise FaultSpecError(f"fault parameter {name}={value!r} is out of range")
    return parsed


def _rule(name: str, value: str) -> FaultRule:
    """A fault's rule from its value: empty (always), a probability, or a /path prefix."""
    if not value:
        return FaultRule(probability=1.0)
    if value.startswith("/"):
        return FaultRule(prefix=value)
    try:
        probability = float(value)
    except ValueError:
        raise FaultSpecError(f"fault {name}={value!r}: expected a probability or a /path prefix") from None
    if not 0.0 <= probability <= 1.0:
        raise FaultSpecError(f"fault {name}={value!r}: probability must be between 0 and 1")
    return FaultRule(probability=probability)


def corrupt_xml(body: bytes) -> bytes:
    """A feed cut short mid-element, with a stray ampersand: not well-formed XML."""
    cut = max(1, int(len(body) * 0.6))
    return body[:cut] + b" & <item><title>"


def gzip_bomb(size: int) -> bytes:
    """A gzip stream of about size/1000 bytes that inflates to `size` zero bytes."""
    chunk = 1 << 20
    count, rest = divmod(size, chunk)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail_compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = tail_compressor.compress(bytes(rest)) + tail_compressor.flush()
    crc = 0
    zeros = bytes(chunk)
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = crc.to_bytes(4, "little") + (size % 2**32).to_bytes(4, "little")
    return header + block * count + tail + trailer


# -- hostile documents ---------------------------------------------------------------------------------


def self_index(url: str) -> bytes:
    """A sitemap index that lists itself, a twin of itself (`?_loop=1`) and the real sitemap (`?_nofault=1`)."""
    plain = url.split("?")[0]
    locs = [url, plain + "?_loop=1", plain + "?_nofault=1"]
    items = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>\n'
    ).encode()


def huge_sitemap(real: Iterable[tuple[str, str]], filler: str, size: int, cut: bool = False) -> bytes:
    """A urlset of `size` URLs: the real (URL, W3C date) pairs first, then `filler` + N (pages that do not exist).

    With `cut` the document stops halfway, inside a <loc>, as a truncated download does.
    """
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    real = list(real)[:size]
    lines += [f"<url><loc>{escape(url)}</loc><lastmod>{day}</lastmod></url>" for url, day in real]
    lines += [f"<url><loc>{filler}{n}</loc></url>" for n in range(size - len(real))]
    body = ("\n".join(lines) + "\n</urlset>\n").encode()
    if not cut:
        return body
    middle = body.index(b"<loc>", len(body) // 2) + len(b"<loc>") + 12
    return body[:middle]


def nested(levels: int) -> str:
    """A JSON array nested `levels` deep."""
    return "[" * levels + "]" * levels


def json_feed(items: Iterable[tuple[str, str]], title: str, poison: str, levels: int) -> bytes:
    """A JSON Feed of (URL, title) items; `poison` "surrogate" or "deep" spoils the first item."""
    entries = [{"id": url, "url": url, "title": text, "content_text": text} for url, text in items]
    body = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": title, "items": entries}, ensure_ascii=False
    )
    if poison == "surrogate":
        return body.replace('"title": "', f'"title": "{SURROGATE} ', 2).encode()
    return body.replace('"content_text": ', f'"_deep": {nested(levels)}, "content_text": ', 1).encode()


def with_jsonld(page: bytes, poison: str, levels: int) -> bytes:
    """A page with a hostile JSON-LD block: a headline holding a lone surrogate, or nesting `levels` deep."""
    title = re.search(rb"<h1[^>]*>(.*?)</h1>", page, re.S)
    headline = json.dumps(title.group(1).decode("utf-8", "replace") if title else "", ensure_ascii=False)
    data = (
        f'{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{SURROGATE} {headline[1:]}}}'
        if poison == "surrogate"
        else f'{{"@context": "https://schema.org", "@type": "NewsArticle", "about": {nested(levels)}}}'
    )
    block = f'<script type="application/ld+json">{data}</script>'.encode()
    head = re.search(rb"<head[^>]*>", page)  # first in the page: read before the site's own metadata
    return block + page if head is None else page[: head.end()] + block + page[head.end() :]


def deep_html(page: bytes, levels: int) -> bytes:
    """A page whose body content sits inside `levels` nested <div>s."""
    start = re.search(rb"<body[^>]*>", page)
    end = page.rfind(b"</body>")
    if start is None or end < 0:
        return b"<div>" * levels + page + b"</div>" * levels
    return page[: start.end()] + b"<div>" * levels + page[start.end() : end] + b"</div>" * levels + page[end:]


def robots_with_delay(text: bytes, delay: int) -> bytes:
    """A robots.txt with `Crawl-delay: delay` in its (first) group."""
    return text.replace(b"User-agent: *\n", f"User-agent: *\nCrawl-delay: {delay}\n".encode(), 1)
