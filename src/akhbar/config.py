"""Settings: AKHBAR_* environment variables over an optional TOML file over defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from akhbar.errors import ConfigError


@dataclass(frozen=True)
class Settings:
    """Every setting Akhbar reads. Environment: AKHBAR_<NAME upper-cased>."""

    db: str = "sqlite:///akhbar.db"
    shared: str = "../shared"
    host: str = "127.0.0.1"
    port: int = 8000
    admin_token: str | None = None
    allow_private_hosts: bool = False
    user_agent: str = "Akhbar/0.1 (+https://github.com/akhbar/akhbar; news aggregator)"
    per_host_concurrency: int = 2
    global_concurrency: int = 16
    crawl_delay: float = 1.0
    # Upper bound on a robots.txt Crawl-delay (seconds): a source polled every 15 minutes with ~30 new pages
    # must fetch them within that interval, 900 s / 30 = 30 s; a site asking more is capped and told so in
    # the fetch log (`Crawl-delay: 100000` used to hang `crawl --once`).
    max_crawl_delay: float = 30.0
    max_body_bytes: int = 10 * 1024 * 1024
    timeout: float = 20.0
    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    max_decompressed_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff_base: float = 1.0
    max_retry_after: float = 60.0
    poll_min: float = 120.0
    poll_max: float = 6 * 3600.0
    robots_ttl: float = 6 * 3600.0
    partial_retry_base: float = 600.0
    batch_size: int = 500
    # web (docs/web.md): the public URL for absolute links (feeds); None = http://host:port
    base_url: str | None = None
    # largest request body accepted (bytes): the largest valid source (100 URLs of 2,000 characters) is ~205 KB
    max_request_bytes: int = 256 * 1024
    # the answer cache of each web process: at most this many answers and bytes
    web_cache_entries: int = 1024
    web_cache_bytes: int = 32 * 1024 * 1024
    # Bounds on what one site controls in one pass (reasons in docs/crawling.md).
    crawl_max_documents: int = 60
    crawl_sitemap_depth: int = 3
    crawl_max_new_urls: int = 1000
    crawl_max_retries: int = 2000
    max_json_depth: int = 64

    @property
    def shared_path(self) -> Path:
        """The shared data folder (tests, evals and benchmarks only)."""
        return Path(self.shared)


def _coerce(name: str, raw: Any, kind: type | str) -> Any:
    """Turn a raw string or TOML value (any type TOML has) into the field's type."""
    text = str(kind)
    if raw is None:
        return None
    try:
        if "bool" in text:
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        if "int" in text:
            return int(raw)
        if "float" in text:
            return float(raw)
    except ValueError as exc:
        raise ConfigError(f"setting {name}: cannot read {raw!r} as {text}") from exc
    return str(raw)


def load_settings(env: dict[str, str] | None = None, toml_path: str | Path | None = None) -> Settings:
    """Read settings from a TOML file (AKHBAR_CONFIG or `akhbar.toml` if present) and the environment."""
    env = dict(os.environ if env is None else env)
    values: dict[str, object] = {}
    path = Path(toml_path or env.get("AKHBAR_CONFIG", "akhbar.toml"))
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        values.update(data.get("akhbar", data))
    elif toml_path is not None:
        raise ConfigError(f"{path}: no such config file")
    known = {f.name: f.type for f in fields(Settings)}
    for name in list(values):
        if name not in known:
            raise ConfigError(f"{path}: unknown setting {name!r}")
    for name in known:
        env_name = f"AKHBAR_{name.upper()}"
        if env_name in env:
            values[name] = env[env_name]
    return Settings(**{n: _coerce(n, v, known[n]) for n, v in values.items()})
