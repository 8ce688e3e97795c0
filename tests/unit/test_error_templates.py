"""Every refusal's words can be translated (issue 19): each text marked with N_ where the services, the domain
and the doors raise errors is in the catalogues' template, so translators see it; and an error says the same
English with or without a catalogue."""

from __future__ import annotations

import ast
import io
import pickle
from pathlib import Path

from babel.messages.pofile import read_po

from cer.services.errors import Conflict
from cer.views.error_words import field_errors_in, in_language, in_words
from cer.views.i18n import LOCALE_DIR
from workstreams.errors import N_, InvalidFields, InvalidRequest, Message, NotFound

ROOT = Path(__file__).resolve().parents[2]
RAISING = [
    *sorted((ROOT / "cer" / "services").glob("*.py")),
    *sorted((ROOT / "workstreams").glob("*.py")),
    *sorted((ROOT / "diagnostics").glob("*.py")),
    *sorted((ROOT / "tools_catalog").glob("*.py")),
    ROOT / "cer" / "content" / "countries.py",
    ROOT / "cer" / "views" / "error_words.py",
    ROOT / "cer" / "web" / "error_pages.py",
]


def _marked(path: Path) -> list[str]:
    """The literal texts passed to N_ in a module."""
    return [
        node.args[0].value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "N_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


def test_every_marked_error_text_is_in_the_catalogue_template() -> None:
    template = read_po(io.BytesIO((LOCALE_DIR / "messages.pot").read_bytes()))
    known = {m.id for m in template if m.id}
    marked = {(path.relative_to(ROOT).as_posix(), text) for path in RAISING for text in _marked(path)}
    assert len(marked) > 150  # the probe does see the raise sites
    missing = sorted(f"{where}: {text!r}" for where, text in marked if text not in known)
    assert not missing, "run `make messages`:\n" + "\n".join(missing)


def test_no_raise_site_words_its_error_with_an_f_string() -> None:
    """An f-string's text cannot be looked up in a catalogue: refusals give a template and its values."""
    errors = {"NotFound", "InvalidRequest", "Conflict", "Forbidden", "Unauthenticated"}
    found = []
    for path in RAISING:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in errors
                and node.args
                and isinstance(node.args[0], ast.JoinedStr)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found


def test_an_error_reads_the_same_in_english_with_its_template_kept() -> None:
    exc = InvalidRequest(
        N_("the due date %(due)s is before the start %(start)s"), due="2027-01-02", start="2027-02-01"
    )
    assert str(exc) == "the due date 2027-01-02 is before the start 2027-02-01"
    assert in_words(exc, "en") == str(exc)
    assert in_words(exc, "fr") == "l'échéance 2027-01-02 précède le début 2027-02-01"
    assert exc.message.template == "the due date %(due)s is before the start %(start)s"


def test_a_message_a_catalogue_lacks_stays_english_and_values_are_never_translated() -> None:
    exc = Conflict(N_("no catalogue has this %(word)s"), word="task")  # "task" is a message, but a value here
    assert in_words(exc, "fr") == "no catalogue has this task"
    plain = InvalidRequest("written without N_")
    assert in_words(plain, "ar") == "written without N_"


def test_not_found_says_its_kind_and_hints_in_the_language_asked() -> None:
    exc = NotFound(N_("task"), "MWI #7", [Message(N_("a task number from the country's plan"))])
    assert str(exc) == "unknown task 'MWI #7'; known: a task number from the country's plan"
    assert (
        in_words(exc, "es")
        == "no se encontró tarea 'MWI #7'; valores posibles: un número de tarea del plan del país"
    )
    many = NotFound(N_("step"), 40, range(1, 31))
    assert str(many) == "unknown step 40; known: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … , 30 (30 in all)"


def test_field_errors_keep_their_fields_and_translate_their_messages() -> None:
    exc = InvalidFields([{"field": "agencies", "message": Message(N_("Enter a whole number, e.g. 18."))}])
    assert str(exc) == "agencies: Enter a whole number, e.g. 18."
    assert field_errors_in(exc, "ar") == [{"field": "agencies", "message": "أدخل عددًا صحيحًا، مثل 18."}]
    headed = InvalidFields(exc.errors, what=Message(N_("workstream %(code)s parameters"), code="B"))
    assert (
        str(headed)
        == "1 problem(s) with the workstream B parameters:\n  agencies: Enter a whole number, e.g. 18."
    )


def test_a_message_survives_pickling_as_prefect_keeps_a_failed_run() -> None:
    said = Message(N_("Give a date from %(first)s to %(last)s."), first="2000-01-01", last="2100-12-31")
    again = pickle.loads(pickle.dumps(said))
    assert again == said and in_language(again, "fr") == "Saisissez une date du 2000-01-01 au 2100-12-31."
