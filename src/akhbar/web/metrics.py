"""Prometheus metrics in the text exposition format: request counts and latency histograms per route."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def label_value(value: object) -> str:
    """A label value escaped for the exposition format."""
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def labels(**pairs: object) -> str:
    """`{a="1",b="2"}` from keyword pairs."""
    return "{" + ",".join(f'{k}="{label_value(v)}"' for k, v in pairs.items()) + "}"


@dataclass
class Histogram:
    """Cumulative latency buckets, sum and count."""

    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    total: float = 0.0
    count: int = 0

    def observe(self, seconds: float) -> None:
        """Add one observation."""
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                self.buckets[i] += 1
        self.total += seconds
        self.count += 1


@dataclass
class Metrics:
    """Counters of the web app, owned by one app (thread-safe)."""

    requests: dict[tuple[str, str, int], int] = field(default_factory=lambda: defaultdict(int))
    latency: dict[str, Histogram] = field(default_factory=lambda: defaultdict(Histogram))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one request and its latency."""
        with self.lock:
            self.requests[(method, route, status)] += 1
            self.latency[route].observe(seconds)

    def render(self, gauges: list[tuple[str, str, str, dict[str, object], float]]) -> str:
        """The exposition text: the web counters, then gauges/counters given as (name, type, help, labels, value)."""
        out = [
            "# HELP akhbar_http_requests_total HTTP requests by method, route and status.",
            "# TYPE akhbar_http_requests_total counter",
        ]
        with self.lock:
            for (method, route, status), count in sorted(self.requests.items()):
                out.append(
                    f"akhbar_http_requests_total{labels(method=method, route=route, status=status)} {count}"
                )
            out += [
                "# HELP akhbar_http_request_duration_seconds Time to answer a request, by route.",
                "# TYPE akhbar_http_request_duration_seconds histogram",
            ]
            for route, hist in sorted(self.latency.items()):
                for bound, count in zip(BUCKETS, hist.buckets, strict=True):
                    out.append(
                        f"akhbar_http_request_duration_seconds_bucket{labels(route=route, le=bound)} {count}"
                    )
                out.append(
                    f"akhbar_http_request_duration_seconds_bucket{labels(route=route, le='+Inf')} {hist.count}"
                )
                out.append(f"akhbar_http_request_duration_seconds_sum{labels(route=route)} {hist.total:.6f}")
                out.append(f"akhbar_http_request_duration_seconds_count{labels(route=route)} {hist.count}")
        declared: set[str] = set()
        for name, kind, help_text, pairs, value in gauges:
            if name not in declared:
                out += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
                declared.add(name)
            out.append(f"{name}{labels(**pairs) if pairs else ''} {value:g}")
        return "\n".join(out) + "\n"
