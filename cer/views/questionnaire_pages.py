"""The questionnaire in pages (cer.web.pages.diagnose): one page per section of the questionnaire (the
country's context, then each step), then a review page; which page a button leads to, how much is answered
(counting only the questions that apply to the answers given, under skip logic), and the review's list of
what is missing and what is wrong, each pointing at its page and question. Pure: the questionnaire, the
answers as given (text, mistakes included) and each problem with them by question id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from diagnostics.answers import relevant_questions
from diagnostics.questionnaire import Questionnaire

REVIEW = "review"  # the page after the last section: what is missing or wrong, and the Diagnose button
COUNTRY = "country"  # the form's country field, on the first page
NEXT, BACK = "next", "back"


def pages(questionnaire: Questionnaire) -> list[str]:
    """Every page's id, in order: the sections', then the review's."""
    return [s.id for s in questionnaire.sections] + [REVIEW]


def page_or_first(questionnaire: Questionnaire, page: str | None) -> str:
    """`page` when it is one of the questionnaire's pages, else the first."""
    known = pages(questionnaire)
    return page if page in known else known[0]


def leads_to(questionnaire: Questionnaire, page: str, go: str) -> str:
    """The page a button leads to from `page`: the next one, the one before (the first stays), or the page
    named (any other value: `page` itself)."""
    known = pages(questionnaire)
    here = known.index(page_or_first(questionnaire, page))
    if go == NEXT:
        return known[min(here + 1, len(known) - 1)]
    if go == BACK:
        return known[max(here - 1, 0)]
    return go if go in known else known[here]


def page_of(questionnaire: Questionnaire, question: str) -> str:
    """The page a question (or the country field) is asked on."""
    for section in questionnaire.sections:
        if any(q.id == question for q in section.questions):
            return section.id
    return questionnaire.sections[0].id


def questions_on(questionnaire: Questionnaire, page: str) -> list[str]:
    """The ids of the questions asked on `page` (none on the review page)."""
    return [q.id for s in questionnaire.sections if s.id == page for q in s.questions]


@dataclass(frozen=True)
class SectionProgress:
    id: str
    title: str
    answered: int  # questions that apply and have an answer (a wrong one included)
    applicable: int  # questions that apply to the answers given
    wrong: int  # answers with a problem
    missing: int  # required questions that apply and have no answer

    @property
    def done(self) -> bool:
        """Every required question that applies answered, and no answer wrong."""
        return self.answered > 0 and not self.missing and not self.wrong


@dataclass(frozen=True)
class Progress:
    sections: list[SectionProgress]

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def applicable(self) -> int:
        return sum(s.applicable for s in self.sections)


def progress(
    questionnaire: Questionnaire, raw: dict[str, Any], errors: dict[str, str], lang: str
) -> Progress:
    """How much of each section is answered, among the questions that apply to `raw` (skip logic)."""
    asked = relevant_questions(questionnaire, raw)
    shown = []
    for section in questionnaire.sections:
        applicable = [q for q in section.questions if q.id in asked]
        given = [q for q in applicable if q.id in raw]
        shown.append(
            SectionProgress(
                id=section.id,
                title=section.title.get(lang),
                answered=len(given),
                applicable=len(applicable),
                wrong=sum(1 for q in given if q.id in errors),
                missing=sum(1 for q in applicable if q.required and q.id not in raw),
            )
        )
    return Progress(shown)


@dataclass(frozen=True)
class ReviewItem:
    page: str  # the section's page the question is on
    question: str  # its id, the anchor of its field on that page ('country': the country field)
    label: str  # the question's label ('' for the country field: the template names it)
    message: str  # what is wrong, or that an answer is required


@dataclass(frozen=True)
class Review:
    missing: list[ReviewItem]  # required, applicable, not answered
    wrong: list[ReviewItem]  # answered, with a problem (the country field's problem included)


def review(
    questionnaire: Questionnaire, raw: dict[str, Any], errors: dict[str, str], lang: str, country: str = ""
) -> Review:
    """What still keeps the answers from a diagnosis, in the questionnaire's order: `errors` as a final
    validation gives them (a missing answer is one with a problem and no answer; `country` as typed)."""
    first = questionnaire.sections[0].id
    missing: list[ReviewItem] = []
    wrong: list[ReviewItem] = []
    if COUNTRY in errors:
        item = ReviewItem(first, COUNTRY, "", errors[COUNTRY])
        (wrong if country else missing).append(item)
    for section in questionnaire.sections:
        for q in section.questions:
            if q.id in errors:
                item = ReviewItem(section.id, q.id, q.label.get(lang), errors[q.id])
                (wrong if q.id in raw else missing).append(item)
    return Review(missing, wrong)
