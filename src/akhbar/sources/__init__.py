"""Sources: the registry of outlets (default list, feed discovery, manifest import, ownership by home prefix,
feed rediscovery) and OPML."""

from akhbar.sources.opml import export_opml, parse_opml
from akhbar.sources.registry import (
    FeedRepair,
    claim_articles,
    default_sources,
    discover_source,
    home_prefix,
    install_defaults,
    owner_of,
    rediscover_feeds,
    source_id_for,
    sources_from_manifest,
)

__all__ = [
    "FeedRepair",
    "claim_articles",
    "default_sources",
    "discover_source",
    "export_opml",
    "home_prefix",
    "install_defaults",
    "owner_of",
    "parse_opml",
    "rediscover_feeds",
    "source_id_for",
    "sources_from_manifest",
]
