"""API docs at /docs: Swagger UI served from the swagger-ui-bundle package, no CDN, no inline script."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

router = APIRouter(include_in_schema=False)

DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Akhbar API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script>
</body>
</html>
"""


def mount_assets(app: FastAPI) -> None:
    """Serve Swagger UI's files (the swagger-ui-bundle-v2 package) under /static/swagger."""
    app.mount("/static/swagger", StaticFiles(directory=str(Path(swagger_ui_path))), name="swagger")


@router.get("/docs")
def docs() -> HTMLResponse:
    """The interactive API description."""
    return HTMLResponse(DOCS_PAGE)
