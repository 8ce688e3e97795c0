"""Running a workstream: materialize the tasks a run's parameters imply, open steps, sign steps off.

Every write is idempotent. A task's identity is plan + workstream + action + template key (the task key
'B-2.4/stocktake-ict'), a sign-off's is plan + workstream + step, a flow-run link's is the Prefect run id:
a retried Prefect task or a re-run flow finds what the first attempt wrote and writes nothing twice, and a
failed attempt writes nothing at all (one transaction per call).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from cer.content.calendars import plan_calendar
from cer.db.records import serving
from cer.db.tables import FlowRunLinkRow, PlanRow, StepSignOffRow, TaskRow, utcnow
from cer.services.access import Action, Principal, require
from cer.services.plans import get_plan
from workstreams.errors import N_, InvalidRequest, Message, NotFound
from workstreams.framework import Framework
from workstreams.models import StepKind
from workstreams.parameters import PremisesRun, WorkstreamRun
from workstreams.status import OPEN, TaskStatus, check_text, task_reference
from workstreams.templates import TaskTemplate, TemplateTask, expand

SEQUENTIAL_STEPS = range(1, 7)
TASKS: Table = SQLModel.metadata.tables["task"]
EVENTS: Table = SQLModel.metadata.tables["taskevent"]


@dataclass
class Materialized:
    plan_id: int
    workstream: str
    created: list[str] = field(default_factory=list)  # task keys this call added
    existing: list[str] = field(default_factory=list)  # template tasks an earlier run had added


def plan_for(*, session: Session, params: WorkstreamRun) -> PlanRow:
    """The plan a run works on: `plan_id` if given (it must be the country's), else the country's plan."""
    if params.plan_id is None:
        return get_plan(session=session, country=params.country)
    plan = session.get(PlanRow, params.plan_id)
    if plan is None:
        raise NotFound(N_("plan"), params.plan_id, [Message(N_("the plan number shown by cer tasks list"))])
    if plan.country_code != params.country:
        raise InvalidRequest(
            N_("plan %(id)s is %(country)s's plan, not %(asked)s's"),
            id=plan.id,
            country=plan.country_code,
            asked=params.country,
        )
    return plan


def check_selected(plan: PlanRow, code: str) -> None:
    """A workstream runs only where the plan selected it (an override in the diagnosis can include it)."""
    entry = next((w for w in plan.workstreams if w.code == code), None)
    if entry is None or not entry.selected:
        why = "; ".join(r.text for r in entry.reasons) if entry else Message(N_("not in the plan"))
        raise InvalidRequest(
            N_(
                "workstream %(code)s is not selected in %(country)s's plan (%(why)s); re-diagnose with an "
                "override including it to run it"
            ),
            code=code,
            country=plan.country_code,
            why=why,
        )


def materialize(
    *,
    session: Session,
    code: str,
    params: WorkstreamRun,
    templates: list[TaskTemplate],
    framework: Framework,
) -> Materialized:
    """Add the tasks `params` imply to the plan, once: tasks an earlier run added are left as they are."""
    plan = plan_for(session=session, params=params)
    check_selected(plan, code)
    wanted = expand(templates, params)
    for attempt in (1, 2):
        tasks = _tasks(session, plan.id or 0, code)
        result = Materialized(plan.id or 0, code)
        rows = []
        for spec in wanted:
            key = f"{code}-{spec.action}/{spec.template}"
            if key in tasks:
                result.existing.append(key)
                continue
            rows.append(_new_task(plan, code, key, spec, params, tasks, framework))
            result.created.append(key)
        if not rows:
            return result
        try:
            # Core INSERTs, RETURNING the new ids: a run's tasks and their "created" events, two statements.
            made = session.execute(insert(TASKS).returning(TASKS.c.id, TASKS.c.key), rows).all()
            comments = {row["key"]: row["provenance"][0] for row in rows}
            session.execute(
                insert(EVENTS),
                [
                    {
                        "task_id": task_id,
                        "by": params.by,
                        "field": "created",
                        "new": key,
                        "comment": f"added by a workstream {code} run: {comments[key]}",
                    }
                    for task_id, key in made
                ],
            )
            session.commit()
            return result
        except IntegrityError:  # another run added the same tasks at the same moment: take theirs
            session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _tasks(session: Session, plan_id: int, code: str) -> dict[str, TaskRow]:
    """The tasks serving a workstream: its own and the shared ones it takes part in."""
    rows = session.exec(
        select(TaskRow).where(TaskRow.plan_id == plan_id, serving(TaskRow.workstreams, code))
    ).all()
    return {t.key: t for t in rows}


def _new_task(
    plan: PlanRow,
    code: str,
    key: str,
    spec: TemplateTask,
    params: WorkstreamRun,
    tasks: dict[str, TaskRow],
    framework: Framework,
) -> dict[str, Any]:
    action = framework.action(spec.action)
    # the plan's own task for the action, if it has one: the workstream's, or the shared one
    base = tasks.get(f"{code}-{spec.action}") or tasks.get(spec.action)
    same_step = [t for t in tasks.values() if t.step == action.step and not t.template]
    earliest = params.start or plan.start
    if base is not None:
        earliest = max(earliest, base.start)
    elif same_step:
        earliest = max(earliest, min(t.start for t in same_step))
    calendar = plan_calendar(plan.calendar, plan.country_code, earliest)
    start = calendar.first_working_day(earliest)
    contributors = list(params.participating_agencies) or (list(base.contributors) if base else [])
    if isinstance(params, PremisesRun):
        contributors += [a for a in params.co_locating_agencies if a not in contributors]
    return {
        "plan_id": plan.id or 0,
        "key": key,
        "template": spec.template,
        "workstream": code,
        "workstreams": [code],
        "step": action.step,
        "action": spec.action,
        "title": spec.title,
        "description": spec.description,
        "lead": params.lead_agency or (base.lead if base else _usual_lead(tasks, plan)),
        "contributors": contributors,
        "start": start,
        "due": calendar.add_working_days(start, spec.duration_days - 1),
        "duration_days": spec.duration_days,
        "depends_on": list(base.depends_on) if base else [],
        "ongoing": action.step >= 7,
        "tools": list(base.tools) if base else [],
        "provenance": [spec.because, f"template {spec.template} ({spec.source.value})"],
    }


def _usual_lead(tasks: dict[str, TaskRow], plan: PlanRow) -> str:
    own = [t for t in tasks.values() if len(t.workstreams) == 1] or list(
        tasks.values()
    )  # not the shared ones
    leads = Counter(t.lead for t in own)
    return leads.most_common(1)[0][0] if leads else plan.coordinator or plan.created_by


def open_step(*, session: Session, plan_id: int, code: str, step: int) -> int:
    """Mark a step's tasks open for work (once); returns how many were newly opened."""
    result = session.execute(
        update(TaskRow)
        .where(
            col(TaskRow.plan_id) == plan_id,
            serving(TaskRow.workstreams, code),
            col(TaskRow.step) == step,
            col(TaskRow.opened_at).is_(None),
        )
        .values(opened_at=utcnow())
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SignOff:
    row: StepSignOffRow
    already: bool  # it had been signed off before: nothing was written


def sign_off(
    *,
    session: Session,
    country: str,
    code: str,
    step: int,
    by: str,
    note: str | None,
    framework: Framework,
    flow_run_id: str | None = None,
) -> SignOff:
    """Sign a sequential step of a country's workstream off, in order; open tasks need a note saying why."""
    check_text(by=by, reason=note)
    plan = get_plan(session=session, country=country)
    code = framework.workstream(code).code
    check_selected(plan, code)
    if framework.step(step).kind is not StepKind.sequential:
        raise InvalidRequest(N_("step %(step)s runs alongside the others: it is never signed off"), step=step)
    signed = signed_steps(session=session, plan_id=plan.id or 0, code=code)
    if step in signed:
        return SignOff(signed[step], already=True)
    missing = [s for s in range(1, step) if s not in signed]
    if missing:
        raise InvalidRequest(
            N_("step %(step)s of %(country)s %(code)s is not signed off yet; steps are signed off in order"),
            step=missing[0],
            country=plan.country_code,
            code=code,
        )
    open_keys = [
        t.key
        for t in _tasks(session, plan.id or 0, code).values()
        if t.step == step and TaskStatus(t.status) in OPEN
    ]
    if open_keys and not (note and note.strip()):
        refs = ", ".join(task_reference(plan.country_code, k) for k in sorted(open_keys))
        raise InvalidRequest(
            N_(
                "step %(step)s of %(country)s %(code)s has %(count)s open task(s): %(tasks)s; finish or drop "
                "them, or sign off with a note saying why the step is done anyway"
            ),
            step=step,
            country=plan.country_code,
            code=code,
            count=len(open_keys),
            tasks=refs,
        )
    row = StepSignOffRow(
        plan_id=plan.id or 0,
        workstream=code,
        step=step,
        signed_by=by.strip(),
        note=note.strip() if note and note.strip() else None,
        open_tasks=sorted(open_keys),
        flow_run_id=flow_run_id,
    )
    try:
        session.add(row)
        session.commit()
    except IntegrityError:  # signed off by someone else at the same moment: theirs stands
        session.rollback()
        return SignOff(signed_steps(session=session, plan_id=plan.id or 0, code=code)[step], already=True)
    session.refresh(row)
    return SignOff(row, already=False)


def signed_steps(*, session: Session, plan_id: int, code: str) -> dict[int, StepSignOffRow]:
    rows = session.exec(
        select(StepSignOffRow).where(StepSignOffRow.plan_id == plan_id, StepSignOffRow.workstream == code)
    ).all()
    return {r.step: r for r in rows}


@dataclass(frozen=True)
class StepState:
    step: int
    tasks: int
    open: int
    opened: bool
    signed_off: StepSignOffRow | None


def steps_for(*, session: Session, who: Principal, country: str, code: str) -> list[StepState]:
    """Steps 1–6 of a country's workstream as `workstream_steps` says, if `who` may read the plan."""
    require(who, Action.read_plan, country)
    return workstream_steps(session=session, country=country, code=code.strip().upper())


def workstream_steps(*, session: Session, country: str, code: str) -> list[StepState]:
    """Steps 1–6 of a country's workstream: tasks, open tasks, whether a run opened it, its sign-off."""
    plan = get_plan(session=session, country=country)
    tasks = list(_tasks(session, plan.id or 0, code).values())
    signed = signed_steps(session=session, plan_id=plan.id or 0, code=code)
    states = []
    for step in SEQUENTIAL_STEPS:
        mine = [t for t in tasks if t.step == step]
        states.append(
            StepState(
                step=step,
                tasks=len(mine),
                open=sum(1 for t in mine if TaskStatus(t.status) in OPEN),
                opened=any(t.opened_at is not None for t in mine),
                signed_off=signed.get(step),
            )
        )
    return states


def link_flow_run(
    *,
    session: Session,
    flow_run_id: str,
    flow: str,
    country: str,
    plan_id: int | None,
    workstream: str | None,
    parameters: dict[str, Any],
    by: str,
    name: str | None = None,
) -> FlowRunLinkRow:
    """Record that a Prefect flow run works on a plan (once per run id)."""
    existing = session.exec(select(FlowRunLinkRow).where(FlowRunLinkRow.flow_run_id == flow_run_id)).first()
    if existing is not None:
        if existing.plan_id is None and plan_id is not None:
            existing.plan_id = plan_id
            session.add(existing)
            session.commit()
        return existing
    link = FlowRunLinkRow(
        flow_run_id=flow_run_id,
        flow=flow,
        name=name,
        country_code=country,
        plan_id=plan_id,
        workstream=workstream,
        parameters=parameters,
        started_by=by,
    )
    try:
        session.add(link)
        session.commit()
    except IntegrityError:
        session.rollback()
        return session.exec(select(FlowRunLinkRow).where(FlowRunLinkRow.flow_run_id == flow_run_id)).one()
    session.refresh(link)
    return link


def link_for(*, session: Session, flow_run_id: str) -> FlowRunLinkRow | None:
    return session.exec(select(FlowRunLinkRow).where(FlowRunLinkRow.flow_run_id == flow_run_id)).first()


def flow_runs_of_plan(*, session: Session, plan_id: int) -> list[FlowRunLinkRow]:
    return list(session.exec(select(FlowRunLinkRow).where(FlowRunLinkRow.plan_id == plan_id)).all())


def flow_runs(*, session: Session, country: str, workstream: str | None = None) -> list[FlowRunLinkRow]:
    query = select(FlowRunLinkRow).where(FlowRunLinkRow.country_code == country.strip().upper())
    if workstream is not None:
        query = query.where(FlowRunLinkRow.workstream == workstream.strip().upper())
    return list(session.exec(query.order_by(col(FlowRunLinkRow.id))).all())
