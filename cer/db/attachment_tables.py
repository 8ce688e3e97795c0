"""A country team's own documents and links, attached to a tool of the catalogue or a task of its plan
(cer.services.attachments). A file's bytes are kept under the var folder, named by `file_key` alone."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from cer.db.columns import when as _when


class AttachmentRow(SQLModel, table=True):
    """A file or a link a member of `country_code` attached to a tool, a task, or a task for one of its tools.

    Ids are never reused (SQLite AUTOINCREMENT), so the count and highest id of a tool's attachments change
    whenever they do: the tool page's stamp."""

    __tablename__ = "attachment"
    __table_args__ = {"sqlite_autoincrement": True}
    id: int | None = Field(default=None, primary_key=True)
    country_code: str = Field(index=True, max_length=3, description="ISO 3166-1 alpha-3")
    tool_id: str | None = Field(default=None, index=True, max_length=10, description="A catalogue id")
    task_id: int | None = Field(default=None, index=True, description="A task of the country's plan")
    kind: str = Field(max_length=10, description="'file' or 'link'")
    title: str = Field(max_length=200, description="What it is, in the team's words")
    url: str | None = Field(default=None, max_length=2000, description="A link's http(s) address")
    file_key: str | None = Field(default=None, unique=True, max_length=64, description="The name on disk")
    file_name: str | None = Field(default=None, max_length=255, description="The name it is downloaded as")
    media_type: str | None = Field(default=None, max_length=120, description="The type its bytes were found")
    size: int | None = Field(default=None, description="Bytes")
    added_by: str = Field(max_length=120, description="The username that attached it")
    added_by_id: int | None = Field(default=None, description="Their user id (0: the local command line)")
    added_at: dt.datetime = _when()
