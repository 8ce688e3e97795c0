"""`cer demo`: three example countries with plans under way, to try the reports and exports on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import Session, select

from cer.content import Content
from cer.db.tables import PlanRow
from cer.services.diagnosis import read_answers, run
from cer.services.plans import create_plan, plan_tasks
from cer.services.tasks import TaskChange, update_task
from workstreams.status import TaskStatus

EXAMPLES = ("malawi", "somalia", "viet_nam")


def seed_demo(*, session: Session, content: Content, examples_dir: Path, today: dt.date) -> list[str]:
    """Plans started four months ago, the earliest tasks done or under way; existing plans are kept."""
    created = []
    start = today - dt.timedelta(days=120)
    for name in EXAMPLES:
        answer_set = read_answers(examples_dir / f"{name}.yaml")
        report = run(content, answer_set, country=None, start=start, draft=False)
        if (
            session.exec(select(PlanRow).where(PlanRow.country_code == report.country.code)).first()
            is not None
        ):
            continue
        plan = create_plan(session=session, report=report, answer_set=answer_set, by="demo")
        _advance(session, plan, today)
        created.append(plan.country_code)
    return created


def _advance(session: Session, plan: PlanRow, today: dt.date) -> None:
    """Tasks due more than a month ago are completed, those due within two weeks are in progress."""
    started = TaskChange(status=TaskStatus.in_progress)
    done = TaskChange(status=TaskStatus.completed, comment="Done (demo)")
    for task in plan_tasks(session=session, plan=plan):
        ref, version = str(task.id), task.version
        if task.start <= today:
            update_task(session=session, ref=ref, expected_version=version, change=started, by="demo")
        if task.due < today - dt.timedelta(days=30):
            update_task(session=session, ref=ref, expected_version=version + 1, change=done, by="demo")
