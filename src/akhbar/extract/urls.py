"""Canonical URLs: the identity of an article, with tracking parameters and other noise removed."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PREFIXES = ("utm_", "ga_", "pk_", "mtm_", "hsa_", "__hs", "oly_", "vero_", "_hs")
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "ito",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "xtor",
        "s_cid",
        "wt.mc_id",
        "cid_source",
        "__twitter_impression",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}
SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def is_tracking(name: str) -> bool:
    """True for a query parameter that only tracks where a click came from."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def strip_tracking(query: str) -> str:
    """A query string without tracking parameters, other parameters kept in order."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not is_tracking(k)]
    return urlencode(pairs, doseq=True, quote_via=quote, safe="/:@!$'()*,;~")


def canonical_url(url: str, base: str | None = None) -> str:
    """Scheme and host lower-cased, default port, fragment and tracking parameters removed, path escaped once."""
    raw = url.strip()
    if base:
        raw = urljoin(base, raw)
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host.lower()
    except UnicodeError:
        host = host.lower()
    port = parts.port
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" + netloc[len(host) :]
    path = quote(unquote(parts.path), safe=SAFE_PATH) or "/"
    return urlunsplit((scheme, netloc, path, strip_tracking(parts.query), ""))


def same_site(first: str, second: str) -> bool:
    """True when two URLs share a host up to a leading www. (and so may name each other as canonical)."""
    a = (urlsplit(first).hostname or "").lower().removeprefix("www.")
    b = (urlsplit(second).hostname or "").lower().removeprefix("www.")
    if not a or not b:
        return False
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def host_of(url: str) -> str:
    """The lower-cased host (with port when not the default) of a URL: the unit of politeness."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    return host if port is None or DEFAULT_PORTS.get(parts.scheme.lower()) == port else f"{host}:{port}"


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL (where its robots.txt lives)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{host_of(url)}"
