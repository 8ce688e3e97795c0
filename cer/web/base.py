"""What every page and route shares: the templates, the language, the content, a database session, rendering.

A request made by htmx (`HX-Request: true`) gets the page's main content only (the `fragment.html` layout);
any other request gets the whole page, so every link and form works without JavaScript.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from jinja2.ext import _make_new_gettext, _make_new_ngettext
from sqlmodel import Session

from cer.config import Settings
from cer.content import Content, get_content
from cer.i18n import N_, negotiate, translations

HERE = Path(__file__).resolve().parent
_ENV = Environment(
    loader=FileSystemLoader(HERE.parent / "templates" / "web"),
    autoescape=True,
    extensions=["jinja2.ext.i18n"],
)
_ENV.newstyle_gettext = True  # type: ignore[attr-defined]  # `_("%(n)s tasks", n=3)`, escaped like the rest
_ENV.policies["ext.i18n.trimmed"] = (
    True  # `{% trans %}` blocks are looked up as extracted: whitespace trimmed
)
TEMPLATES = Jinja2Templates(env=_ENV)
SECTIONS = [
    ("/", N_("Overview of Toolkit")),
    ("/steps", N_("View toolkit step-by-step")),
    ("/workstreams", N_("View toolkit by workstream")),
    ("/tools", N_("Browse / search for tools")),
    ("/diagnose", N_("Diagnose your needs")),
    ("/support", N_("Find change mgmt. support")),
    ("/countries", N_("Countries")),
    ("/portfolio", N_("Portfolio")),
]
LANG_COOKIE = "cer_lang"
NAME_COOKIE = "cer_name"


def content(request: Request) -> Content:
    return get_content(request.app.state.content_root)


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def db(request: Request) -> Iterator[Session]:
    from cer.db.session import open_session

    with open_session(settings(request)) as session:
        yield session


DB = Annotated[Session, Depends(db)]


def language(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"), request.cookies.get(LANG_COOKIE))


@cache
def _gettext(lang: str) -> tuple[Callable[..., str], Callable[..., str]]:
    t = translations(lang)
    return _make_new_gettext(t.gettext), _make_new_ngettext(t.ngettext)


def tr(request: Request, text: str, **variables: Any) -> str:
    """Translate text rendered by Python (a flash message, an error) into the request's language."""
    translated: str = translations(language(request)).gettext(text)
    return translated % variables if variables else translated


def is_fragment(request: Request) -> bool:
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = language(request)
    gettext_, ngettext_ = _gettext(lang)
    base = {
        "nav_sections": SECTIONS,
        "path": request.url.path,
        "content": content(request),
        "lang": lang,
        "layout": "fragment.html" if is_fragment(request) else "base.html",
        "gettext": gettext_,
        "ngettext": ngettext_,
        "_": gettext_,
        "by": request.cookies.get(NAME_COOKIE, ""),
    }
    response: HTMLResponse = TEMPLATES.TemplateResponse(
        request, template, base | context, status_code=status_code
    )
    response.headers["Vary"] = "HX-Request, Accept-Language, Cookie"
    return response


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target on this site only: a path, never another host (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


PAGE_CACHE_SIZE = 512
_PAGES: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_PAGES_LOCK = threading.Lock()  # routes run in a thread pool


def content_page(route: Callable[..., HTMLResponse]) -> Callable[..., Response]:
    """Cache a page made from the content alone (the toolkit's browse sections): the content is loaded once
    and never changes while the process runs, so the same address in the same language renders the same
    bytes. The most recent PAGE_CACHE_SIZE pages are kept; errors are never cached."""

    @functools.wraps(route)
    def cached(*args: Any, **kwargs: Any) -> Response:
        request: Request = kwargs["request"]
        key = (request.app, request.url.path, request.url.query, language(request), is_fragment(request))
        with _PAGES_LOCK:
            body = _PAGES.get(key)
            if body is not None:
                _PAGES.move_to_end(key)
        if body is not None:
            return HTMLResponse(body, headers={"Vary": "HX-Request, Accept-Language, Cookie"})
        response = route(*args, **kwargs)
        if response.status_code == 200:
            with _PAGES_LOCK:
                _PAGES[key] = bytes(response.body)
                while len(_PAGES) > PAGE_CACHE_SIZE:
                    _PAGES.popitem(last=False)
        return response

    return cached
