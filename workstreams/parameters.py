"""The typed parameters of each workstream's run, and the sign-off a step waits for.

One pydantic model per workstream A–G: Prefect renders it as the run's form, and the CLI and the web
validate against it before any run is created. What the parameters imply (one stock-take per service line,
one appraisal per premises option, …) is content: `workstreams/content/templates.yaml`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from workstreams.errors import N_, InvalidFields, InvalidRequest, Message, NotFound


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not (code.isascii() and code.isalpha()):
        raise ValueError(N_("Give the country's three-letter ISO code, e.g. MWI."))
    return code


def _workstream_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 1 or code not in "ABCDEFG":
        raise ValueError(N_("Choose a workstream: a letter from A to G."))
    return code


CountryCode = Annotated[
    str,
    AfterValidator(_country_code),
    Field(
        description="ISO 3166-1 alpha-3 code of the country, e.g. MWI",
        json_schema_extra={"pattern": "^[A-Za-z]{3}$"},
    ),
]
WorkstreamCode = Annotated[
    str,
    AfterValidator(_workstream_code),
    Field(description="A workstream: a letter from A to G", json_schema_extra={"pattern": "^[A-Ga-g]$"}),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


def _unique(values: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value in seen:
            raise ValueError(Message(N_("%(value)s is listed twice"), value=str(value)))
        seen.append(value)
    return seen


UNIQUE = AfterValidator(_unique)
Names = Annotated[list[Name], Field(max_length=30), UNIQUE]


class ServiceLine(StrEnum):
    procurement = "procurement"
    ict = "ict"
    hr = "hr"
    finance = "finance"
    logistics = "logistics"
    administration = "administration"
    security = "security"
    banking = "banking"
    travel = "travel"


class Audience(StrEnum):
    government = "government"
    donors = "donors"
    staff = "staff"
    media = "media"
    civil_society = "civil_society"
    public = "public"


class PremisesOption(StrEnum):
    un_house_new_build = "un_house_new_build"
    refurbish_existing = "refurbish_existing"
    lease = "lease"
    government_provided = "government_provided"


class FundingSource(StrEnum):
    one_fund = "one_fund"
    bilateral_donors = "bilateral_donors"
    government = "government"
    vertical_funds = "vertical_funds"
    ifis = "ifis"
    private_sector = "private_sector"


class FundArrangement(StrEnum):
    pass_through = "pass_through"
    pooled = "pooled"
    none = "none"


class ReportingCycle(StrEnum):
    annual = "annual"
    semi_annual = "semi_annual"
    quarterly = "quarterly"


class ChangeGovernance(StrEnum):
    change_team = "change_team"
    task_force = "task_force"
    unct_steering = "unct_steering"


LABELS: dict[str, str] = {
    "procurement": "procurement",
    "ict": "ICT",
    "hr": "human resources",
    "finance": "finance",
    "logistics": "logistics",
    "administration": "administration and facilities",
    "security": "security",
    "banking": "banking",
    "travel": "travel",
    "government": "the Government",
    "donors": "donors",
    "staff": "UN staff",
    "media": "the media",
    "civil_society": "civil society",
    "public": "the public",
    "un_house_new_build": "a new UN House",
    "refurbish_existing": "refurbishing existing premises",
    "lease": "leasing shared premises",
    "government_provided": "premises offered by the Government",
    "one_fund": "the One Fund",
    "bilateral_donors": "bilateral donors",
    "vertical_funds": "vertical and global funds",
    "ifis": "international financial institutions",
    "private_sector": "the private sector",
    "pass_through": "pass-through",
    "pooled": "pooled",
    "none": "none",
    "annual": "annual",
    "semi_annual": "semi-annual",
    "quarterly": "quarterly",
    "change_team": "change team",
    "task_force": "inter-agency task force",
    "unct_steering": "UNCT steering committee",
}


class WorkstreamRun(BaseModel):
    """What every workstream run takes: the country, its plan, when, and who leads and takes part."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    country: CountryCode
    plan_id: int | None = Field(default=None, ge=1, description="The plan to work on; default: the country's")
    start: dt.date | None = Field(
        default=None, description="Earliest start of new tasks; default: the plan's"
    )
    lead_agency: Name | None = Field(default=None, description="Leads the tasks this run creates")
    participating_agencies: Names = Field(default_factory=list)
    by: Name = Field(default="cer-toolkit", description="Who started the run (recorded on what it creates)")


class ProgrammeRun(WorkstreamRun):
    """A UN Programme."""

    results_groups: Annotated[list[Name], Field(max_length=12), UNIQUE] = Field(
        default_factory=list, description="Inter-agency results groups, one results matrix each"
    )


