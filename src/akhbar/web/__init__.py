"""The web stage: HTML pages, JSON API, Atom feeds, health and metrics (FastAPI)."""

from akhbar.web.app import create_app

__all__ = ["create_app"]
