"""Runtime state. Content (steps, actions, tools, questions) stays in YAML and is referred to by id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from cer.db.columns import utcnow as utcnow
from cer.db.columns import when as _when
from cer.db.records import CalendarChoices, WorkstreamChoice, WorkstreamChoices, WorkstreamCodes
from diagnostics.working_calendars import CalendarChoice


def _json(nullable: bool = False) -> Any:
    return Field(default=None if nullable else [], sa_column=Column(JSON, nullable=nullable))


class CountryRow(SQLModel, table=True):
    __tablename__ = "country"
    code: str = Field(primary_key=True, max_length=3, description="ISO 3166-1 alpha-3")
    name: str = Field(max_length=120)
    region: str | None = Field(default=None, max_length=80, description="UN M49 region, e.g. 'Africa'")
    subregion: str | None = Field(default=None, max_length=80, description="UN M49 sub-region")


class AgencyRow(SQLModel, table=True):
    __tablename__ = "agency"
    acronym: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=200)


class DiagnosisRow(SQLModel, table=True):
    __tablename__ = "diagnosis"
    id: int | None = Field(default=None, primary_key=True)
    country_code: str = Field(foreign_key="country.code", index=True, max_length=3)
    questionnaire_version: str = Field(max_length=20)
    content_version: str = Field(max_length=20)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    overrides: list[Any] = _json()
    complete: bool
    created_by: str = Field(max_length=120)
    created_at: dt.datetime = _when()


class DiagnosisDraftRow(SQLModel, table=True):
    """Answers being given in the browser, saved as they are (even with mistakes) until diagnosed."""

    __tablename__ = "diagnosisdraft"

    id: str = Field(primary_key=True, max_length=32, description="Unguessable token in the draft's URL")
    country_code: str | None = Field(default=None, max_length=3)
    questionnaire_version: str = Field(max_length=20)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_by: str = Field(default="", max_length=120)
    created_at: dt.datetime = _when()
    updated_at: dt.datetime = _when()
    diagnosis_id: int | None = Field(default=None, foreign_key="diagnosis.id", description="Once diagnosed")


class PlanRow(SQLModel, table=True):
    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("country_code", name="uq_plan_country"),)  # one live plan per country

    id: int | None = Field(default=None, primary_key=True)
    country_code: str = Field(foreign_key="country.code", max_length=3)
    diagnosis_id: int = Field(foreign_key="diagnosis.id")
    start: dt.date
    end: dt.date
    questionnaire_version: str = Field(max_length=20)
    content_version: str = Field(max_length=20)
    workstreams: list[WorkstreamChoice] = Field(
        default_factory=list, sa_column=Column(WorkstreamChoices, nullable=False)
    )
    created_by: str = Field(max_length=120)
    coordinator: str | None = Field(
        default=None, max_length=120, description="Gets escalations; default: who created the plan"
    )
    created_at: dt.datetime = _when()
    follow_dependencies: bool = Field(
        default=True,
        description="Moving a task moves the tasks that depend on it (automatic scheduling); off: warn only",
    )
    calendar: CalendarChoice | None = Field(
        default=None,
        sa_column=Column(CalendarChoices, nullable=True),
        description="The working calendar its dates use (None: made before plans kept one; the country's)",
    )
    finish_by: dt.date | None = Field(default=None, description="The target it is planned backward from")
    shortfall_days: int | None = Field(
        default=None, description="Working days the work needs beyond finish_by when it did not fit"
    )
    chain: list[str] | None = Field(
        default=None,
        sa_column=Column(JSON, nullable=True),
        description="The keys of the chain of tasks that decides the plan's length, first to last",
    )

    @property
    def selected(self) -> list[str]:
        """The codes of the workstreams the plan runs."""
        return [w.code for w in self.workstreams if w.selected]


class TaskRow(SQLModel, table=True):
    __tablename__ = "task"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_task_plan_key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    key: str = Field(
        max_length=64,
        description="The task's identity in its plan: '<workstream>-<action>', e.g. 'B-5.1', a shared "
        "action's id, e.g. '1.1', and for a task a workstream run's parameters added, '/<template key>', "
        "e.g. 'B-2.4/stocktake-ict'",
    )
    workstream: str = Field(max_length=1, description="The first of `workstreams`: where the task sorts")
    workstreams: list[str] = Field(
        default_factory=list,
        sa_column=Column(WorkstreamCodes, nullable=False),
        description="Every workstream the task serves: several for a shared action (e.g. 1.1), else one",
    )
    step: int
    action: str = Field(max_length=5)
    title: str = Field(max_length=300)
    description: str = ""
    note: str = Field(default="", description="The country team's own note on the task (its title stays)")
    assignee: str | None = Field(
        default=None, max_length=60, index=True, description="The user doing it: a username"
    )
    custom: bool = Field(default=False, description="Added by the country team, not by the toolkit")
    progress_note: str | None = Field(default=None, description="The latest progress, in words")
    progress_on: dt.date | None = Field(default=None, description="The day the progress note describes")
    status_on: dt.date | None = Field(default=None, description="The day the status took effect")
    lead: str = Field(max_length=120)
    contributors: list[str] = _json()
    start: dt.date
    due: dt.date
    duration_days: int
    depends_on: list[str] = _json()
    ongoing: bool = False
    critical: bool = False
    slack_days: int | None = None
    tools: list[str] = _json()
    provenance: list[str] = _json()
    status: str = Field(default="not_started", max_length=20, index=True)
    status_reason: str | None = None
    dropped_by_rediagnosis: bool = Field(default=False, description="Dropped by a re-diagnosis, not a person")
    template: str = Field(default="", max_length=40, description="Template key; '' for the plan's own task")
    opened_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=True),
        description="When a workstream run opened the task's step for work",
    )
    version: int = Field(default=1, description="Optimistic lock: bumped by every change")
    updated_at: dt.datetime = _when()


class TaskAliasRow(SQLModel, table=True):
    """Another name of a task: the key (and number) of a per-workstream copy of a shared action that was
    merged into it (migration 0010), so that references such as 'MWI-B-1.1' or '#57' still find it."""

    __tablename__ = "taskalias"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_taskalias_plan_key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    key: str = Field(max_length=64, description="The merged copy's key, e.g. 'B-1.1'")
    old_task_id: int | None = Field(default=None, index=True, description="The merged copy's number")
    task_id: int = Field(foreign_key="task.id", index=True)


class TaskEventRow(SQLModel, table=True):
    __tablename__ = "taskevent"
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    at: dt.datetime = _when()
    by: str = Field(max_length=120)
    field: str = Field(max_length=40, description="What changed: 'status', 'lead', 'due', … or 'comment'")
    old: Any = _json(nullable=True)
    new: Any = _json(nullable=True)
    comment: str | None = None
    as_of: dt.date | None = Field(default=None, description="A status or progress dated in the past: the day")


class PlanRevisionRow(SQLModel, table=True):
    """A re-diagnosis of a plan: the new diagnosis and what it changed."""

    __tablename__ = "planrevision"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    diagnosis_id: int = Field(foreign_key="diagnosis.id")
    at: dt.datetime = _when()
    by: str = Field(max_length=120)
    added: list[str] = _json()  # task keys
    reinstated: list[str] = _json()
    dropped: list[str] = _json()
    changed: list[str] = _json()
    completed_not_needed: list[str] = _json()  # done work the new answers no longer call for: kept completed


class ProgressReportRow(SQLModel, table=True):
    """A progress report that was produced: the next one lists the changes made since."""

    __tablename__ = "progressreport"

    id: int | None = Field(default=None, primary_key=True)
    country_code: str | None = Field(default=None, foreign_key="country.code", index=True, max_length=3)
    at: dt.datetime = _when()
    by: str = Field(max_length=120)
    format: str = Field(max_length=10)
    last_event_id: int = Field(
        default=0, description="The newest event the report covered: the next one starts after"
    )


class StepSignOffRow(SQLModel, table=True):
    __tablename__ = "stepsignoff"
    __table_args__ = (UniqueConstraint("plan_id", "workstream", "step", name="uq_signoff"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    workstream: str = Field(max_length=1)
    step: int
    signed_by: str = Field(max_length=120)
    signed_at: dt.datetime = _when()
    note: str | None = None
    open_tasks: list[str] = _json()  # task keys still open when the step was signed off (the note says why)
    flow_run_id: str | None = Field(default=None, max_length=36, description="The run it resumed, if any")


class FlowRunLinkRow(SQLModel, table=True):
    """A Prefect flow run started for a plan (and a workstream): the plan lists its runs and their states."""

    __tablename__ = "flowrunlink"

    id: int | None = Field(default=None, primary_key=True)
    flow_run_id: str = Field(max_length=36, unique=True)
    plan_id: int | None = Field(default=None, foreign_key="plan.id", index=True)
    country_code: str = Field(max_length=3, index=True)
    workstream: str | None = Field(default=None, max_length=1)
    flow: str = Field(max_length=60)
    name: str | None = Field(
        default=None, max_length=120, description="e.g. 'MWI · B Common Services · 2026-11-30'"
    )
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_by: str = Field(max_length=120)
    created_at: dt.datetime = _when()


class NotificationRow(SQLModel, table=True):
    """A reminder or escalation about a task. `key` makes it once-only: a re-run writes no duplicate."""

    __tablename__ = "notification"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    kind: str = Field(max_length=20, description="overdue, due_soon or escalation")
    recipient: str = Field(max_length=120, description="Who it is for: the task's lead or the coordinator")
    subject: str = Field(max_length=300)
    body: str
    created_at: dt.datetime = _when()
    sent_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=True),
        description="When it was e-mailed; None while no SMTP server is configured",
    )


class UserRow(SQLModel, table=True):
    """A person who signs in. What they may do comes from their memberships (see cer.services.access)."""

    __tablename__ = "user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True, description="Lower case: letters, digits, . _ -")
    name: str = Field(max_length=120, description="How changes they make are signed, e.g. 'Amina Diallo'")
    email: str | None = Field(default=None, max_length=254)
    agency: str | None = Field(default=None, max_length=20, description="Their agency's acronym, e.g. 'WFP'")
    password_hash: str = Field(max_length=200, description="argon2id; never the password")
    active: bool = True
    created_at: dt.datetime = _when()
    password_changed_at: dt.datetime = _when()


class MembershipRow(SQLModel, table=True):
    """A user's role in one country, or in every country ('*'); admin is only ever '*'."""

    __tablename__ = "membership"

    __table_args__ = (UniqueConstraint("user_id", "country_code", name="uq_membership_user_country"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    country_code: str = Field(max_length=3, description="ISO 3166-1 alpha-3, or '*' for every country")
    role: str = Field(max_length=20, description="viewer, member, coordinator or admin")
    granted_by: str = Field(max_length=120)
    granted_at: dt.datetime = _when()


class ApiTokenRow(SQLModel, table=True):
    """A personal token for the JSON API and a remote CLI. Only its SHA-256 is kept; it is shown once."""

    __tablename__ = "apitoken"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=80, description="What it is for, e.g. 'laptop'")
    prefix: str = Field(max_length=12, description="Its first characters, to tell tokens apart in lists")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = _when()
    last_used_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    revoked_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class WebSessionRow(SQLModel, table=True):
    """A browser's sign-in. The cookie holds a random token; only its SHA-256 is kept. Signing out deletes
    the row; an expired one is refused and removed."""

    __tablename__ = "websession"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = _when()
    expires_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AuditEventRow(SQLModel, table=True):
    """Who did what, when, to what: sign-ins, refused sign-ins, accounts, roles, tokens, plans, flow starts,
    sign-offs. Task changes are TaskEvents; `cer audit` shows both together."""

    __tablename__ = "auditevent"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    actor: str = Field(max_length=120, description="A username, or 'cli:<system user>' for the command line")
    action: str = Field(max_length=40, index=True)
    country_code: str | None = Field(default=None, max_length=3, index=True)
    target: str = Field(
        default="", max_length=200, description="What it was done to: a user, a token, a plan"
    )
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# Tables that guard what may happen (one run per workstream, sign-in limits, sign-off codes) live beside:
# imported here so that every table is known wherever the tables are.
from cer.db.feed_tables import FeedTokenRow as FeedTokenRow  # noqa: E402
from cer.db.guard_tables import RunClaimRow as RunClaimRow  # noqa: E402
from cer.db.guard_tables import SignInAttemptRow as SignInAttemptRow  # noqa: E402
from cer.db.guard_tables import SignOffCodeRow as SignOffCodeRow  # noqa: E402
from cer.db.import_tables import ImportedRefRow as ImportedRefRow  # noqa: E402


class ReportSummaryRow(SQLModel, table=True):
    """The words a coordinator writes above a country's report before sending it: the next report carries
    them until they are rewritten."""

    __tablename__ = "reportsummary"

    id: int | None = Field(default=None, primary_key=True)
    country_code: str = Field(foreign_key="country.code", unique=True, max_length=3)
    period: str = Field(default="", max_length=120, description="The reporting period, e.g. 'Q1 2027'")
    summary: str = Field(default="", description="The summary, in the coordinator's words")
    prepared_by: str = Field(max_length=120, description="Who prepared the report, as the cover names them")
    updated_by: str = Field(max_length=60, description="The username that saved it last")
    updated_at: dt.datetime = _when()


# A country team's own documents and links on a tool or a task (cer.services.attachments).
from cer.db.attachment_tables import AttachmentRow as AttachmentRow  # noqa: E402

# Invitations to join by e-mail, with a one-time link (cer.services.invitations).
from cer.db.invitation_tables import InvitationRow as InvitationRow  # noqa: E402

# Notices shown on a browser's next page (cer.services.notices).
from cer.db.notice_tables import NoticeRow as NoticeRow  # noqa: E402

# A country's diagnostic round, its respondents and the coordinator's consensus (cer.services.respondents).
from cer.db.respondent_tables import ConsensusDecisionRow as ConsensusDecisionRow  # noqa: E402
from cer.db.respondent_tables import ConsensusDiagnosisRow as ConsensusDiagnosisRow  # noqa: E402
from cer.db.respondent_tables import DiagnosticRoundRow as DiagnosticRoundRow  # noqa: E402
from cer.db.respondent_tables import RespondentRow as RespondentRow  # noqa: E402
