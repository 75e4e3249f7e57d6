"""Sources: the registry of outlets (default list, feed discovery, manifest import) and OPML."""

from akhbar.sources.opml import export_opml, parse_opml
from akhbar.sources.registry import (
    default_sources,
    discover_source,
    install_defaults,
    source_id_for,
    sources_from_manifest,
)

__all__ = ["default_sources", "discover_source", "export_opml", "install_defaults", "parse_opml",
           "source_id_for", "sources_from_manifest"]
