"""The questionnaire in pages, without a server: which page each button leads to, how much is answered
(only the questions that apply count), and the review's list of what is missing and wrong."""

from __future__ import annotations

from cer.content import Content
from cer.views.questionnaire_pages import (
    REVIEW,
    leads_to,
    page_of,
    page_or_first,
    pages,
    progress,
    questions_on,
    review,
)
from tests.factories import make_answers


def test_there_is_a_page_per_section_then_the_review(content: Content) -> None:
    questionnaire = content.questionnaire
    ids = pages(questionnaire)
    assert ids == [s.id for s in questionnaire.sections] + [REVIEW]
    assert ids[0] == "context" and len(ids) == len(questionnaire.sections) + 1
    assert page_or_first(questionnaire, "nowhere") == page_or_first(questionnaire, None) == "context"
    on_pages = [qid for page in ids for qid in questions_on(questionnaire, page)]
    assert sorted(on_pages) == sorted(questionnaire.questions)  # every question on exactly one page
    assert page_of(questionnaire, "dq05") == "step_1"


def test_the_buttons_lead_forward_back_and_to_the_page_named_and_stop_at_the_ends(content: Content) -> None:
    q = content.questionnaire
    assert leads_to(q, "context", "next") == "step_1"
    assert leads_to(q, "step_1", "back") == "context"
    assert leads_to(q, "context", "back") == "context"
    assert leads_to(q, "step_9", "next") == REVIEW
    assert leads_to(q, REVIEW, "next") == REVIEW
    assert leads_to(q, REVIEW, "back") == "step_9"
    assert leads_to(q, "step_2", "step_7") == "step_7"
    assert leads_to(q, "step_2", "somewhere") == "step_2"


def test_progress_counts_only_the_questions_that_apply(content: Content) -> None:
    q = content.questionnaire
    nothing = progress(q, {}, {}, "en")
    assert nothing.answered == 0 and nothing.applicable < len(q.questions)  # conditional ones wait
    complete = make_answers(content)
    everything = progress(q, complete, {}, "en")
    assert everything.answered == len(complete) <= everything.applicable  # optional ones may wait
    assert all(s.done for s in everything.sections)
    no_omt = progress(q, {"omt_exists": "no"}, {}, "en")
    context = no_omt.sections[0]
    assert context.answered == 1 and context.applicable < everything.sections[0].applicable
    assert not context.done and context.missing > 0
    wrong = progress(q, {"resident_agencies": "lots"}, {"resident_agencies": "not a number"}, "fr")
    assert wrong.answered == 1 and wrong.sections[0].wrong == 1 and not wrong.sections[0].done
    assert wrong.sections[1].title.startswith("Étape 1")  # in the reader's language


def test_the_review_lists_what_is_missing_and_what_is_wrong_with_its_page(content: Content) -> None:
    q = content.questionnaire
    raw = {k: v for k, v in make_answers(content, resident_agencies="lots").items() if k != "dq05"}
    errors = {"resident_agencies": "Enter a whole number", "dq05": "an answer is required"}
    errors |= {"country": "say which country the answers are for"}
    found = review(q, raw, errors, "en")
    assert [(i.page, i.question) for i in found.missing] == [("context", "country"), ("step_1", "dq05")]
    assert [(i.page, i.question) for i in found.wrong] == [("context", "resident_agencies")]
    assert found.wrong[0].label == q.questions["resident_agencies"].label.en
    assert found.missing[1].message == "an answer is required"
    typed = review(q, raw, {"country": "not a country we know"}, "en", country="Atlantis")
    assert not typed.missing and [i.question for i in typed.wrong] == ["country"]
    assert review(q, make_answers(content), {}, "en") == type(found)([], [])
