"""What imports remember: the reference each imported row had in its file, and the task it became."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from cer.db.columns import when as _when


class ImportedRefRow(SQLModel, table=True):
    """A row of an imported plan file (its reference number, e.g. '2.1') and the task it became: importing
    the file again updates that task instead of adding another."""

    __tablename__ = "importedref"
    __table_args__ = (UniqueConstraint("plan_id", "ref", name="uq_importedref_plan_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    ref: str = Field(max_length=60, description="The row's reference in the file, as written")
    task_id: int = Field(foreign_key="task.id", index=True)
    imported_by: str = Field(max_length=120)
    imported_at: dt.datetime = _when()