class CommonServicesRun(WorkstreamRun):
    """B Common Services and Harmonized Business Practices."""

    service_lines: Annotated[list[ServiceLine], UNIQUE] = Field(
        default_factory=list, description="Service lines to take stock of and cost"
    )


class CommunicationsRun(WorkstreamRun):
    """C Joint Communications."""

    communications_group_exists: bool = Field(default=False, description="A UN Communications Group works")
    audiences: Annotated[list[Audience], UNIQUE] = Field(
        default_factory=list, description="Who the messages are for"
    )


class PremisesRun(WorkstreamRun):
    """D Common Premises."""

    premises_options: Annotated[list[PremisesOption], UNIQUE] = Field(default_factory=list)
    co_locating_agencies: Names = Field(default_factory=list, description="Agencies willing to move in")
    security_constraint: bool = Field(default=False, description="Security limits where the UN may co-locate")


class ResourceMobilizationRun(WorkstreamRun):
    """E Joint Resource Mobilization."""

    funding_target_usd: int = Field(default=0, ge=0, le=10**12, description="Joint funding target, US$")
    funding_sources: Annotated[list[FundingSource], UNIQUE] = Field(default_factory=list)


class BudgetaryFrameworkRun(WorkstreamRun):
    """F Common Budgetary Framework."""

    fund_arrangement: FundArrangement = FundArrangement.none
    reporting_cycle: ReportingCycle = ReportingCycle.annual


class OrganizationalChangeRun(WorkstreamRun):
    """G Organizational Change."""

    change_governance: ChangeGovernance = ChangeGovernance.change_team
    sponsor: Name = Field(default="Resident Coordinator", description="Who sponsors the change")


RUN_PARAMETERS: dict[str, type[WorkstreamRun]] = {
    "A": ProgrammeRun,
    "B": CommonServicesRun,
    "C": CommunicationsRun,
    "D": PremisesRun,
    "E": ResourceMobilizationRun,
    "F": BudgetaryFrameworkRun,
    "G": OrganizationalChangeRun,
}


class StepSignOffInput(BaseModel):
    """What a person gives to sign a step off (the form Prefect shows on a suspended run)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        default="",
        max_length=20,
        description="Your one-time sign-off code, from the plan's Flows page or `cer signoff … --code`: the "
        "step is signed off as you",
    )
    note: str | None = Field(
        default=None, max_length=2000, description="Why, when the step still has open tasks"
    )


# Each workstream's flow, by the name it is deployed under on the Prefect server.
FLOW_NAMES = {code: f"workstream-{code.lower()}" for code in RUN_PARAMETERS}
RUN_TITLES = {
    "A": "A UN Programme",
    "B": "B Common Services",
    "C": "C Joint Communications",
    "D": "D Common Premises (where feasible)",
    "E": "E Joint Resource Mobilization",
    "F": "F Common Budgetary Framework",
    "G": "G Organizational Change",
}


def run_name(code: str, country: str, day: dt.date) -> str:
    """How a workstream's run is named from the moment it exists: 'MWI · B Common Services · 2026-11-30'."""
    return f"{country} · {RUN_TITLES[code]} · {day.isoformat()}"


def run_parameters(code: str, values: Mapping[str, Any]) -> WorkstreamRun:
    """Validate a run's parameters with the workstream's model; InvalidFields names every bad field (the one
    validator for the website, the API, the command line and the flows)."""
    model = RUN_PARAMETERS.get(code.strip().upper())
    if model is None:
        raise NotFound(N_("workstream"), code, list(RUN_PARAMETERS))
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        what = Message(N_("workstream %(code)s parameters"), code=code.strip().upper())
        raise InvalidFields.from_validation(exc, what) from None


def parse_cli_values(code: str, pairs: list[str]) -> dict[str, Any]:
    """'service_lines=procurement,ict' pairs to values: list fields split on commas; checked by the model."""
    model = RUN_PARAMETERS.get(code.strip().upper())
    if model is None:
        raise InvalidRequest(
            N_("unknown workstream %(code)s; known: %(known)s"), code=repr(code), known=list(RUN_PARAMETERS)
        )
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name:
            raise InvalidRequest(
                N_("--param %(pair)s: write name=value, e.g. service_lines=procurement,ict"), pair=repr(pair)
            )
        field = model.model_fields.get(name)
        is_list = field is not None and "list" in str(field.annotation)
        values[name] = [v.strip() for v in value.split(",") if v.strip()] if is_list else value.strip()
    return values
