"""The questionnaire as a form generated from the content: each question's widget, value, problem and whether
it is asked (skip logic); the answers read back from a posted form, and each problem with them by question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from cer.content.countries import all_countries, find_country
from cer.views.error_words import in_language
from cer.web.deps import content, language
from cer.web.templating import render, tr
from diagnostics.answers import AnswersError, AnswerSet, relevant_questions, validate_answers
from diagnostics.describe import describe
from diagnostics.questionnaire import Question, Questionnaire, QuestionType
from workstreams.errors import NotFound

RADIO_LIMIT = 7  # more choices than this: a select list


@dataclass(frozen=True)
class FormField:
    question: Question
    label: str
    hint: str | None
    widget: str  # radio, checkbox, select, number, date, textarea
    choices: list[tuple[str, str]]
    value: Any
    error: str | None
    asked: bool
    condition: str | None


def _widget(q: Question, choices: int) -> str:
    if q.type is QuestionType.multiple:
        return "checkbox"
    if q.type in (QuestionType.single, QuestionType.readiness, QuestionType.yes_no):
        return "radio" if choices <= RADIO_LIMIT else "select"
    return {QuestionType.integer: "number", QuestionType.date: "date"}.get(q.type, "textarea")


def form_sections(
    questionnaire: Questionnaire, raw: dict[str, Any], errors: dict[str, str], lang: str, live: bool
) -> list[dict[str, Any]]:
    """The questionnaire's sections with each question's widget, value, error and whether it is asked.

    `live`: apply skip logic (hide what is not asked); a first, empty form shows every question instead, each
    conditional one saying when it applies, so the form also works without JavaScript."""
    asked = relevant_questions(questionnaire, raw) if live else set(questionnaire.questions)
    sections = []
    for section in questionnaire.sections:
        fields = []
        for q in section.questions:
            choices = [(c.value, c.label.get(lang)) for c in questionnaire.choices(q)]
            fields.append(
                FormField(
                    question=q,
                    label=q.label.get(lang),
                    hint=q.hint.get(lang) if q.hint else None,
                    widget=_widget(q, len(choices)),
                    choices=choices,
                    value=raw.get(q.id, [] if q.type is QuestionType.multiple else ""),
                    error=errors.get(q.id),
                    asked=q.id in asked,
                    condition=describe(q.relevant_expr, questionnaire, lang) if q.relevant_expr else None,
                )
            )
        sections.append(
            {
                "id": section.id,
                "title": section.title.get(lang),
                "intro": section.intro.get(lang) if section.intro else None,
                "fields": fields,
                "asked": any(f.asked for f in fields),
            }
        )
    return sections


def answers_from_form(questionnaire: Questionnaire, form: FormData) -> dict[str, Any]:
    """The answers given in a posted form, as text (typed later by validation); empty fields are omitted."""
    raw: dict[str, Any] = {}
    for q in questionnaire.questions.values():
        if q.type is QuestionType.multiple:
            ticked = [v for v in form.getlist(q.id) if isinstance(v, str) and v]
            if ticked:
                raw[q.id] = ticked
            continue
        value = form.get(q.id)
        if isinstance(value, str) and value.strip():
            raw[q.id] = value.strip()
    return raw


def problems(request: Request, raw: dict[str, Any], country: str, final: bool) -> dict[str, str]:
    """Each problem with the answers, by question id (and 'country'); a draft misses no required answer."""
    questionnaire = content(request).questionnaire
    errors: dict[str, str] = {}
    if country:
        try:
            find_country(country)
        except NotFound:
            errors["country"] = tr(request, "not a country we know: give an ISO code such as MWI, or a name")
    elif final:
        errors["country"] = tr(request, "say which country the answers are for")
    answer_set = AnswerSet(questionnaire_version=questionnaire.version, answers=raw)
    try:
        validate_answers(questionnaire, answer_set, final=final)
    except AnswersError as exc:
        lang = language(request)
        for p in exc.problems:
            errors.setdefault(p.where, in_language(p.message, lang))
    return errors


@dataclass(frozen=True)
class Given:
    """A posted questionnaire: its answers, the country as typed, what was asked (check, save, diagnose) and
    each problem with the answers."""

    raw: dict[str, Any]
    country: str
    action: str
    errors: dict[str, str]

    @property
    def final(self) -> bool:
        return self.action == "diagnose"

    @property
    def code(self) -> str | None:
        """The country's ISO code, when one we know was given."""
        return find_country(self.country).code if self.country and "country" not in self.errors else None


def given(request: Request, form: FormData, *, checking: bool = False) -> Given:
    """The posted questionnaire; `checking`: answers so far, none missing yet, whatever was asked."""
    raw = answers_from_form(content(request).questionnaire, form)
    country = str(form.get("country") or "").strip()[:80]
    action = "check" if checking else str(form.get("action") or "")
    return Given(raw, country, action, problems(request, raw, country, final=action == "diagnose"))


def form_page(
    request: Request,
    *,
    raw: dict[str, Any],
    country: str,
    errors: dict[str, str],
    draft_id: str | None = None,
    live: bool = True,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    """The questionnaire with the answers given (`live`: skip logic applied), posted to `draft_id`'s page
    when the answers are a draft's."""
    questionnaire = content(request).questionnaire
    return render(
        request,
        "diagnose.html",
        status_code,
        title=tr(request, "Diagnose your needs"),
        questionnaire=questionnaire,
        sections=form_sections(questionnaire, raw, errors, language(request), live),
        country=country,
        errors=errors,
        action=f"/diagnose/drafts/{draft_id}" if draft_id else "/diagnose",
        notice=notice,
        countries=all_countries(),
    )


def given_page(request: Request, answers: Given, **options: Any) -> HTMLResponse:
    """`form_page` for a posted questionnaire."""
    return form_page(request, raw=answers.raw, country=answers.country, errors=answers.errors, **options)
