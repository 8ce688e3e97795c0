"""The task lifecycle, people's words on tasks, progress counting and the re-diagnosis merge: pure rules."""

from __future__ import annotations

import datetime as dt

import pytest

from workstreams.errors import InvalidRequest
from workstreams.status import (
    IllegalTransition,
    Progress,
    TaskStatus,
    check_text,
    check_transition,
    lateness,
    merge,
)

S = TaskStatus


def test_allowed_transitions_and_reasons() -> None:
    check_transition(S.not_started, S.in_progress, None)
    check_transition(S.completed, S.in_progress, None)  # reopen
    with pytest.raises(IllegalTransition, match="an in_progress task cannot become not_started"):
        check_transition(S.in_progress, S.not_started, None)
    with pytest.raises(IllegalTransition, match="give a reason"):
        check_transition(S.in_progress, S.blocked, "  ")


def test_people_s_words_are_bounded_and_free_of_control_characters() -> None:
    check_text(lead="UNICEF", comment="two\nlines are fine in a comment")
    cases = [
        ({"lead": "x" * 121}, "at most 120"),
        ({"lead": "a\x07b"}, "control characters"),
        ({"lead": "a\nb"}, "line breaks"),
        ({"by": " "}, "cannot be empty"),
    ]
    for bad, message in cases:
        with pytest.raises(InvalidRequest, match=message):
            check_text(**bad)


def test_only_open_tasks_are_late_or_due_and_dropped_ones_do_not_count() -> None:
    today = dt.date(2027, 3, 1)
    assert lateness("in_progress", dt.date(2027, 2, 1), today) == (True, False)
    assert lateness("not_started", dt.date(2027, 3, 10), today) == (False, True)
    assert lateness("completed", dt.date(2027, 2, 1), today) == (False, False)
    p = Progress()
    for status in ("completed", "in_progress", "dropped", "not_started"):
        p.add(status, dt.date(2027, 2, 1), today)
    assert (p.active, p.percent_complete, p.overdue) == (3, 33, 2)
    assert (p + p).active == 6


def test_the_merge_keeps_work_and_only_undoes_its_own_drops() -> None:
    existing = {
        "A-1.1": (S.completed, False),  # done, still needed: kept
        "A-2.1": (S.in_progress, False),  # open, no longer needed: dropped
        "A-3.1": (S.completed, False),  # done, no longer needed: reported, stays completed
        "A-4.1": (S.dropped, True),  # dropped by a re-diagnosis, needed again: reinstated
        "A-5.1": (S.dropped, False),  # dropped by a person, needed again: stays as the person left it
        "A-6.1": (S.dropped, True),  # dropped by a re-diagnosis and still not needed: nothing to do
    }
    m = merge(existing, ["A-1.1", "A-4.1", "A-5.1", "A-7.1"])
    assert (m.add, m.reinstate, m.keep) == (["A-7.1"], ["A-4.1"], ["A-1.1", "A-5.1"])
    assert (m.drop, m.completed_not_needed) == (["A-2.1"], ["A-3.1"])
