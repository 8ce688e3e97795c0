"""What the website and the API answer when a request is refused, in the request's language.

Under /api: `{"errors": [{"field", "message"}]}` (keys and field names stay as the API spells them, the
messages are in the language of `Accept-Language`, said in `Content-Language`). Elsewhere: the error page, in
the page's language. The words come from the errors' own Messages (cer.views.error_words); a value refused
by FastAPI's validation is said by its pydantic error type, naming the field ("Task number: Enter a whole
number, e.g. 18. (got “2.5”)"), and a bad value in the address itself is a page not found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import URL
from starlette.exceptions import HTTPException as StarletteHTTPException

from cer.services.errors import Conflict, Forbidden, Unauthenticated
from cer.views.error_words import (
    NAMED,
    explain,
    field_errors_in,
    in_language,
    in_words,
    label,
    lines_in_words,
)
from cer.web.deps import content, language
from cer.web.templating import is_fragment, render, tr
from diagnostics.answers import AnswersError
from workstreams.errors import N_, InvalidFields, InvalidRequest, Message, NotFound

WHERE = ("query", "body", "path", "form", "header", "cookie")
TITLES = {
    401: N_("Sign in first"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("Changed meanwhile"),
    422: N_("Cannot do that"),
}
SIGN_IN_AGAIN = N_("You are not signed in (or your sign-in has ended): sign in, then do it again.")
SHOWN_INPUT = 60  # what was typed in an address or a query is shown back up to this length (never a body)
# The API's own refusals that the services do not word (cer.web.deps, cer.web.security, cer.web.gate): marked
# here so that the catalogues have them; they are said in the reader's language by their English text.
ALSO = (
    N_("sign in first (the JSON API needs: Authorization: Bearer <token>)"),
    N_("Not Found"),
    N_("Method Not Allowed"),
)


def add_error_handlers(app: FastAPI) -> None:
    """Every refusal the services, the domain and FastAPI raise, answered at both doors."""
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(InvalidRequest, _invalid)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    app.add_exception_handler(Forbidden, _refused(403))
    app.add_exception_handler(Conflict, _refused(409))
    app.add_exception_handler(AnswersError, _bad_answers)
    app.add_exception_handler(RequestValidationError, _bad_input)
    app.add_exception_handler(StarletteHTTPException, _http_error)


def _api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _errors(request: Request, errors: Sequence[Mapping[str, object]], status_code: int) -> JSONResponse:
    answer = JSONResponse({"errors": list(errors)}, status_code=status_code)
    answer.headers["Content-Language"] = language(request)
    return answer


def _page(
    request: Request, status_code: int, message: str, title: str | None = None, **more: Any
) -> Response:
    heading = title or in_language(Message(TITLES.get(status_code, N_("Cannot do that"))), language(request))
    page = render(request, "error.html", status_code, title=heading, message=message, **more)
    page.headers["Content-Language"] = language(request)
    return page


async def _not_found(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotFound)
    lang = language(request)
    if _api(request):
        return _errors(request, [{"field": exc.kind, "message": in_words(exc, lang)}], 404)
    return _page(request, 404, in_words(exc, lang))


async def _invalid(request: Request, exc: Exception) -> Response:
    """A request refused as asked; on a page, each refused field named by its label ("Finish by: ...")."""
    lang = language(request)
    if _api(request):
        return _errors(request, field_errors_in(exc, lang), 422)
    if isinstance(exc, InvalidFields) and exc.what is None:
        return _page(request, 422, lines_in_words(exc.errors, lang, labelled=True))
    return _page(request, 422, in_words(exc, lang))


async def _unauthenticated(request: Request, exc: Exception) -> Response:
    lang = language(request)
    if _api(request):
        refused = _errors(request, field_errors_in(exc, lang), 401)
        refused.headers["WWW-Authenticate"] = 'Bearer realm="cer-toolkit"'
        return refused
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = str(URL("/login").include_query_params(next=here))
    if request.method == "GET" and not is_fragment(request):
        return RedirectResponse(login, status_code=303)
    response = _page(request, 401, tr(request, SIGN_IN_AGAIN), login=login)
    response.headers["HX-Redirect"] = login
    return response


def _refused(status_code: int) -> Any:
    async def handler(request: Request, exc: Exception) -> Response:
        lang = language(request)
        if _api(request):
            return _errors(request, field_errors_in(exc, lang), status_code)
        return _page(request, status_code, in_words(exc, lang))

    return handler


async def _bad_answers(request: Request, exc: Exception) -> Response:
    """Answers refused; on a page, each named by its question's label (or its field's), in the page's
    language: "Number of resident agencies: Enter a whole number, e.g. 18." """
    lang = language(request)
    errors = field_errors_in(exc, lang)
    if _api(request):
        return _errors(request, errors, 422)
    questions = content(request).questionnaire.questions

    def named(field: str | None) -> str:
        question = questions.get(field or "")
        return question.label.get(lang) if question is not None else label(field, lang)

    return _page(request, 422, "; ".join(
        in_language(Message(NAMED, field=named(e["field"]), problem=e["message"]), lang) for e in errors
    ))  # fmt: skip


async def _bad_input(request: Request, exc: Exception) -> Response:
    """FastAPI's refusal of a value: each error said by its type in the request's language. On the website a
    bad value in the address is a page not found; a bad query or form value names the field by its label."""
    assert isinstance(exc, RequestValidationError)
    lang = language(request)
    if _api(request):
        return _errors(request, [_field_error(e, lang) for e in exc.errors()], 422)
    in_address = [e for e in exc.errors() if e.get("loc", ("",))[0] == "path"]
    if in_address:
        return _page(request, 404, _not_at_this_address(in_address[0], lang))
    message = "; ".join(_sentence(e, lang) for e in exc.errors())
    return _page(request, 422, message, title=tr(request, "Cannot show that"))


def _field_error(error: Mapping[str, Any], lang: str) -> dict[str, str | None]:
    field = ".".join(str(p) for p in error.get("loc", ()) if p not in WHERE) or None
    if error.get("type") == "json_invalid":  # its place is a character's position, not a field
        field = None
    return {"field": field, "message": in_language(explain(error), lang)}


def _sentence(error: Mapping[str, Any], lang: str) -> str:
    """The field's label, what to enter, and what was typed when it came in the address or the query (never
    a form's body: a password may be in it): Task number: Enter a whole number, e.g. 18. (got “2.5”)"""
    field = _field_error(error, lang)["field"]
    said = in_language(explain(error), lang)
    typed = error.get("input")
    if (
        error.get("loc", ("",))[0] in ("query", "path")
        and isinstance(typed, str | int | float)
        and typed != ""
    ):
        said = in_language(
            Message(N_("%(problem)s (got “%(input)s”)"), problem=said, input=_shown(typed)), lang
        )
    return in_language(Message(NAMED, field=label(field, lang), problem=said), lang) if field else said


def _not_at_this_address(error: Mapping[str, Any], lang: str) -> str:
    field = _field_error(error, lang)["field"]
    what = Message(N_("%(what)s “%(value)s”"), what=label(field, lang), value=_shown(error.get("input", "")))
    return in_language(
        Message(
            N_("%(what)s was not found: the address is wrong, or the link that brought you here is broken."),
            what=what,
        ),
        lang,
    )


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_INPUT else text[: SHOWN_INPUT - 1] + "…"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    lang = language(request)
    if _api(request):
        return _errors(
            request, [{"field": None, "message": in_language(str(exc.detail), lang)}], exc.status_code
        )
    message = tr(request, "No page at %(path)s", path=request.url.path)
    if exc.status_code != 404:
        message = in_language(str(exc.detail), lang)
    return _page(request, exc.status_code, message, title=tr(request, "Not found"))
