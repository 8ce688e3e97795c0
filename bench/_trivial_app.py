"""The baseline for bench/web.py: one FastAPI route returning a small HTML page, served like the website.

Its handler is a plain `def`, as the website's are, so each request takes the same hop to the thread pool.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

PAGE = "<!doctype html><html><head><title>ok</title></head><body><p>A trivial route.</p></body></html>"


def create_app() -> FastAPI:
    app = FastAPI(docs_url=None, openapi_url=None, redoc_url=None)

    @app.get("/", response_class=HTMLResponse)
    def trivial() -> HTMLResponse:
        return HTMLResponse(PAGE)

    return app
