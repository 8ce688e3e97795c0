"""The summary a coordinator writes above a country's report before sending it: the reporting period, who
prepared it, and the words. Kept per country, so the next report carries it until it is rewritten."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cer.db.tables import PlanRow, ReportSummaryRow, utcnow
from cer.services import audit
from cer.services.access import Action, Principal, require
from cer.services.errors import Conflict, InvalidFields
from cer.services.plans import get_plan
from workstreams.errors import N_

SUMMARY_LIMIT = 8000


class SummaryText(BaseModel):
    """What the form sends: a period and a name on one line each, the summary in paragraphs."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    period: str = Field(default="", max_length=120, description="e.g. 'January to March 2027'")
    prepared_by: str = Field(default="", max_length=120, description="e.g. 'Amina Diallo, RCO'")
    summary: str = Field(default="", max_length=SUMMARY_LIMIT)

    @field_validator("period", "prepared_by")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise ValueError(N_("Write this on one line."))
        return value


@dataclass(frozen=True)
class SummaryPage:
    plan: PlanRow
    summary: ReportSummaryRow | None  # None until one is saved


def check_summary(**values: str) -> SummaryText:
    """The text as the form sent it, or InvalidFields naming each field refused (nothing is written)."""
    try:
        return SummaryText(**values)
    except ValidationError as exc:
        raise InvalidFields.from_validation(exc) from None


def unsaved_summary(*, who: Principal, country: str, text: SummaryText) -> ReportSummaryRow:
    """`text` as a summary that is not kept: what a preview shows."""
    return ReportSummaryRow(
        country_code=country.strip().upper(),
        period=text.period,
        summary=text.summary,
        prepared_by=text.prepared_by or who.name,
        updated_by=who.username,
    )


def stored_summary(*, session: Session, country: str) -> ReportSummaryRow | None:
    """The country's saved summary, if any (no access check: for the report that holds it)."""
    code = country.strip().upper()
    return session.exec(select(ReportSummaryRow).where(ReportSummaryRow.country_code == code)).first()


def report_summary(*, session: Session, who: Principal, country: str) -> SummaryPage:
    """The summary the country's next report carries, if `who` may read the country's plan."""
    require(who, Action.read_plan, country)
    plan = get_plan(session=session, country=country)
    return SummaryPage(plan, stored_summary(session=session, country=plan.country_code))


def save_report_summary(*, session: Session, who: Principal, country: str, text: SummaryText) -> SummaryPage:
    """Keep `text` as the summary of the country's reports (a coordinator of the country may)."""
    require(who, Action.manage_plan, country)
    plan = get_plan(session=session, country=country)
    row = stored_summary(session=session, country=plan.country_code)
    if row is None:
        row = ReportSummaryRow(country_code=plan.country_code, prepared_by="", updated_by=who.username)
    row.period, row.summary = text.period, text.summary
    row.prepared_by = text.prepared_by or who.name
    row.updated_by, row.updated_at = who.username, utcnow()
    session.add(row)
    code = plan.country_code
    audit.record(session=session, actor=who.username, action="report_summary_saved", country=code)
    try:
        session.commit()
    except IntegrityError:  # two first summaries at once: the other one was kept
        session.rollback()
        raise Conflict(
            N_("the summary of %(country)s's report was saved meanwhile: reload and try again"), country=code
        ) from None
    session.refresh(row)
    return SummaryPage(plan, row)
