"""The questionnaire as a form in pages generated from the content: each question's widget, value, problem and
whether it is asked (skip logic); the answers read back from a posted page, and each problem with them by
question; one page of it (a section, or the review before diagnosing) rendered.

Where the answers of the pages not shown live: in the draft, on the server, once a signed-in member has saved
(a page posts its own questions only, merged into the draft's answers); before that — nobody signed in, a
reader without the member role, a member who has answered nothing yet — in hidden inputs of the page's form,
so that every page works as a plain form without JavaScript and nothing is stored for whoever may not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from cer.content.countries import all_countries, find_country
from cer.services.access import Principal
from cer.services.answers import may_keep_answers
from cer.views.error_words import in_language
from cer.views.questionnaire_pages import (
    BACK,
    COUNTRY,
    NEXT,
    REVIEW,
    leads_to,
    page_or_first,
    pages,
    progress,
    questions_on,
    review,
)
from cer.views.render_diagnosis import condition_in_words
from cer.web.deps import content, language
from cer.web.templating import render, tr
from diagnostics.answers import AnswersError, AnswerSet, relevant_questions, validate_answers
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
    questionnaire: Questionnaire,
    raw: dict[str, Any],
    errors: dict[str, str],
    lang: str,
    live: bool,
    only: str | None = None,
) -> list[dict[str, Any]]:
    """The questionnaire's sections (`only`: that one) with each question's widget, value, error and whether
    it is asked.

    `live`: apply skip logic (hide what is not asked); a first, empty form shows every question instead, each
    conditional one saying when it applies, so the form also works without JavaScript."""
    asked = relevant_questions(questionnaire, raw) if live else set(questionnaire.questions)
    sections = []
    for section in questionnaire.sections:
        if only is not None and section.id != only:
            continue
        fields = [_field(questionnaire, q, raw, errors, lang, q.id in asked) for q in section.questions]
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


def _field(
    questionnaire: Questionnaire,
    q: Question,
    raw: dict[str, Any],
    errors: dict[str, str],
    lang: str,
    asked: bool,
) -> FormField:
    choices = [(c.value, c.label.get(lang)) for c in questionnaire.choices(q)]
    return FormField(
        question=q,
        label=q.label.get(lang),
        hint=q.hint.get(lang) if q.hint else None,
        widget=_widget(q, len(choices)),
        choices=choices,
        value=raw.get(q.id, [] if q.type is QuestionType.multiple else ""),
        error=errors.get(q.id),
        asked=asked,
        condition=condition_in_words(q.relevant_expr, questionnaire, lang),
    )


def answers_from_form(
    questionnaire: Questionnaire, form: FormData, only: list[str] | None = None
) -> dict[str, Any]:
    """The answers given in a posted form (`only`: to those questions), as text (typed later by validation);
    empty fields are omitted."""
    raw: dict[str, Any] = {}
    for q in questionnaire.questions.values():
        if only is not None and q.id not in only:
            continue
        if q.type is QuestionType.multiple:
            ticked = [v for v in form.getlist(q.id) if isinstance(v, str) and v]
            if ticked:
                raw[q.id] = ticked
            continue
        value = form.get(q.id)
        if isinstance(value, str) and value.strip():  # a browser sends a textarea's line breaks as CRLF
            raw[q.id] = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return raw


def problems(request: Request, raw: dict[str, Any], country: str, final: bool) -> dict[str, str]:
    """Each problem with the answers, by question id (and 'country'); a draft misses no required answer."""
    questionnaire = content(request).questionnaire
    errors: dict[str, str] = {}
    if country:
        try:
            find_country(country)
        except NotFound:
            errors[COUNTRY] = tr(request, "not a country we know: give an ISO code such as MWI, or a name")
    elif final:
        errors[COUNTRY] = tr(request, "say which country the answers are for")
    answer_set = AnswerSet(questionnaire_version=questionnaire.version, answers=raw)
    try:
        validate_answers(questionnaire, answer_set, final=final)
    except AnswersError as exc:
        lang = language(request)
        for p in exc.problems:
            errors.setdefault(p.where, in_language(p.message, lang))
    return errors


def country_code(country: str) -> str | None:
    """The ISO code of the country typed (a code or a name), when it is one we know."""
    try:
        return find_country(country).code if country else None
    except NotFound:
        return None


@dataclass(frozen=True)
class Kept:
    """A draft's answers and country: what the pages not posted hold."""

    answers: dict[str, Any]
    country: str


@dataclass(frozen=True)
class Given:
    """A posted page of the questionnaire: the answers (the draft's, with this page's replaced), the country
    as typed, what was asked (check, save, diagnose, respond), the page posted and where to go from it, and
    each problem with the answers; the page's own answers and the questions they answer (`replacing`; None:
    no draft, the answers are all posted), and the draft's country."""

    raw: dict[str, Any]
    country: str
    action: str
    errors: dict[str, str]
    page: str = ""  # the page posted ('' : the whole questionnaire at once)
    go: str = ""  # next, back or a page's id
    posted: dict[str, Any] = field(default_factory=dict)
    replacing: tuple[str, ...] | None = None
    kept_country: str = ""

    @property
    def final(self) -> bool:
        return self.action == "diagnose"

    @property
    def code(self) -> str | None:
        """The country's ISO code, when one we know was given."""
        return country_code(self.country) if COUNTRY not in self.errors else None

    @property
    def mistyped(self) -> bool:
        """A country was typed that we do not know."""
        return bool(self.country) and country_code(self.country) is None

    @property
    def keeps(self) -> str | None:
        """The country to save: the one given, or the draft's when the one typed is not one we know."""
        return (self.kept_country or None) if self.mistyped else self.code


