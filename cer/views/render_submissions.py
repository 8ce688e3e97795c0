"""Respondents' submissions read from KoBo or ODK (`cer answers import`): the countries they may name, and
what was found — each respondent's row, or every problem by row and question — as text or JSON."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from cer.services.submissions import Countries, Submissions
from cer.views.error_words import in_language
from cer.views.i18n import current_language, say, translations
from cer.views.xlsform import COUNTRY_LABEL, country_names
from diagnostics.questionnaire import LANGUAGES

SHAPES = {
    "csv": "KoBo CSV",
    "xlsx": "KoBo XLSX",
    "kobo-json": "KoBo API JSON",
    "odata-json": "ODK OData JSON",
}


def import_countries(countries: Iterable[tuple[str, str]]) -> Countries:
    """Every country (ISO alpha-3, English name) with its names in each language, and the country question's
    label in each language: what a KoBo export "with labels" writes."""
    return _countries(tuple(countries))


@cache
def _countries(countries: tuple[tuple[str, str], ...]) -> Countries:
    names = {code: tuple(country_names(code, name).values()) for code, name in countries}
    return Countries(names, tuple(translations(lang).gettext(COUNTRY_LABEL) for lang in LANGUAGES))


def submissions_text(found: Submissions, stored: int = 0) -> str:
    """Each respondent's row (and how many were stored), or every problem."""
    facts = {"file": found.filename, "shape": SHAPES.get(found.shape, found.shape)}
    if found.problems:
        lang = current_language()
        lines = [say("%(file)s (%(shape)s): %(num)s problem(s); nothing is imported until they are fixed:",
                     num=len(found.problems), **facts)]  # fmt: skip
        lines += [
            "  " + say("row %(row)s, %(question)s: %(message)s", row=p.row, question=p.question or "-",
                       message=in_language(p.message, lang))
            for p in found.problems
        ]  # fmt: skip
        return "\n".join(lines) + "\n"
    lines = [say("%(file)s (%(shape)s): %(num)s respondent(s) for %(country)s:", num=len(found.submissions),
                 country=found.country or "-", **facts)]  # fmt: skip
    for s in found.submissions:
        p = s.provenance
        line = say(
            "row %(row)s: %(submitter)s, submission %(id)s, %(answers)s answer(s)",
            row=s.row,
            submitter=p.submitter or say("unknown submitter"),
            id=p.submission_id or p.uuid or "-",
            answers=len(s.answer_set.answers),
        )
        if s.missing:
            line += "; " + say("unanswered: %(questions)s", questions=", ".join(s.missing))
        lines.append("  " + line)
    lines.append(
        say("%(num)s respondent(s) stored.", num=stored) if stored else say("Checked only: nothing stored.")
    )
    return "\n".join(lines) + "\n"


def submissions_json(found: Submissions, stored: int = 0) -> dict[str, Any]:
    """Keys and messages in English, for scripts."""
    return {
        "stored": stored,
        "file": found.filename,
        "shape": found.shape,
        "country": found.country,
        "submissions": [
            {
                "row": s.row,
                "submission_id": s.provenance.submission_id,
                "uuid": s.provenance.uuid,
                "submitted_at": s.provenance.submitted_at.isoformat() if s.provenance.submitted_at else None,
                "submitter": s.provenance.submitter,
                "form_version": s.provenance.form_version,
                "answers": s.answer_set.model_dump(mode="json"),
                "missing": s.missing,
            }
            for s in found.submissions
        ],
        "problems": [
            {"row": p.row, "question": p.question, "message": str(p.message)} for p in found.problems
        ],
    }
