"""`make demo`: replay corpora as local sites, crawl them into a fresh store, serve the Akhbar site.

    python -m akhbar.replay.demo [CORPUS ...]

Without corpora it replays every corpus of the shared folder (AKHBAR_SHARED, default ../shared).
Steps: replay on 127.0.0.1:8900 (--limit-per-source from AKHBAR_DEMO_LIMIT, 200 by default), the
replayed sources into `sqlite:///demo.db` (AKHBAR_DEMO_DB) as OPML, one forced crawl pass over
them, then `akhbar serve` on http://127.0.0.1:8000 until Ctrl-C. Each step that the code base
cannot run yet is named, and the replayed sites stay up so they can still be browsed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from akhbar.errors import AkhbarError
from akhbar.replay.server import ReplayServer

REPLAY_PORT = 8900
SITE = ("127.0.0.1", "8000")


def say(message: str) -> None:
    """One line of progress on stderr."""
    print(f"[demo] {message}", file=sys.stderr, flush=True)


def default_corpora() -> list[Path]:
    """Every corpus file of the shared folder."""
    root = Path(os.environ.get("AKHBAR_SHARED", "../shared"))
    return sorted((root / "corpora").glob("*/*.jsonl*"))


def missing_parts() -> list[str]:
    """The commands and modules the demo needs that the code base does not have yet."""
    from akhbar import cli

    commands = {c.name or (c.callback.__name__ if c.callback else "") for c in cli.app.registered_commands}
    groups = {g.name for g in cli.app.registered_groups}
    missing = [f"`akhbar {name}` ({why})" for name, why in
               (("crawl", "the crawling issue"), ("serve", "the web issue")) if name not in commands]
    if "sources" not in groups:
        missing.append("`akhbar sources import` (the sources issue)")
    try:
        from akhbar.sources import export_opml  # noqa: F401
        from akhbar.sources.registry import sources_from_manifest  # noqa: F401
    except ImportError:
        missing.append("akhbar.sources export_opml / sources_from_manifest (the sources issue)")
    return missing


def akhbar(*args: str, env: dict[str, str]) -> int:
    """Run one akhbar command; its exit code."""
    say("akhbar " + " ".join(args))
    return subprocess.call([sys.executable, "-m", "akhbar", *args], env=env)


def main(argv: list[str] | None = None) -> int:
    """Run the demo; the exit code."""
    corpora = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or default_corpora()
    if not corpora:
        say("no corpora: pass corpus files or set AKHBAR_SHARED to the shared folder")
        return 2
    limit = int(os.environ.get("AKHBAR_DEMO_LIMIT", "200"))
    db = os.environ.get("AKHBAR_DEMO_DB", "sqlite:///demo.db")
    try:
        server = ReplayServer(corpora, port=REPLAY_PORT, limit_per_source=limit, on_error=lambda m: None).start()
    except AkhbarError as exc:
        say(f"error: {exc}")
        return 2
    try:
        say(f"replaying {server.catalog.size:,} articles of {len(server.catalog.sites)} sources at {server.base_url}/")
        missing = missing_parts()
        if missing:
            say("not available yet: " + "; ".join(missing))
            say(f"the replayed sites stay up at {server.base_url}/ (manifest: {server.base_url}/_replay/manifest); "
                "Ctrl-C to stop")
            server.serve_forever()
            return 1
        from akhbar.sources import export_opml
        from akhbar.sources.registry import sources_from_manifest

        env = {**os.environ, "AKHBAR_ALLOW_PRIVATE_HOSTS": "1", "AKHBAR_CRAWL_DELAY": "0"}
        with tempfile.TemporaryDirectory() as folder:
            opml = Path(folder) / "replay.opml"
            opml.write_text(export_opml(sources_from_manifest(server.manifest())), encoding="utf-8")
            for args in (("init", "--db", db), ("sources", "import", str(opml), "--db", db),
                         ("crawl", "--once", "--force", "--db", db)):
                if akhbar(*args, env=env) not in (0, 1):
                    say(f"`akhbar {args[0]}` failed; the replayed sites stay up at {server.base_url}/")
                    server.serve_forever()
                    return 1
        say(f"serving the site at http://{SITE[0]}:{SITE[1]}/ (replay log: {server.base_url}/_replay/log)")
        return akhbar("serve", "--db", db, "--host", SITE[0], "--port", SITE[1], env=env)
    except KeyboardInterrupt:
        return 130
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
