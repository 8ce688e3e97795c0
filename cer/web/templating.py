"""Rendering pages: the templates, their translations, and the few helpers a page needs around them.

A request made by htmx (`HX-Request: true`) gets the page's main content only (the `fragment.html` layout);
any other request gets the whole page, so every link and form works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from cer.services.access import Action
from cer.views import run_states
from cer.views.i18n import N_, translations
from cer.web.csrf import csrf_token
from cer.web.deps import content, language

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
_ENV.globals["run_state"] = run_states.in_words  # a run's state in words: ('running', {}) to translate
_ENV.globals["run_active"] = run_states.active
TEMPLATES = Jinja2Templates(env=_ENV)
SECTIONS = [
    ("/", N_("Overview of Toolkit")),
    ("/steps", N_("View toolkit step-by-step")),
    ("/workstreams", N_("View toolkit by workstream")),
    ("/tools", N_("Browse / search for tools")),
    ("/diagnose", N_("Diagnose your needs")),
    ("/support", N_("Find change mgmt. support")),
    ("/countries", N_("Countries")),
    ("/tasks", N_("My tasks")),
    ("/portfolio", N_("Portfolio")),
]
VARY = "HX-Request, Accept-Language, Cookie, Authorization"  # what else a page's bytes depend on


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
        "who": (who := request.scope.get("state", {}).get("principal")),
        "can": lambda action, country=None: who is not None and who.can(Action(action), country),
        "csrf": lambda: csrf_token(request),
    }
    response: HTMLResponse = TEMPLATES.TemplateResponse(
        request, template, base | context, status_code=status_code
    )
    response.headers["Vary"] = VARY
    return response


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target on this site only: a path, never another host (no open redirects)."""
    if not target:
        return default
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. '//[x': not an address at all
        return default
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target
