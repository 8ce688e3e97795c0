"""A country's workstream flows as its readers see them: for each workstream the plan selects, its steps 1–6
(tasks, open tasks, opened, signed off) and the runs started for the country with their Prefect states."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cer.db.tables import PlanRow
from cer.services.access import Action, Principal, require
from cer.services.countries import country_name
from cer.services.plans import get_plan
from cer.services.runs import Launcher, RunsOfCountry, runs_of_country
from cer.services.workflow import StepState, workstream_steps

RUNS_SHOWN = 50  # the newest; Prefect is asked for each one's state


@dataclass(frozen=True)
class PlanFlows:
    plan: PlanRow
    name: str  # the country's
    selected: list[str]  # the workstreams the plan selects
    runs: RunsOfCountry  # the newest RUNS_SHOWN, states unknown (None) when Prefect does not answer
    steps: dict[str, list[StepState]]  # by selected workstream


def plan_flows(*, session: Session, who: Principal, country: str, launcher: Launcher) -> PlanFlows:
    """The flows of a country's plan, if `who` may read it."""
    require(who, Action.read_plan, country)
    plan = get_plan(session=session, country=country)
    code, selected = plan.country_code, plan.selected
    runs = runs_of_country(session=session, who=who, country=code, launcher=launcher, limit=RUNS_SHOWN)
    steps = {c: workstream_steps(session=session, country=code, code=c) for c in selected}
    return PlanFlows(plan, country_name(session=session, code=code), selected, runs, steps)
