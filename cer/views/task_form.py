"""The task page's planning form as the browser sends it, and the change it asks for.

Every field comes every time (the form shows the task's current values), so the service, which compares each
with the task, records only what the person changed. Empty text leaves a field as it is, except where empty
means something: no contributors, nobody assigned, no dependencies, no note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cer.services.custom_tasks import NewTask
from cer.services.tasks import TaskChange


class TaskForm(BaseModel):
    model_config = ConfigDict(extra="ignore")  # the CSRF token comes with it

    version: int = Field(ge=1, le=2**31 - 1)
    lead: str = Field(default="", max_length=120)
    agencies: list[str] = Field(default_factory=list, max_length=60)  # contributing agencies ticked
    others: str = Field(default="", max_length=2000)  # other contributors, comma-separated (e.g. "OMT")
    assignee: str = Field(default="", max_length=60)
    start: dt.date | None = None
    due: dt.date | None = None
    depends_on: list[str] = Field(default_factory=list, max_length=300)
    title: str | None = Field(default=None, max_length=300)  # custom tasks only
    description: str | None = Field(default=None, max_length=4000)  # custom tasks only
    note: str = Field(default="", max_length=4000)
    progress: str = Field(default="", max_length=4000)
    progress_on: dt.date | None = None

    def change(self) -> TaskChange:
        others = [name.strip() for name in self.others.split(",") if name.strip()]
        return TaskChange(
            lead=self.lead,
            contributors=list(dict.fromkeys([*self.agencies, *others])),
            assignee=self.assignee,
            start=self.start,
            due=self.due,
            depends_on=self.depends_on,
            title=self.title,
            description=self.description,
            note=self.note,
            progress=self.progress if self.progress.strip() else None,
            progress_on=self.progress_on if self.progress.strip() else None,
        )

    def shown(self) -> dict[str, Any]:
        """What the person typed, to show again beside a refusal."""
        return self.model_dump(exclude={"version"})


class NewTaskForm(BaseModel):
    """The form adding a task to a plan, as the browser sends it."""

    model_config = ConfigDict(extra="ignore")  # the CSRF token comes with it

    title: str = Field(default="", max_length=300)
    step: int = Field(default=1, ge=1, le=9)
    workstreams: list[str] = Field(default_factory=list, max_length=7)
    lead: str = Field(default="", max_length=120)
    agencies: list[str] = Field(default_factory=list, max_length=60)
    others: str = Field(default="", max_length=2000)
    assignee: str = Field(default="", max_length=60)
    start: dt.date | None = None
    due: dt.date | None = None
    depends_on: list[str] = Field(default_factory=list, max_length=300)
    description: str = Field(default="", max_length=4000)

    def new(self) -> NewTask:
        others = [name.strip() for name in self.others.split(",") if name.strip()]
        values = self.model_dump(exclude={"agencies", "others", "assignee"})
        people = list(dict.fromkeys([*self.agencies, *others]))
        return NewTask(**values, contributors=people, assignee=self.assignee or None)

    def shown(self) -> dict[str, Any]:
        return self.model_dump()
