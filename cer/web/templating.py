"""Rendering pages: the templates, their translations, and the few helpers a page needs around them.

A request made by htmx (`HX-Request: true`) gets the page's main content only (the `fragment.html` layout);
any other request gets the whole page, so every link and form works without JavaScript.

Dates, numbers and lists are written in the page's language by filters (`|date`, `|datetime`, `|month`,
`|number`, `|percent`, `|words`, `|codes`: cer.views.formats); `|ltr` keeps a code left to right inside an
Arabic page. A page asked for with `?lang=` keeps it in its links and forms (cer.web.language).
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
from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2.ext import _make_new_gettext, _make_new_ngettext
from jinja2.runtime import Context
from markupsafe import Markup, escape

from cer.services.access import Action
from cer.views import formats, run_states, task_words
from cer.views.i18n import N_, translations
from cer.web.csrf import csrf_token
from cer.web.deps import content, language
from cer.web.language import asked, keep, keep_in_html, without_language
from cer.web.notices import forget_cookie, take

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


def _in_language(write: Callable[..., str]) -> Callable[..., str]:
    """A template filter writing its value in the page's language (cer.views.formats)."""

    @pass_context
    def written(context: Context, value: Any, *args: Any) -> str:
        return write(value, context.get("lang"), *args)

    return written


def _timed(write: Callable[..., str]) -> Callable[..., Markup | str]:
    """A filter writing a date in the page's language inside `<time datetime="ISO">`: read by a person,
    the machine value kept."""

    @pass_context
    def written(context: Context, value: Any) -> Markup | str:
        moment, text = formats.as_moment(value), write(value, context.get("lang"))
        if moment is None:
            return text
        return Markup('<time datetime="%s">%s</time>') % (moment.isoformat(), text)

    return written


# {{ task.due|date }}: <time datetime="2026-11-30">30 nov. 2026</time>
_ENV.filters |= {
    "date": _timed(formats.format_date),
    "datetime": _timed(formats.format_datetime),  # {{ e.at|datetime }}: 30 nov. 2026, 14:05
    "month": _timed(formats.format_month),
    "number": _in_language(formats.format_number),  # {{ n|number }}, {{ x|number(1) }}
    "percent": _in_language(formats.format_percent),  # {{ 0.42|percent }}: 42 %
    "words": _in_language(formats.format_words),  # {{ agencies|words }}: UNDP, UNICEF et WFP
    "codes": _in_language(formats.format_codes),  # {{ ids|codes }}: A, B, C
}


def ltr(value: Any) -> Markup:
    """A code, id, e-mail address or token kept left to right inside right-to-left text."""
    return Markup('<bdi dir="ltr">%s</bdi>') % escape(value)


@pass_context
def keep_lang(context: Context, url: str) -> str:
    """An address built outside the page's HTML attributes (a script's, a header's) keeping `?lang=`."""
    asked_lang = context.get("asked_lang")
    return keep(url, asked_lang) if asked_lang else url


_ENV.filters |= {"ltr": ltr, "keep_lang": keep_lang}
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
LANGUAGE_NAMES = [("en", "English"), ("fr", "Français"), ("es", "Español"), ("ar", "العربية")]  # the picker's
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
    """`template` for `request`; `extra_notices`: notices of this response, shown after the waiting ones."""
    lang = language(request)
    extra_notices = list(context.pop("extra_notices", ()))
    gettext_, ngettext_ = _gettext(lang)
    base = {
        "nav_sections": SECTIONS,
        "path": request.url.path,
        "content": (shown := content(request)),
        # a toolkit task's words and a planning role's name in the page's language (cer.views.task_words)
        "task_title": lambda task: task_words.title(task, shown),
        "task_description": lambda task: task_words.description(task, shown),
        "named": lambda name: task_words.who(name, shown),
        "everyone": lambda names: task_words.everyone(names, shown),
        "lang": lang,
        "dir": formats.text_direction(lang),
        "asked_lang": (asked_lang := asked(request.scope.get("query_string", b""))),
        "language_names": LANGUAGE_NAMES,
        "here": without_language(request.url.path, request.url.query),  # the language picker's way back
        "layout": "fragment.html" if is_fragment(request) else "base.html",
        "gettext": gettext_,
        "ngettext": ngettext_,
        "_": gettext_,
        "who": (who := request.scope.get("state", {}).get("principal")),
        "can": lambda action, country=None: who is not None and who.can(Action(action), country),
        "csrf": lambda: csrf_token(request),
        "notices": take(request) + extra_notices,  # held on the server for this browser, shown once
    }
    response: HTMLResponse = TEMPLATES.TemplateResponse(
        request, template, base | context, status_code=status_code
    )
    response.headers["Vary"] = VARY
    forget_cookie(request, response)
    if asked_lang is not None:  # `?lang=` asked for this page: its links and forms keep it
        response.body = keep_in_html(bytes(response.body).decode(), asked_lang).encode()
        response.headers["content-length"] = str(len(response.body))
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
