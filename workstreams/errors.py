"""Domain errors that entry points map to exit codes or HTTP statuses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError


class InvalidRequest(ValueError):
    """A request the content cannot answer as asked, e.g. an empty search."""


class NotFound(LookupError):
    """An id, code or filter value that the content does not know."""

    def __init__(self, kind: str, value: object, known: Iterable[object]) -> None:
        self.kind = kind
        self.value = value
        self.known = [str(k) for k in known]
        super().__init__(f"unknown {kind} {value!r}; known: {_summarize(self.known)}")


def _summarize(known: list[str], limit: int = 12) -> str:
    if len(known) <= limit:
        return ", ".join(known)
    return ", ".join(known[: limit - 2]) + f", … , {known[-1]} ({len(known)} in all)"


# ---- what a person reads when input is refused ----------------------------------------------------------

_PLAIN = {
    "missing": "Required: fill this in.",
    "extra_forbidden": "Not something we know here: remove it or check its spelling.",
    "int_parsing": "Enter a whole number, e.g. 18.",
    "int_type": "Enter a whole number, e.g. 18.",
    "int_from_float": "Enter a whole number, e.g. 18.",
    "float_parsing": "Enter a number, e.g. 2.5.",
    "float_type": "Enter a number, e.g. 2.5.",
    "decimal_parsing": "Enter a number, e.g. 2.5.",
    "bool_parsing": "Choose yes or no.",
    "bool_type": "Choose yes or no.",
    "date_parsing": "Enter a date as YYYY-MM-DD, e.g. 2027-01-15.",
    "date_type": "Enter a date as YYYY-MM-DD, e.g. 2027-01-15.",
    "date_from_datetime_parsing": "Enter a date as YYYY-MM-DD, e.g. 2027-01-15.",
    "date_from_datetime_inexact": "Enter a date as YYYY-MM-DD, without a time.",
    "string_type": "Enter text.",
    "list_type": "Give a list of values.",
    "dict_type": "Give named values (an object).",
    "string_pattern_mismatch": "Not in the form expected here.",
    "url_parsing": "Enter a web address, e.g. https://example.org.",
}
_BOUNDS = {
    "string_too_short": "Enter at least {min_length} character(s).",
    "string_too_long": "Enter at most {max_length} characters.",
    "too_short": "Give at least {min_length}.",
    "too_long": "Give at most {max_length}.",
    "greater_than_equal": "Enter {ge} or more.",
    "greater_than": "Enter more than {gt}.",
    "less_than_equal": "Enter {le} or less.",
    "less_than": "Enter less than {lt}.",
}


def explain(error: Mapping[str, Any]) -> str:
    """What was wrong with one value, in words a person acts on ("Enter a whole number, e.g. 18."), from a
    pydantic error; a rule's own message (a validator's ValueError) is kept as written."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return _PLAIN["missing"]
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind in _BOUNDS:
        return _BOUNDS[kind].format(**ctx)
    if kind in ("enum", "literal_error") and "expected" in ctx:
        return f"Choose one of: {ctx['expected']}."
    return str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")


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


class InvalidFields(InvalidRequest):
    """Input refused field by field (`errors`: [{field, message}]); the message names each field."""

    def __init__(self, errors: list[dict[str, str | None]], what: str | None = None) -> None:
        self.errors = errors
        if what is None:
            super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        else:  # a heading and one line per field, as the command line prints it
            lines = [f"  {e['field'] or '(the whole input)'}: {e['message']}" for e in errors]
            super().__init__("\n".join([f"{len(errors)} problem(s) with the {what}:", *lines]))

    @classmethod
    def of(cls, field: str, message: str) -> InvalidFields:
        return cls([{"field": field, "message": message}])

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
