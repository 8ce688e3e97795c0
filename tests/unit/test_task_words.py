"""A plan's toolkit tasks shown in the reader's language: stored in English, said again from the content."""

from __future__ import annotations

import dataclasses

import pytest

from cer.content import get_content
from cer.content.translations import catalogue
from cer.views import task_words
from tests.factories import make_report


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return make_report(get_content())[0]


def test_a_toolkit_tasks_words_in_english_are_those_stored(report) -> None:  # type: ignore[no-untyped-def]
    english = get_content()
    for task in report.plan.tasks:
        assert task_words.title(task, english) == task.title
        assert task_words.description(task, english) == task.description
        assert task_words.why(task, report.diagnosis, english) == task.provenance


def test_in_french_a_toolkit_task_reads_in_french(report) -> None:  # type: ignore[no-untyped-def]
    french = get_content(lang="fr")
    words = catalogue("fr")
    for task in report.plan.tasks:
        title = task_words.title(task, french)
        assert title != task.title, task.id
        action = french.framework.action(task.action)
        assert title.startswith(action.name)
        shown = task_words.why(task, report.diagnosis, french)
        assert len(shown) == len(task.provenance) and shown != task.provenance
        assert not any(line.startswith(("You answered", "Workstream ")) for line in shown)
    lead = report.plan.tasks[0].lead
    assert task_words.who(lead, french) == words.get(lead, lead)


def test_a_task_the_team_wrote_or_changed_keeps_its_words(report) -> None:  # type: ignore[no-untyped-def]
    french = get_content(lang="fr")
    task = report.plan.tasks[0]
    own = dataclasses.replace(task, title="Our own words for it")
    assert task_words.title(own, french) == "Our own words for it"
    older = dataclasses.replace(task, provenance=["A reason an older content gave."])
    assert task_words.why(older, report.diagnosis, french) == ["A reason an older content gave."]
