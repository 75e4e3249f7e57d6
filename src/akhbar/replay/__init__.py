"""Replay: corpora served as live local news sites, for crawler tests, benchmarks and offline demos.

Layout (one server, path-based sites; `BASE` is http://HOST:PORT):

    BASE/                               index of the sites
    BASE/robots.txt                     one robots.txt: per-source Disallow rules, every news sitemap
    BASE/<slug>/                        a source's home page (latest 30 articles)
    BASE/<slug>/<feed path>             RSS 2.0, latest 50 items (path varies: rss.xml, arabic/index.xml, ...)
    BASE/<slug>/atom.xml                Atom 1.0 on some sources
    BASE/<slug>/sitemap-news.xml        Google News sitemap; for sources over 1,000 articles an index of
    BASE/<slug>/sitemaps/news-YYYY-MM-DD.xml   daily news sitemaps
    BASE/<slug>/<article path>          article pages, in the source's URL pattern
    BASE/<slug>/section/<name>          section pages (nav menu), static/ (images, scripts), about ...
    BASE/<slug>/print/..., private/..., amp/...   article versions under a robots.txt Disallow
    BASE/_replay/manifest               ground truth JSON (?source=NAME, ?articles=0)
    BASE/_replay/log                    requests received (?since=N; POST or DELETE clears)
    BASE/_replay/faults                 GET the fault spec, POST a new one (text body)
    BASE/_replay/clock                  the simulated time

`<slug>` is the corpus source name lower-cased (BBC -> bbc). With `per_source_ports=True`
(`--port-per-source`) each site is also served on its own port (PORT+1, PORT+2, ... in source
order, or free ports when PORT is 0) with the same paths and its own robots.txt, so per-host
politeness sees one host per site; the manifest then gives those URLs. Source names, Arabic titles, feed and
sitemap URLs are in the manifest: `{"sources": [{"name", "slug", "title", "home", "feeds", "sitemaps",
"disallow", "charset", ...}], "articles": [{"source", "id", "url", "title", "published"}]}` where
`url` is the canonical URL the crawler should store (no tracking parameters) and `published` the
corpus date (ISO 8601 UTC, or null). Log entries: `{"method", "path", "status", "conditional", "time"
(epoch seconds), "fault", "kind", "user_agent"}`; control requests are not logged.

Time: without a clock every article is published. With one (`--clock START[:SPEED]`, ReplayClock or
ManualClock) only articles published at or before the simulated now exist (others are 404) and feeds,
sitemaps and home pages grow as time advances. Articles without a date count as published at the start
of their source's timeline (its earliest dated article); their pages print no date and the manifest
says null. ETag and Last-Modified are sent on pages, feeds and sitemaps; If-None-Match and
If-Modified-Since get 304.

Python API (for pytest fixtures):

    with ReplayServer([corpus_path], limit_per_source=50, faults="status503=0.1") as replay:
        replay.base_url; replay.manifest(); replay.request_log(); replay.clear_log()
        replay.set_faults("truncate=/bbc/"); replay.url("/bbc/")

    ReplayServer(corpora, host="127.0.0.1", port=0, clock=None, faults=None, *, limit_per_source=None,
                 sample=None, ids=None, seed=0, catalog=None, on_error=None, per_source_ports=False)

`port=0` picks a free port; `.start()` returns once listening (serving in a background thread) and
`.stop()` closes every connection. Selections: `ids` (corpus ids), `sample` (N random articles, by
`seed`), `limit_per_source` (the N newest of each source). A port in use raises PortInUseError;
an unknown fault name raises FaultSpecError. Malformed corpus lines are skipped, each reported through
`on_error` (default: stderr) with its file and line. Faults: see akhbar.replay.faults.
"""

from akhbar.replay.catalog import Catalog, load_catalog
from akhbar.replay.clock import ManualClock, ReplayClock, parse_clock
from akhbar.replay.faults import FAULTS, HOSTILE, FaultSpec
from akhbar.replay.server import ReplayServer
from akhbar.replay.sites import SiteProfile, profile_for

__all__ = [
    "FAULTS",
    "HOSTILE",
    "Catalog",
    "FaultSpec",
    "ManualClock",
    "ReplayClock",
    "ReplayServer",
    "SiteProfile",
    "load_catalog",
    "parse_clock",
    "profile_for",
]
