"""Errors in the reader's language: every door says a refusal through these functions.

The services and the domain raise errors whose text is a `Message` (workstreams.errors): English in
`str(exc)`, a template marked with `N_` and its values. Here a door says it in its reader's language from the
catalogues (cer/locale/<lang>/LC_MESSAGES/messages.po); a message no catalogue has yet stays in English.
`in_words(exc, "en") == str(exc)` for every error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from workstreams.errors import CHOOSE, HEADING, N_, WHOLE_INPUT, InvalidFields, Message, Written, fill
from workstreams.errors import explain as explain_in_domain

FieldErrors = list[dict[str, str | None]]

# What a form's or an address's field is called, for the sentences that name it ("Task number: ...").
LABELS = {
    "task_id": N_("Task number"),
    "task": N_("Task"),
    "code": N_("Code"),
    "country": N_("Country"),
    "workstream": N_("Workstream"),
    "step": N_("Step"),
    "action": N_("Action"),
    "diagnosis_id": N_("Diagnosis number"),
    "plan_id": N_("Plan number"),
    "token_id": N_("Token number"),
    "feed_id": N_("Calendar feed number"),
    "expected": N_("Version you changed"),
    "version": N_("Version"),
    "status": N_("Status"),
    "start": N_("Start date"),
    "due": N_("Due date"),
    "lead": N_("Lead agency"),
    "title": N_("Title"),
    "name": N_("Name"),
    "limit": N_("Number of results"),
    "page": N_("Page"),
    "q": N_("Search words"),
    "lang": N_("Language"),
    "fmt": N_("Format"),
    "type": N_("Type"),
    "per_page": N_("Results per page"),
    "agency": N_("Agency"),
    "group": N_("Grouped by"),
    # the forms' own labels, as each form shows them (issue 21)
    "finish_by": N_("Finish by"),
    "as_of": N_("As of (if earlier than today)"),
    "overdue": N_("Only overdue tasks"),
    "zoom": N_("By"),
    "scope": N_("Calendar of"),
    "note": N_("Note"),
    "comment": N_("Comment"),
    "assignee": N_("Assigned to"),
    "period": N_("Reporting period"),
    "summary": N_("Summary"),
    "justification": N_("Justification"),
    "decision": N_("Decision"),
    "value": N_("Consensus answer"),
    "why": N_("Why"),
    "file": N_("File of submissions"),
}
NAMED = N_("%(field)s: %(problem)s")  # a problem named by its field (French puts a space before the colon)
EITHER = N_("%(choices)s or %(last)s")  # the last of a list of choices: 'a', 'b' or 'c'
_QUOTED = re.compile(r"'([^']*)'")


# pydantic's error types that the domain's `explain` does not word (they come from a door's own parsing: a
# body that is not JSON, or not an object; an integer too long to read; a date with a time).
_AT_THE_DOOR = {
    "json_invalid": N_("Send the body as valid JSON."),
    "model_attributes_type": N_("Give named values (an object)."),
    "model_type": N_("Give named values (an object)."),
    "int_parsing_size": N_("Enter a smaller whole number."),
    "datetime_parsing": N_("Enter a date and time as YYYY-MM-DDTHH:MM, e.g. 2027-01-15T09:30."),
    "datetime_type": N_("Enter a date and time as YYYY-MM-DDTHH:MM, e.g. 2027-01-15T09:30."),
    "datetime_from_date_parsing": N_("Enter a date and time as YYYY-MM-DDTHH:MM, e.g. 2027-01-15T09:30."),
    "string_unicode": N_("Enter text."),
    "missing_argument": N_("Required: fill this in."),
    "finite_number": N_("Enter a number, e.g. 2.5."),
    "multiple_of": N_("Enter a multiple of %(multiple_of)s."),
}
UNUSABLE = N_("This value cannot be used here: check it and enter it again.")  # a type nobody has worded yet
_RULES = ("value_error", "assertion_error")  # a validator's own words: kept as written


def explain(error: Mapping[str, Any]) -> Message:
    """One pydantic error in words a person acts on, never pydantic's own ("Input should be ..."): the
    domain's words for each type (workstreams.errors.explain), the door's own types here, a rule's words as
    written, and for a type nobody has worded, a plain request to check the value."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in _AT_THE_DOOR:
        template = _AT_THE_DOOR[kind]
        return Message(template, **{k: v for k, v in ctx.items() if f"%({k})s" in template})
    said = explain_in_domain(error)
    if kind not in _RULES and str(said) == str(error.get("msg", "")):  # pydantic's words: not for a person
        return Message(UNUSABLE)
    return said


