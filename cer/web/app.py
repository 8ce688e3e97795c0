"""The website: the toolkit's sections, the questionnaire, country plans, the portfolio, and the JSON API.

Pages are rendered on the server and usable without JavaScript; htmx (vendored under /static) only makes
them quicker. Every route parses its input, calls the content or one service, and renders. Unknown ids are
404 pages (or `{"errors": [...]}` under /api), bad values are 422 with each bad field named, a change made
meanwhile by someone else is 409 and is shown, never overwritten.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cer.runtime.config import Settings, get_settings
from cer.services import access_news
from cer.views.i18n import LANGUAGES
from cer.web import api, pages
from cer.web.deps import LANG_COOKIE
from cer.web.error_pages import add_error_handlers
from cer.web.gate import Gate
from cer.web.identities import IDENTITIES
from cer.web.language import KeepLanguage
from cer.web.notices import HEAD_ONLY
from cer.web.page_cache import ForgetStamps
from cer.web.security import Guard
from cer.web.templating import HERE, SECTIONS, local_path, render, tr

__all__ = ["MODULES", "SECTIONS", "create_app"]
MODULES = (*pages.MODULES, *api.MODULES)  # each has its `router`


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While the website runs on PostgreSQL, it hears of every change of access made by any process at once
    (cer.services.access_news) and forgets the identities it knew."""
    listener = access_news.listen(app.state.settings, IDENTITIES.forget)
    try:
        yield
    finally:
        if listener is not None:
            listener.stop()


def create_app(content_root: Path | None = None, settings: Settings | None = None) -> FastAPI:
    """The web application; `settings` (default: from the environment) says which database to use."""
    app = FastAPI(
        lifespan=_lifespan,
        title="cer-toolkit",
        summary="The UN CER toolkit: content, questionnaire, diagnoses, plans, tasks and flow runs.",
        docs_url=None,  # Swagger UI loads from a CDN and runs inline scripts: /api/docs is our own page
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.content_root = content_root
    app.state.settings = settings or get_settings()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(HeadAsGet)
    app.add_middleware(DropEmptyQueryValues)
    app.add_middleware(ForgetStamps)
    app.add_middleware(Gate)  # control characters, body size, a token before an API body is read
    app.add_middleware(KeepLanguage)  # a redirect answering `?lang=xx` keeps it (cer.web.language)
    app.add_middleware(Guard)  # outermost: who is asking, CSRF, security headers
    add_error_handlers(app)
    for module in MODULES:
        # Each module's routes join the application's own list: FastAPI keeps an included router whole and
        # walks it on every request, which, with 21 routers, cost ~0.5 ms a request (bench/web.py).
        app.router.routes.extend(module.router.routes)

    @app.get("/language", include_in_schema=False)
    def choose_language(
        lang: Annotated[str, Query(pattern=f"^({'|'.join(LANGUAGES)})$")], next: str | None = None
    ) -> Response:
        """The language picker: remembers the choice and goes back to the page it was on (`next`: path
        and query)."""
        response = RedirectResponse(local_path(next), status_code=303)
        if lang in LANGUAGES:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
        return response

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        """The API's operations, read from its OpenAPI document: no script, nothing from elsewhere."""
        document = app.openapi()
        operations = [
            {"method": method.upper(), "path": path, **operation}
            for path, methods in document["paths"].items()
            for method, operation in methods.items()
        ]
        return render(request, "api_docs.html", title=tr(request, "JSON API"), operations=operations)

    return app


class DropEmptyQueryValues:
    """`?step=&type=` means no step and no type: a form's "any" option sends an empty value, which would
    otherwise be refused as not a number. Empty query values are dropped before the routes see them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if v.strip()]
            if len(kept) != len(pairs):
                scope = dict(scope, query_string=urlencode(kept).encode("latin-1"))
        await self.app(scope, receive, send)


class HeadAsGet:
    """`HEAD` is answered on every page and file as `GET` would be, without the body (RFC 9110 9.3.2): link
    checkers, uptime monitors and `curl -I` ask it. The routes declare GET only; this turns the one into the
    other before routing and drops the body on the way out (its length still said)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] in ("http.response.body", "http.response.pathsend"):  # pathsend: a file
                message = {"type": "http.response.body", "body": b"", "more_body": False}
                if sent["body"]:
                    return
                sent["body"] = True
            await send(message)

        sent = {"body": False}
        await self.app(dict(scope, method="GET", **{HEAD_ONLY: True}), receive, headers_only)
