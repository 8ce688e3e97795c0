"""A diagnosis' reasons shown in the reader's language, made again from what each reason records."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cer.content import get_content
from cer.views.i18n import translations
from cer.views.reason_words import in_words
from diagnostics.selection import Diagnosis, Reason
from tests.factories import make_diagnosis

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _reasons(diagnosis: Diagnosis) -> list[Reason]:
    found = [r for w in diagnosis.workstreams for r in w.reasons]
    found += [r for a in diagnosis.actions for r in a.reasons]
    found += [r for t in diagnosis.tools for r in t.reasons]
    return found + list(diagnosis.unapplied)


def _diagnosis(example: str, overrides: list[dict[str, str]] | None = None) -> Diagnosis:
    answers = yaml.safe_load((EXAMPLES / f"{example}.yaml").read_text(encoding="utf-8"))["answers"]
    return make_diagnosis(get_content(), answers, overrides)


OVERRIDES = [
    {
        "target": "workstream",
        "id": "D",
        "decision": "include",
        "justification": "The Government offers a building.",
    },
    {
        "target": "action",
        "id": "4.3",
        "workstream": "D",
        "decision": "exclude",
        "justification": "Done in 2025.",
    },
]


@pytest.mark.parametrize("example", ["malawi", "somalia", "viet_nam"])
def test_made_again_in_english_a_reason_reads_as_it_was_written(example: str) -> None:
    """The facts a reason records are enough to say it again: word for word in English."""
    english = get_content()
    reasons = _reasons(_diagnosis(example, OVERRIDES))
    kinds = {r.kind for r in reasons}
    assert {"rule", "readiness", "link", "default", "override"} <= kinds
    for reason in reasons:
        assert in_words(reason, english) == reason.text


def test_a_reason_written_in_english_reads_in_french_on_a_french_page() -> None:
    french = get_content(lang="fr")
    say = translations("fr").gettext
    reasons = _reasons(_diagnosis("malawi", OVERRIDES))
    for reason in reasons:
        shown = in_words(reason, french)
        if reason.kind == "readiness":
            assert "You answered" not in shown and "Not assessed" not in shown
        if reason.kind == "link":
            code, _, action = reason.source.partition(":")
            assert french.framework.action(action).name in shown
        if reason.kind == "rule" or reason.kind == "default":
            assert shown != reason.text, f"{reason.source}: {shown}"
    answered = next(r for r in reasons if r.kind == "readiness" and r.answers)
    question = french.questionnaire.questions[answered.source]
    assert question.label.fr in in_words(answered, french)
    tails = {say("already in place"), say("still to do"), say("marked not applicable")}
    assert any(tail in in_words(answered, french) for tail in tails)


def test_a_reason_as_the_json_api_shows_it_reads_the_same() -> None:
    english = get_content()
    reason = next(r for r in _reasons(_diagnosis("malawi")) if r.kind == "rule")
    as_json = {
        "kind": reason.kind,
        "source": reason.source,
        "effect": reason.effect.value,
        "text": reason.text,
        "answers": dict(reason.answers),
    }
    assert in_words(as_json, english) == reason.text


def test_a_reason_the_content_no_longer_explains_keeps_its_words() -> None:
    english = get_content()
    gone = Reason("rule", "no-such-rule", next(iter(_reasons(_diagnosis("malawi")))).effect, "Old words.")
    assert in_words(gone, english) == "Old words."
