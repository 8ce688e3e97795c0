"""The language in the address: `?lang=fr` on any page wins over the `cer_lang` cookie and the browser's
Accept-Language for that request, and the page keeps it.

Keeping it is done in two places, whatever the template or route:
- `keep_in_html` rewrites a rendered page (cer.web.templating.render, so pages, htmx fragments and error
  pages alike): every local `href`, `action`, `formaction` and `hx-get`/`hx-post`/… address gets
  `lang=fr` (after its own query, before its `#fragment`; `&amp;`-escaped), and every GET form a hidden
  `lang` field (a browser drops the query of a GET form's action). External addresses, `/static/` files and
  addresses that already name a language (the language picker, a report's own `?lang=`) are left alone.
- `KeepLanguage`, a middleware, adds it to the local address of a redirect (`Location`, and htmx's
  `HX-Redirect`), so a form posted from a `?lang=fr` page lands on a French page. The language picker
  (`/language?lang=es&next=…`, which sets the cookie) goes back to its page as it was, without `?lang=`.
An unknown `?lang=xx` is ignored: the language falls back as without it, never an error.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cer.views.i18n import LANGUAGES

PARAMETER = "lang"
_ADDRESS = re.compile(
    r'(?P<before>\s(?:href|action|formaction|hx-(?:get|post|put|patch|delete))=")(?P<url>[^"]*)(?=")'
)
_FORM = re.compile(r"<form\b(?P<attributes>[^>]*)>(?P<body>.*?)</form>", re.DOTALL | re.IGNORECASE)
_POST = re.compile(r'\smethod="?post"?', re.IGNORECASE)


def asked(query_string: str | bytes) -> str | None:
    """The language named by `lang=` in a query string, if it is one we have (else None)."""
    text = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    values = [v for k, v in parse_qsl(text, keep_blank_values=True) if k == PARAMETER]
    return values[-1] if values and values[-1] in LANGUAGES else None


def is_local(url: str) -> bool:
    """An address on this site that shows a page: a path or a query, never another host or a static file."""
    if url.startswith("?"):
        return True
    return url.startswith("/") and not url.startswith(("//", "/\\", "/static/"))


def names_language(url: str) -> bool:
    query = html.unescape(url).partition("#")[0].partition("?")[2]
    return any(k == PARAMETER for k, _ in parse_qsl(query, keep_blank_values=True))


def keep(url: str, lang: str, *, escaped: bool = False) -> str:
    """`url` with `lang=<lang>` added when it is local and names no language yet; else `url` unchanged.
    `escaped`: the address is written in HTML (its `&` are `&amp;`)."""
    if not is_local(url) or names_language(url):
        return url
    base, hash_, fragment = url.partition("#")
    glue = ("&amp;" if escaped else "&") if "?" in base else "?"
    return f"{base}{glue}{PARAMETER}={lang}{hash_}{fragment}"


def keep_in_html(page: str, lang: str) -> str:
    """A rendered page whose local links, form actions and htmx addresses keep `lang` (see the module)."""
    hidden = f'<input type="hidden" name="{PARAMETER}" value="{lang}">'

    def form(match: re.Match[str]) -> str:
        whole, attributes, body = match.group(0), match.group("attributes"), match.group("body")
        if _POST.search(attributes) or f'name="{PARAMETER}"' in body:
            return whole
        opening = whole[: len(whole) - len(body) - len("</form>")]
        return f"{opening}{hidden}{body}</form>"

    page = _ADDRESS.sub(lambda m: m.group("before") + keep(m.group("url"), lang, escaped=True), page)
    return _FORM.sub(form, page)


def without_language(path: str, query: str) -> str:
    """This page's address without any `lang=`: where the language picker comes back to."""
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != PARAMETER]
    return path + (f"?{urlencode(kept)}" if kept else "")


class KeepLanguage:
    """A redirect answering a request made with `?lang=xx` goes to a local address that keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        lang = asked(scope.get("query_string", b"")) if scope["type"] == "http" else None
        if lang is None or scope["path"] == "/language":  # the picker goes back without `?lang=`
            await self.app(scope, receive, send)
            return

        async def keeping(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name in ("location", "hx-redirect"):
                    if name in headers:
                        headers[name] = keep(headers[name], lang)
            await send(message)

        await self.app(scope, receive, keeping)
