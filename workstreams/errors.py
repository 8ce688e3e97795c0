"""Domain errors that entry points map to exit codes or HTTP statuses.

Their text is a `Message`: English in `str(exc)` (logs, tests, the command line in English) and a template
marked with `N_` plus its values, which a door says in its reader's language (cer.views.error_words)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Self

from pydantic import ValidationError


def N_(text: str) -> str:  # noqa: N802  (the conventional name for "mark for translation, translate later")
    """Marks `text` for extraction into the catalogues (`make messages`); a door translates it later."""
    return text


class Message(str):
    """Text a person reads: as a str, the English text; `template` (marked with `N_`, `%(name)s`
    placeholders) and `values` let a door say it in another language. A value may be a Message itself
    (said in that language too) or a list of values (joined with ", ")."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, /, **values: object) -> Self:
        made = super().__new__(cls, fill(template, values, str))
        made.template = template
        made.values = values
        return made


class Written(Message):
    """Text the content gives in each language (a question's constraint message): `texts` maps a language
    to its text; English is the str value."""

    texts: dict[str, str]

    def __new__(cls, english: str, /, **texts: str | None) -> Self:
        made = super().__new__(cls, english)
        made.texts = {lang: text for lang, text in texts.items() if text}
        return made


def fill(template: str, values: Mapping[str, object], say: Any) -> str:
    """`template` with each value said by `say` (lists joined with ", "); the template as written when
    it has no values."""
    if not values:
        return template
    shown = {
        k: ", ".join(say(i) for i in v)
        if isinstance(v, list | tuple)
        else say(v)
        if isinstance(v, str)
        else v
        for k, v in values.items()
    }
    return template % shown


class Said(Exception):
    """An error whose text is a Message: `raise InvalidRequest(N_("step %(n)s is ..."), n=3)`."""

    message: Message

    def __init__(self, message: str, /, **values: object) -> None:
        if isinstance(message, Message) and not values:
            self.message = message
        else:
            self.message = Message(message, **values)
        super().__init__(str(self.message))


class InvalidRequest(Said, ValueError):
    """A request the content cannot answer as asked, e.g. an empty search."""


class NotFound(Said, LookupError):
    """An id, code or filter value that the content does not know. `kind` is marked with `N_` ("task"); a
    `known` item may be a Message (a hint such as "a task number from the country's plan")."""

    def __init__(self, kind: str, value: object, known: Iterable[object]) -> None:
        self.kind = kind
        self.value = value
        self.known = [str(k) for k in known]
        super().__init__(
            N_("unknown %(kind)s %(value)s; known: %(known)s"),
            kind=Message(kind),
            value=repr(value),
            known=_summarize([k if isinstance(k, Message) else str(k) for k in known]),
        )


def _summarize(known: list[str], limit: int = 12) -> Message:
    if len(known) <= limit:
        return Message("%(known)s", known=known)
    return Message(
        N_("%(first)s, … , %(last)s (%(count)s in all)"),
        first=known[: limit - 2],
        last=known[-1],
        count=len(known),
    )


# ---- what a person reads when input is refused ----------------------------------------------------------

