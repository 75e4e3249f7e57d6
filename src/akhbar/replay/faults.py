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

Parameters: `latency` (seconds added to every answer), `seed` (0), `retry_after` (2), `hang_seconds`
(300), `drip_rate` (1.0), `big_body_size` (52428800), `bomb_size` (1073741824).

Faults never touch `/_replay/` and, unless targeted by a prefix, never touch `/robots.txt`. Transient
faults (hang, 5xx, 429, truncate, drip, malformed_feed, wrong_type) are decided per (path, attempt number),
so a retry can succeed; permanent ones (notfound, redirect_loop, big_body, gzip_bomb) per path. The same
seed and the same request sequence give the same faults. Tests force a fault on one request with the
query parameter `?_fault=NAME` or the header `X-Replay-Fault: NAME` (removed before routing).
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

from akhbar.errors import FaultSpecError

FAULTS = ("hang", "status500", "status503", "status429", "notfound", "redirect_loop", "big_body", "gzip_bomb",
          "malformed_feed", "wrong_type", "truncate", "drip")
PERMANENT = frozenset({"notfound", "redirect_loop", "big_body", "gzip_bomb"})
ALIASES = {"timeout": "hang", "500": "status500", "503": "status503", "429": "status429", "404": "notfound",
           "status404": "notfound", "redirect": "redirect_loop", "bomb": "gzip_bomb", "malformed": "malformed_feed",
           "content_type": "wrong_type", "slow": "drip"}
PARAMS: dict[str, type] = {"latency": float, "seed": int, "retry_after": int, "hang_seconds": float,
                           "drip_rate": float, "big_body_size": int, "bomb_size": int}
FEED_KINDS = frozenset({"rss", "atom", "sitemap"})
PAGE_KINDS = frozenset({"article", "home", "section", "print"})
APPLIES_TO: dict[str, frozenset[str]] = {
    "notfound": frozenset({"article"}),
    "malformed_feed": FEED_KINDS,
}


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
                    f"unknown fault {name!r}; known faults: {', '.join(FAULTS)}; parameters: {', '.join(PARAMS)}")
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
            if rule.prefix is not None:
                if path.startswith(rule.prefix):
                    return name
                continue
            if kind == "robots" or kind not in APPLIES_TO.get(name, PAGE_KINDS | FEED_KINDS):
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
    if parsed < 0 or (name in ("drip_rate", "big_body_size", "bomb_size") and parsed == 0):
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
