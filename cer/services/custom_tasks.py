"""Tasks a country team adds to its plan beside the toolkit's: a title, a step, the workstreams it serves, a
lead, dates and what it depends on. A custom task is keyed '<workstream>-<step>/custom-<n>' (e.g.
'B-5/custom-1', so MWI-B-5/custom-1), is tracked, dropped and restored like any other, and a re-diagnosis
leaves it alone while its first workstream stays selected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cer.db.tables import PlanRow, TaskEventRow, TaskRow
from cer.services.access import Action, Principal, require
from cer.services.agencies import list_agencies
from cer.services.country_plans import TaskChoices
from cer.services.errors import Conflict
from cer.services.plans import get_plan, plan_tasks
from cer.services.scheduling import assignable, check_assignee, dependency_keys, plan_tasks_by_key
from cer.services.task_changes import Edited
from cer.services.tasks import reslack
from diagnostics.calendar import add_working_days
from diagnostics.dependencies import earliest_start, working_days
from workstreams.errors import N_, InvalidRequest
from workstreams.status import DUE_BEFORE_START, check_text

DEFAULT_DAYS = 10  # working days a custom task takes when no due date is given


def custom_key(code: str, step: int, n: int) -> tuple[str, str]:
    """The key and template of a plan's `n`-th task of its own: ('B-5/custom-3', 'custom-3')."""
    return f"{code}-{step}/custom-{n}", f"custom-{n}"


@dataclass(frozen=True)
class NewTask:
    title: str
    step: int
    workstreams: list[str]
    lead: str
    contributors: list[str] = field(default_factory=list)
    start: dt.date | None = None  # default: the plan's start or today, whichever is later
    due: dt.date | None = None  # default: DEFAULT_DAYS working days on
    depends_on: list[str] = field(default_factory=list)
    description: str = ""
    assignee: str | None = None


def add_task(*, session: Session, who: Principal, country: str, new: NewTask, today: dt.date) -> Edited:
    """Add a custom task to the country's plan (the member role there). When the plan follows its
    dependencies, a task that would start before what it depends on ends starts the working day after."""
    require(who, Action.change_task, country)
    plan = get_plan(session=session, country=country)
    plan = session.exec(select(PlanRow).where(PlanRow.id == plan.id).with_for_update(read=True)).one()
    codes = _checked(plan, new)
    tasks = plan_tasks_by_key(session=session, plan_id=plan.id or 0)
    n = 1 + sum(1 for t in tasks.values() if t.custom)
    key, template = custom_key(codes[0], new.step, n)
    task = TaskRow(plan_id=plan.id or 0, key=key, workstream=codes[0],
                   workstreams=codes, step=new.step, action="", title=new.title.strip(),
                   lead=new.lead.strip(), description=new.description.strip(), contributors=new.contributors,
                   custom=True,
                   template=template, start=plan.start, due=plan.start, duration_days=1,
                   provenance=[f"Added to the plan by {who.username}"])  # fmt: skip
    task.depends_on = dependency_keys(plan=plan, task=task, names=new.depends_on, tasks=tasks)
    task.assignee = None if new.assignee is None else check_assignee(
        session=session, username=new.assignee, country=plan.country_code
    )  # fmt: skip
    _place(task, new, plan, tasks, today)
    session.add(task)
    try:
        session.flush()
    except IntegrityError:  # another custom task took the number meanwhile
        session.rollback()
        raise Conflict(N_("another task was added to the plan meanwhile: try again")) from None
    session.add(TaskEventRow(task_id=task.id or 0, by=who.username, field="created", new=task.title))
    reslack(session, plan)
    session.commit()
    session.refresh(task)
    return Edited(task, plan.country_code, [], [])


def _checked(plan: PlanRow, new: NewTask) -> list[str]:
    """The workstream codes, in order, once each, every one run by the plan; the words checked."""
    check_text(title=new.title, lead=new.lead, description=new.description)
    check_text(**{f"contributor {i + 1}": name for i, name in enumerate(new.contributors)})
    if not new.title.strip():
        raise InvalidRequest(N_("a task needs a title"))
    if not 1 <= new.step <= 9:
        raise InvalidRequest(
            N_("step %(step)s does not exist: the toolkit's steps are 1 to 9"), step=new.step
        )
    codes = list(dict.fromkeys(c.strip().upper() for c in new.workstreams if c.strip()))
    if not codes:
        raise InvalidRequest(N_("a task serves at least one workstream, e.g. B"))
    missing = [c for c in codes if c not in plan.selected]
    if missing:
        runs = ", ".join(plan.selected)
        raise InvalidRequest(
            N_("%(country)s's plan does not run workstream %(missing)s (it runs %(runs)s)"),
            country=plan.country_code,
            missing=missing,
            runs=runs,
        )
    return codes


def _place(task: TaskRow, new: NewTask, plan: PlanRow, tasks: dict[str, TaskRow], today: dt.date) -> None:
    """The task's dates: as given, else from the plan's start (or today); after what it depends on when
    the plan follows its dependencies (keeping its length in working days)."""
    asked = new.start or earliest_start(max(plan.start, today) - dt.timedelta(days=1))
    if new.due and new.due < asked:
        raise InvalidRequest(DUE_BEFORE_START, due=new.due, start=asked)
    length = working_days(asked, new.due) if new.due else DEFAULT_DAYS
    dues = [tasks[k].due for k in task.depends_on]
    start = earliest_start(max(dues)) if plan.follow_dependencies and dues and asked <= max(dues) else asked
    task.start, task.duration_days = start, length
    task.due = new.due if new.due and start == asked else add_working_days(start, length - 1)


@dataclass(frozen=True)
class TaskFormChoices:
    plan: PlanRow
    choices: TaskChoices  # agencies, people who may be assigned, the plan's tasks


def new_task_choices(*, session: Session, who: Principal, country: str) -> TaskFormChoices:
    """What the form adding a task to the country's plan offers, if `who` may change its tasks."""
    require(who, Action.change_task, country)
    plan = get_plan(session=session, country=country)
    people = assignable(session=session, country=plan.country_code)
    tasks = plan_tasks(session=session, plan=plan)
    return TaskFormChoices(plan, TaskChoices(list_agencies(session=session), people, tasks))
