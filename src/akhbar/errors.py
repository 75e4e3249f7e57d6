"""Typed exceptions of Akhbar, grouped in one module."""


class AkhbarError(Exception):
    """Base class of every error Akhbar raises on purpose."""


class ConfigError(AkhbarError):
    """A setting is missing or invalid."""


class StoreError(AkhbarError):
    """The store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store's write lock for too long."""


class NotADatabaseError(StoreError):
    """The store path exists but is not a database Akhbar can open."""


class CorpusError(AkhbarError):
    """A corpus line cannot be read as an article."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class FetchError(AkhbarError):
    """A fetch failed (network, status, size or decoding)."""


class BodyTooLargeError(FetchError):
    """A response body exceeded the configured size cap."""


class RobotsDisallowedError(FetchError):
    """robots.txt forbids the URL for our user agent."""


class UnsafeURLError(FetchError):
    """A URL is not http(s) or points to a private address."""


class ExtractError(AkhbarError):
    """A page or feed could not be turned into articles."""


class ReplayError(AkhbarError):
    """The replay harness cannot load its corpora or start serving."""


class FaultSpecError(ReplayError):
    """A replay fault specification names an unknown fault or has a bad value."""


class PortInUseError(ReplayError):
    """The replay server's port is already taken."""


class RedirectError(FetchError):
    """Too many redirects, or a redirect loop."""


class ContentDecodingError(FetchError):
    """A body's Content-Encoding is unsupported or its compressed data is broken."""


class ArticleRejectedError(AkhbarError):
    """An article cannot be stored as it is (a URL over its cap, an empty URL or title)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url[:200]}: {reason}")
        self.url = url
        self.reason = reason


class TruncatedBodyError(FetchError):
    """A body is shorter or longer than its Content-Length: what was read is not the whole document."""


class UnresolvableHostError(FetchError):
    """A host name has no address (the resolver failed or answered nothing)."""


class CommandError(AkhbarError):
    """A command cannot do what was asked (an unknown article or mode, no corpus files)."""


class ArticleFileError(AkhbarError):
    """An article file cannot be read."""


class EvalError(AkhbarError):
    """An evaluation set (pages, ground truth, gold dates) is missing or cannot be read."""
