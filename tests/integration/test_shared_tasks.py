"""A shared task (one task for an action done once for the whole change) counts for each workstream it
serves: steps and sign-offs, progress, the portfolio, task lists; references by workstream still find it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from cer.content import Content
from cer.services.plans import create_plan, get_plan
from cer.services.progress import country_progress, portfolio_breakdown, portfolio_grid
from cer.services.tasks import get_task
from cer.services.workflow import open_step, sign_off, workstream_steps
from tests.factories import advance, list_tasks, make_report
from workstreams.errors import NotFound
from workstreams.status import TaskStatus

TODAY = dt.date(2027, 3, 1)


@pytest.fixture
def somalia(session: Session, content: Content) -> Session:
    report, answers = make_report(content, "somalia")  # Somalia has all of step 1 to do
    create_plan(session=session, report=report, answer_set=answers, by="rco")
    return session


def test_agreeing_to_proceed_once_counts_as_done_in_every_workstream(somalia: Session) -> None:
    agree = get_task(session=somalia, ref="SOM-1.1")
    served = agree.workstreams
    assert len(served) > 1 and [t.key for t in list_tasks(session=somalia, country="SOM")].count("1.1") == 1
    before = {code: workstream_steps(session=somalia, country="SOM", code=code)[0].open for code in served}
    advance(somalia, "SOM-1.1", TaskStatus.in_progress, TaskStatus.completed)
    after = {code: workstream_steps(session=somalia, country="SOM", code=code)[0].open for code in served}
    assert after == {code: n - 1 for code, n in before.items()}  # one step-1 task fewer open in each
    progress = country_progress(session=somalia, country="SOM", today=TODAY)
    assert progress.overall.by_status["completed"] == 1  # the country counts it once
    assert {code: progress.by_workstream[code].by_status["completed"] for code in served} == dict.fromkeys(
        served, 1
    )
    grid = portfolio_grid(session=somalia, today=TODAY)["SOM"]
    assert {code: grid[code][1].by_status["completed"] for code in served} == dict.fromkeys(served, 1)
    by_workstream, by_step = portfolio_breakdown(session=somalia, today=TODAY)
    assert {code: by_workstream[code].by_status["completed"] for code in served} == dict.fromkeys(served, 1)
    assert by_step[1].by_status["completed"] == 1


def test_a_workstream_run_opens_and_a_sign_off_names_the_shared_tasks_of_its_step(
    somalia: Session, content: Content
) -> None:
    plan_id = get_plan(session=somalia, country="SOM").id or 0
    assert open_step(session=somalia, plan_id=plan_id, code="B", step=1) == 7  # 1.1 … 1.7, all shared with B
    steps = {code: workstream_steps(session=somalia, country="SOM", code=code)[0] for code in "AB"}
    assert steps["A"].opened and steps["B"].opened  # A's step 1 is the same work, opened once
    done = sign_off(
        session=somalia, country="SOM", code="B", step=1, by="rc", note="retreat", framework=content.framework
    )
    assert done.row.open_tasks == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]


def test_a_shared_task_is_found_by_the_reference_of_each_workstream_it_serves(somalia: Session) -> None:
    agree = get_task(session=somalia, ref="SOM-1.1")
    assert get_task(session=somalia, ref="som-b-1.1").id == agree.id
    with pytest.raises(NotFound):
        get_task(session=somalia, ref="SOM-Z-1.1")
    review = get_task(session=somalia, ref="SOM-4.3")  # capacities: G's alone
    assert review.workstreams == ["G"]
    with pytest.raises(NotFound):
        get_task(session=somalia, ref="SOM-B-4.3")
