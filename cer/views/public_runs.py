"""What the JSON API answers about flow runs and step sign-offs (see cer.views.public, which re-exports
them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from cer.db.tables import FlowRunLinkRow
from cer.services.runs import SignedOff, StartedRun
from cer.services.signoff_codes import Issued
from cer.services.workflow import StepState
from cer.views.public_base import Public
from cer.views.run_states import words

# ---- flow runs and sign-offs -------------------------------------------------------------------------------


class FlowRunPublic(Public):
    flow_run_id: str
    flow: str
    country: str
    workstream: str | None
    parameters: dict[str, Any]
    started_by: str
    created_at: dt.datetime
    name: str | None = Field(description="e.g. 'MWI · B Common Services · 2026-11-30'")
    state: str | None = Field(description="Prefect's state type, when asked for and Prefect answered")
    waiting_for_step: int | None
    in_words: str = Field(description="The state as a person reads it: 'waiting for the sign-off of step 2'")

    @classmethod
    def of(cls, link: FlowRunLinkRow, states: dict[str, tuple[str, int | None]] | None) -> FlowRunPublic:
        state, waiting = (states or {}).get(link.flow_run_id, (None, None))
        return cls(
            flow_run_id=link.flow_run_id,
            flow=link.flow,
            country=link.country_code,
            workstream=link.workstream,
            parameters=link.parameters,
            started_by=link.started_by,
            created_at=link.created_at,
            name=link.name,
            state=state,
            waiting_for_step=waiting,
            in_words=words(state, waiting) if states is not None else "",
        )


class StartedRunPublic(Public):
    flow: str
    flow_run_id: str
    name: str
    country: str
    workstream: str | None
    url: str = Field(description="The run's page in Prefect's UI")
    already_running: bool = Field(
        default=False, description="The workstream's run was going already: this is it, none was started"
    )

    @classmethod
    def of(cls, started: StartedRun) -> StartedRunPublic:
        return cls.model_validate(started)


class SignOffPublic(Public):
    country: str
    workstream: str
    step: int
    signed_by: str
    signed_at: dt.datetime
    note: str | None
    open_tasks: list[str] = Field(description="Tasks still open when the step was signed off")
    already_signed: bool
    resumed_runs: list[str]
    prefect: str | None = Field(description="Why no run could be resumed now, when that is so")

    @classmethod
    def of(cls, signed: SignedOff) -> SignOffPublic:
        row = signed.done.row
        return cls(
            country=signed.country,
            workstream=row.workstream,
            step=row.step,
            signed_by=row.signed_by,
            signed_at=row.signed_at,
            note=row.note,
            open_tasks=row.open_tasks,
            already_signed=signed.done.already,
            resumed_runs=signed.resumed_runs,
            prefect=signed.prefect,
        )


class StepPublic(Public):
    step: int
    tasks: int
    open: int
    opened: bool = Field(description="A run opened the step for work")
    signed_by: str | None
    signed_at: dt.datetime | None
    note: str | None

    @classmethod
    def of(cls, state: StepState) -> StepPublic:
        s = state.signed_off
        return cls(
            step=state.step,
            tasks=state.tasks,
            open=state.open,
            opened=state.opened,
            signed_by=s.signed_by if s else None,
            signed_at=s.signed_at if s else None,
            note=s.note if s else None,
        )


class SignOffCodePublic(Public):
    """A one-time code that signs one step off as its holder in the sign-off form of a waiting run."""

    country: str
    workstream: str
    step: int
    code: str = Field(description="Shown once; type it into the form of the run waiting for this step")
    username: str = Field(description="The account the step is signed off as")
    expires_at: dt.datetime

    @classmethod
    def of(cls, issued: Issued) -> SignOffCodePublic:
        row = issued.row
        return cls(
            country=row.country_code, workstream=row.workstream, step=row.step, code=issued.code,
            username=row.username, expires_at=row.expires_at,
        )  # fmt: skip