def in_language(text: object, lang: str) -> str:
    """One text in `lang`: a Message from its translated template and its values (each said too); a plain
    string from the catalogue when it is a message there, else as written."""
    if not isinstance(text, str):
        return str(text)
    if lang == "en":
        return str(text)
    from cer.views.i18n import translations  # the catalogues only when a message is said in another language

    gettext = translations(lang).gettext
    if not isinstance(text, Message):
        return gettext(text) if text else text
    if isinstance(text, Written):
        return text.texts.get(lang) or str(text)
    template = gettext(text.template) if text.template else text.template
    values = text.values
    if text.template == CHOOSE and isinstance(values.get("expected"), str):
        values = values | {"expected": _either(str(values["expected"]), gettext)}
    try:
        return fill(template, values, lambda v: _value(v, lang))
    except (KeyError, ValueError, TypeError):  # a translation that lost or broke a placeholder
        return fill(text.template, values, lambda v: _value(v, lang))


def _either(expected: str, gettext: Callable[[str], str]) -> str:
    """pydantic's list of choices ("'a', 'b' or 'c'") with its "or" in the reader's language."""
    choices = [f"'{c}'" for c in _QUOTED.findall(expected)]
    if len(choices) < 2:
        return expected
    return gettext(EITHER) % {"choices": ", ".join(choices[:-1]), "last": choices[-1]}


def _value(value: object, lang: str) -> str:
    """A Message value is said in `lang`; anything else (an id, a number, what was typed) as it is."""
    return in_language(value, lang) if isinstance(value, Message) else str(value)


def label(field: str | None, lang: str) -> str:
    """A field's name as a person reads it: "Task number" for `task_id`; unknown fields as written."""
    if not field:
        return in_language(Message(WHOLE_INPUT), lang)
    last = field.rsplit(".", 1)[-1]
    return in_language(Message(LABELS[last]), lang) if last in LABELS else field


def field_errors_in(errors: BaseException | Iterable[Mapping[str, Any]], lang: str) -> FieldErrors:
    """`[{field, message}]` with each message in `lang` (field stays the input's own name), from
    InvalidFields, AnswersError, a pydantic ValidationError, or a list of such dicts."""
    if isinstance(errors, InvalidFields):
        found: Iterable[Mapping[str, Any]] = errors.errors
    elif isinstance(errors, BaseException) and hasattr(errors, "problems"):  # diagnostics' AnswersError
        found = [{"field": p.where, "message": p.message} for p in errors.problems]
    elif isinstance(errors, ValidationError):
        found = [
            {"field": ".".join(str(p) for p in e.get("loc", ())) or None, "message": explain(e)}
            for e in errors.errors()
        ]
    elif isinstance(errors, BaseException):
        found = [{"field": None, "message": _message_of(errors)}]
    else:
        found = errors
    said: FieldErrors = []
    for e in found:
        text = e.get("message") or ""
        said.append({"field": e.get("field"), "message": in_language(text, lang)})
    return said


def by_field_in(exc: InvalidFields, lang: str) -> dict[str, str]:
    """`exc.by_field()` in `lang`: the first message of each top-level field (`form`: the whole input)."""
    shown: dict[str, str] = {}
    for e in field_errors_in(exc, lang):
        shown.setdefault(str(e["field"] or "form").split(".")[0], str(e["message"]))
    return shown


def in_words(exc: BaseException, lang: str) -> str:
    """The whole text of an error in `lang`, laid out as `str(exc)` lays it out in English."""
    if lang == "en":
        return str(exc)
    if isinstance(exc, InvalidFields):
        return _fields_in_words(exc, lang)
    if hasattr(exc, "problems"):  # diagnostics' AnswersError: one "where: message" line each
        return "\n".join(f"{p.where}: {in_language(p.message, lang)}" for p in exc.problems)
    return in_language(_message_of(exc), lang)


def lines_in_words(errors: Sequence[Mapping[str, Any]], lang: str, labelled: bool = False) -> str:
    """`field: message; ...` in `lang` (a field's label when `labelled`), as an error page shows them."""
    parts = []
    for e in field_errors_in(errors, lang):
        name = label(e["field"], lang) if labelled else e["field"]
        named = Message(NAMED, field=name, problem=e["message"])
        parts.append(in_language(named, lang) if e["field"] else str(e["message"]))
    return "; ".join(parts)


def _fields_in_words(exc: InvalidFields, lang: str) -> str:
    errors = field_errors_in(exc, lang)
    if exc.what is None:
        return "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    whole = in_language(Message(WHOLE_INPUT), lang)
    heading = in_language(Message(HEADING, count=len(errors), what=exc.what), lang)
    return "\n".join([heading, *(f"  {e['field'] or whole}: {e['message']}" for e in errors)])


def _message_of(exc: BaseException) -> str:
    found = getattr(exc, "message", None)
    return found if isinstance(found, str) else str(exc)
