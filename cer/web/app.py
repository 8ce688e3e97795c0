"""The website: the toolkit's sections, the questionnaire, country plans, the portfolio, and the JSON API.

Pages are rendered on the server and usable without JavaScript; htmx (vendored under /static) only makes
them quicker. Every route parses its input, calls the content or one service, and renders. Unknown ids are
404 pages (or `{"errors": [...]}` under /api), bad values are 422 with each bad field named, a change made
meanwhile by someone else is 409 and is shown, never overwritten.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import URL
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from cer.runtime.config import Settings, get_settings
from cer.services import access_news
from cer.services.errors import Conflict, Forbidden, Unauthenticated
from cer.views.i18n import LANGUAGES
from cer.web import api, pages
from cer.web.deps import LANG_COOKIE
from cer.web.gate import Gate
from cer.web.identities import IDENTITIES
from cer.web.page_cache import ForgetStamps
from cer.web.security import Guard
from cer.web.templating import HERE, SECTIONS, is_fragment, local_path, render, tr
from diagnostics.answers import AnswersError
from workstreams.errors import InvalidRequest, NotFound, field_errors

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
    app.add_middleware(DropEmptyQueryValues)
    app.add_middleware(ForgetStamps)
    app.add_middleware(Gate)  # control characters, body size, a token before an API body is read
    app.add_middleware(Guard)  # outermost: who is asking, CSRF, security headers
    _error_handlers(app)
    for module in MODULES:
        # Each module's routes join the application's own list: FastAPI keeps an included router whole and
        # walks it on every request, which, with 21 routers, cost ~0.5 ms a request (bench/web.py).
        app.router.routes.extend(module.router.routes)

    @app.get("/language", include_in_schema=False)
    def choose_language(
        lang: Annotated[str, Query(pattern="^(en|fr|es)$")], next: str | None = None
    ) -> Response:
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


def _api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _errors(errors: Sequence[Mapping[str, object]], status_code: int) -> JSONResponse:
    return JSONResponse({"errors": errors}, status_code=status_code)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        if _api(request):
            return _errors([{"field": exc.kind, "message": str(exc)}], 404)
        return render(request, "error.html", 404, title=tr(request, "Not found"), message=str(exc))

    @app.exception_handler(InvalidRequest)
    async def invalid(request: Request, exc: InvalidRequest) -> Response:
        if _api(request):
            return _errors(getattr(exc, "errors", None) or [{"field": None, "message": str(exc)}], 422)
        return render(request, "error.html", 422, title=tr(request, "Cannot do that"), message=str(exc))

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(request: Request, exc: Unauthenticated) -> Response:
        if _api(request):
            refused = _errors([{"field": None, "message": str(exc)}], 401)
            refused.headers["WWW-Authenticate"] = 'Bearer realm="cer-toolkit"'
            return refused
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = str(URL("/login").include_query_params(next=here))
        if request.method == "GET" and not is_fragment(request):
            return RedirectResponse(login, status_code=303)
        response = render(
            request, "error.html", 401, title=tr(request, "Sign in first"), message=str(exc), login=login
        )
        response.headers["HX-Redirect"] = login
        return response

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _api(request):
            return _errors([{"field": None, "message": str(exc)}], 403)
        return render(request, "error.html", 403, title=tr(request, "Not allowed"), message=str(exc))

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> Response:
        if _api(request):
            return _errors([{"field": None, "message": str(exc)}], 409)
        return render(request, "error.html", 409, title=tr(request, "Changed meanwhile"), message=str(exc))

    @app.exception_handler(AnswersError)
    async def bad_answers(request: Request, exc: AnswersError) -> Response:
        errors: list[dict[str, object]] = [{"field": p.where, "message": p.message} for p in exc.problems]
        if _api(request):
            return _errors(errors, 422)
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return render(request, "error.html", 422, title=tr(request, "Cannot do that"), message=message)

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        errors = field_errors(exc.errors(), skip=("query", "body", "path", "form"))
        if _api(request):
            return _errors(errors, 422)
        message = "; ".join(
            f"{e['field']}: {e['message']}" if e["field"] else str(e["message"]) for e in errors
        )
        return render(request, "error.html", 422, title=tr(request, "Cannot show that"), message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _api(request):
            return _errors([{"field": None, "message": str(exc.detail)}], exc.status_code)
        message = tr(request, "No page at %(path)s", path=request.url.path)
        if exc.status_code != 404:
            message = str(exc.detail)
        return render(request, "error.html", exc.status_code, title=tr(request, "Not found"), message=message)