CHOOSE = N_("Choose one of: %(expected)s.")  # a bad choice, its choices as pydantic lists them
_PLAIN = {
    "missing": N_("Required: fill this in."),
    "extra_forbidden": N_("Not something we know here: remove it or check its spelling."),
    "int_parsing": N_("Enter a whole number, e.g. 18."),
    "int_type": N_("Enter a whole number, e.g. 18."),
    "int_from_float": N_("Enter a whole number, e.g. 18."),
    "float_parsing": N_("Enter a number, e.g. 2.5."),
    "float_type": N_("Enter a number, e.g. 2.5."),
    "decimal_parsing": N_("Enter a number, e.g. 2.5."),
    "bool_parsing": N_("Choose yes or no."),
    "bool_type": N_("Choose yes or no."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD, e.g. 2027-01-15."),
    "date_type": N_("Enter a date as YYYY-MM-DD, e.g. 2027-01-15."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD, e.g. 2027-01-15."),
    "date_from_datetime_inexact": N_("Enter a date as YYYY-MM-DD, without a time."),
    "string_type": N_("Enter text."),
    "list_type": N_("Give a list of values."),
    "dict_type": N_("Give named values (an object)."),
    "string_pattern_mismatch": N_("Not in the form expected here."),
    "url_parsing": N_("Enter a web address, e.g. https://example.org."),
}
_BOUNDS = {
    "string_too_short": N_("Enter at least %(min_length)s character(s)."),
    "string_too_long": N_("Enter at most %(max_length)s characters."),
    "too_short": N_("Give at least %(min_length)s."),
    "too_long": N_("Give at most %(max_length)s."),
    "greater_than_equal": N_("Enter %(ge)s or more."),
    "greater_than": N_("Enter more than %(gt)s."),
    "less_than_equal": N_("Enter %(le)s or less."),
    "less_than": N_("Enter less than %(lt)s."),
}


def explain(error: Mapping[str, Any]) -> Message:
    """What was wrong with one value, in words a person acts on ("Enter a whole number, e.g. 18."), from a
    pydantic error; a rule's own message (a validator's ValueError) is kept as written."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return Message(_PLAIN["missing"])
    if kind in _PLAIN:
        return Message(_PLAIN[kind])
    if kind in _BOUNDS:
        return Message(_BOUNDS[kind], **{k: v for k, v in ctx.items() if f"%({k})s" in _BOUNDS[kind]})
    if kind in ("enum", "literal_error") and "expected" in ctx:
        return Message(CHOOSE, expected=str(ctx["expected"]))
    raised = ctx.get("error")
    if isinstance(raised, Exception) and raised.args and isinstance(raised.args[0], Message):
        return raised.args[0]  # a rule worded as a Message: `raise ValueError(Message(N_(...), v=v))`
    rule = str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return Message(rule)  # a rule's own words: said in another language when a catalogue has them


def field_errors(
    errors: Iterable[Mapping[str, Any]], skip: tuple[str, ...] = ()
) -> list[dict[str, str | None]]:
    """pydantic errors as `{field, message}` (the shape of every door's errors): the field's dotted path
    without the `skip` parts (FastAPI's `body`, `query`…), None for the input as a whole."""
    return [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p not in skip) or None,
            "message": explain(e),
        }
        for e in errors
    ]


HEADING = N_("%(count)s problem(s) with the %(what)s:")
WHOLE_INPUT = N_("(the whole input)")


class InvalidFields(InvalidRequest):
    """Input refused field by field (`errors`: [{field, message}], each message a Message); the message names
    each field. `what` (a Message, e.g. "workstream B parameters") heads the list, as the command line
    prints it."""

    def __init__(self, errors: list[dict[str, str | None]], what: str | None = None) -> None:
        self.errors = errors
        self.what = what
        if what is None:
            super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        else:  # a heading and one line per field, as the command line prints it
            lines = [f"  {e['field'] or WHOLE_INPUT}: {e['message']}" for e in errors]
            heading = Message(HEADING, count=len(errors), what=what)
            super().__init__("\n".join([heading, *lines]))

    @classmethod
    def of(cls, field: str, message: str, /, **values: object) -> InvalidFields:
        """One field refused: `InvalidFields.of("name", N_("at most %(n)s characters"), n=80)`."""
        said = message if isinstance(message, Message) and not values else Message(message, **values)
        return cls([{"field": field, "message": said}])

    def under(self, parent: str) -> InvalidFields:
        """The same errors, each field named inside `parent` (e.g. `parameters.service_lines`)."""
        return InvalidFields(
            [{**e, "field": f"{parent}.{e['field']}" if e["field"] else parent} for e in self.errors]
        )

    def by_field(self) -> dict[str, str]:
        """The first message of each top-level field (`form`: the input as a whole), as forms show them."""
        found: dict[str, str] = {}
        for e in self.errors:
            found.setdefault(str(e["field"] or "form").split(".")[0], str(e["message"]))
        return found

    @classmethod
    def from_validation(cls, exc: ValidationError, what: str | None = None) -> InvalidFields:
        """From a pydantic model's errors, in words a person acts on; never the input itself (a password may
        be in it). `what` names the input in a heading, e.g. "workstream B parameters"."""
        return cls(field_errors(exc.errors()), what)