def replaced(questionnaire: Questionnaire, page: str, kept: Kept | None) -> tuple[str, ...] | None:
    """The questions whose answers a post gives: all without a draft (None: the other pages' travel in hidden
    inputs); with one, the posted page's (the review page posts none; no page, every one)."""
    if kept is None:
        return None
    if page == REVIEW:
        return ()
    if page in pages(questionnaire):
        return tuple(questions_on(questionnaire, page))
    return tuple(questionnaire.questions)


def given(request: Request, form: FormData, *, checking: bool = False, kept: Kept | None = None) -> Given:
    """The posted page; `checking`: answers so far, none missing yet, whatever was asked."""
    questionnaire = content(request).questionnaire
    page = str(form.get("page") or "")
    replacing = replaced(questionnaire, page, kept)
    posted = answers_from_form(questionnaire, form, None if replacing is None else list(replacing))
    others = {k: v for k, v in kept.answers.items() if k not in (replacing or ())} if kept else {}
    raw = others | posted
    typed = form.get(COUNTRY) if COUNTRY in form else (kept.country if kept else "")
    country = str(typed or "").strip()[:80]
    action = "check" if checking else str(form.get("action") or "")
    errors = problems(request, raw, country, final=action == "diagnose")
    go = str(form.get("go") or "")
    return Given(raw, country, action, errors, page, go, posted, replacing, kept.country if kept else "")


def kept_inputs(
    raw: dict[str, Any], country: str, page: str, questionnaire: Questionnaire
) -> list[tuple[str, str]]:
    """The hidden inputs that carry the answers of the pages not shown (and the country, off its page)."""
    shown = set(questions_on(questionnaire, page))
    pairs = [] if page == questionnaire.sections[0].id else [(COUNTRY, country)]
    for qid, value in raw.items():
        if qid not in shown:
            pairs += [(qid, str(v)) for v in (value if isinstance(value, list) else [value])]
    return pairs


def form_page(
    request: Request,
    *,
    raw: dict[str, Any],
    country: str,
    errors: dict[str, str],
    page: str = "",
    draft_id: str | None = None,
    live: bool = True,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    """A page of the questionnaire with the answers given (`live`: skip logic applied): a section's questions,
    or the review of what is missing and wrong; posted to `draft_id`'s address when the answers are a
    draft's, else carrying the other pages' answers in hidden inputs."""
    questionnaire, lang = content(request).questionnaire, language(request)
    page = page_or_first(questionnaire, page)
    if page == REVIEW:
        errors = problems(request, raw, country, final=True) | errors
    first = questionnaire.sections[0].id
    on_page = set(questions_on(questionnaire, page)) | ({COUNTRY} if page == first else set())
    return render(
        request,
        "questionnaire_review.html" if page == REVIEW else "diagnose.html",
        status_code,
        title=tr(request, "Diagnose your needs"),
        questionnaire=questionnaire,
        sections=form_sections(questionnaire, raw, errors, lang, live, only=page),
        progress=progress(questionnaire, raw, errors, lang),
        review=review(questionnaire, raw, errors, lang, country) if page == REVIEW else None,
        country=country,
        errors={k: v for k, v in errors.items() if k in on_page or page == REVIEW},
        kept=[] if draft_id else kept_inputs(raw, country, page, questionnaire),
        notice=notice,
        countries=all_countries() if page == first else [],
        **_where(request, questionnaire, page, country, draft_id),
    )


def _where(
    request: Request, questionnaire: Questionnaire, page: str, country: str, draft_id: str | None
) -> dict[str, Any]:
    """Where a page is and leads: its number, the pages before and after, the form's address, and whether
    its reader may save (else a draft's pages are links: see _questionnaire_nav.html)."""
    who: Principal | None = request.scope.get("state", {}).get("principal")
    known = pages(questionnaire)
    may_save = who is not None and may_keep_answers(who, country_code(country))
    return {
        "page": page,
        "pages": known,
        "number": known.index(page) + 1,
        "back_page": leads_to(questionnaire, page, BACK),
        "next_page": leads_to(questionnaire, page, NEXT),
        "action": f"/diagnose/drafts/{draft_id}" if draft_id else "/diagnose",
        "draft_id": draft_id,
        "may_save": may_save,
        "links": draft_id is not None and (not may_save or page == REVIEW),
    }


def given_page(request: Request, answers: Given, **options: Any) -> HTMLResponse:
    """`form_page` for a posted questionnaire."""
    return form_page(request, raw=answers.raw, country=answers.country, errors=answers.errors, **options)
