"""Pydantic models of the catalogue content in `tools_catalog/content/`.

Tools refer to workstreams, steps and actions by id only; `cer.content` checks those references.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from workstreams.models import ActionId, ContentModel, Source, StepNumber, WorkstreamCode

# The web archive's list of its copies of an address (https://web.archive.org/web/*/<address>).
ARCHIVE = "https://web.archive.org/web/*/"

ToolId = Annotated[str, Field(pattern=r"^T[0-9]{3,4}$", description="Catalogue id, e.g. 'T054'.")]


class ToolType(StrEnum):
    guidance = "guidance"
    template = "template"
    example = "example"
    checklist = "checklist"
    training = "training"


class Section(StrEnum):
    """Sections of toolkit.undg.org that held some tools."""

    mas = "MAS"  # The Management and Accountability System of the UN Development and RC System
    pct = "PCT"  # Post Crisis Transition


class Tool(ContentModel):
    id: ToolId
    title: str = Field(min_length=3, description="The document's title as published.")
    publisher: str = Field(min_length=2, description="Who issued it, as published.")
    year: int | None = Field(default=None, ge=1990, le=2100, description="Year issued, if known.")
    type: ToolType
    workstreams: list[WorkstreamCode] = Field(min_length=1)
    steps: list[StepNumber] = Field(min_length=1)
    actions: list[ActionId] = Field(default_factory=list, description="Main actions the tool supports.")
    actions_source: Source | None = Field(
        default=None, description="Whether the action links were read in a step's tool table or inferred."
    )
    countries: list[str] = Field(
        default_factory=list, description="Countries an example comes from, or where a tool was piloted."
    )
    section: Section | None = None
    summary: str = Field(
        min_length=20, description="What it is and when a country team uses it, in our words."
    )
    tags: list[str] = Field(default_factory=list, description="Extra search terms: acronyms, synonyms.")
    url: str | None = Field(default=None, description="Where a copy was seen (may no longer resolve).")
    url_gone: bool = Field(
        default=False,
        description="True when the site at `url` is gone (the old undg.org sites): the page then offers the "
        "address of its archived copies instead.",
    )
    url_gone_source: Source | None = Field(
        default=None, description="How we know the address is gone: 'read' in a source, or 'inferred'."
    )
    note: str | None = None
    source: Source = Field(description="'read' if the document was seen, 'listed' if only its title.")

    @property
    def archived_url(self) -> str | None:
        """Where the web archive lists its copies of a gone address (an address only: nothing is fetched)."""
        return f"{ARCHIVE}{self.url}" if self.url and self.url_gone else None

    @model_validator(mode="after")
    def _actions_come_with_their_source(self) -> Tool:
        if self.actions and self.actions_source is None:
            raise ValueError("actions_source is required when actions are given")
        if not self.actions and self.actions_source is not None:
            raise ValueError("actions_source is given but there are no actions")
        if self.url_gone and (self.url is None or self.url_gone_source is None):
            raise ValueError("url_gone needs the url and url_gone_source (read or inferred)")
        if not self.url_gone and self.url_gone_source is not None:
            raise ValueError("url_gone_source is given but url_gone is not true")
        return self


class ProviderKind(StrEnum):
    hq_office = "hq_office"
    regional = "regional"
    service_line = "service_line"
    task_team = "task_team"
    fund_office = "fund_office"
    external = "external"


class SupportProvider(ContentModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Slug, e.g. 'doco'.")]
    name: str = Field(min_length=3)
    kind: ProviderKind
    description: str = Field(
        min_length=20, description="Who they are and when to turn to them, in our words."
    )
    offers: list[str] = Field(min_length=1)
    workstreams: list[WorkstreamCode] = Field(min_length=1)
    steps: list[StepNumber] = Field(min_length=1)
    source: Source


class ToolsFile(ContentModel):
    """One file of `tools_catalog/content/` holding tools."""

    tools: list[Tool]


class SupportFile(ContentModel):
    """`tools_catalog/content/support.yaml`."""

    providers: list[SupportProvider]
