"""The import page's form as the browser sends it: the file carried from the first upload (base64), the
column chosen for each field, and whether to check again or import."""

from __future__ import annotations

import base64
import binascii

from fastapi import UploadFile
from pydantic import BaseModel, ConfigDict, Field

from cer.services.import_rows import FIELDS
from workstreams.errors import InvalidRequest

NOT_READ = "-"  # the select's value for "this field is not in the file"


class ImportFields(BaseModel):
    model_config = ConfigDict(extra="ignore", arbitrary_types_allowed=True)  # the CSRF token comes with it

    file: UploadFile | None = None  # a new upload (then the headers are guessed again)
    content: str = Field(default="", max_length=1_000_000)
    filename: str = Field(default="", max_length=200)
    workstream: str = Field(default="", max_length=1)
    action: str = Field(default="check", pattern="^(check|import)$")
    map_ref: str | None = Field(default=None, max_length=3)
    map_title: str | None = Field(default=None, max_length=3)
    map_sub_actions: str | None = Field(default=None, max_length=3)
    map_lead: str | None = Field(default=None, max_length=3)
    map_contributing: str | None = Field(default=None, max_length=3)
    map_lead_and_contributing: str | None = Field(default=None, max_length=3)
    map_start: str | None = Field(default=None, max_length=3)
    map_due: str | None = Field(default=None, max_length=3)
    map_status: str | None = Field(default=None, max_length=3)
    map_progress: str | None = Field(default=None, max_length=3)
    map_workstream: str | None = Field(default=None, max_length=3)
    map_step: str | None = Field(default=None, max_length=3)
    map_action: str | None = Field(default=None, max_length=3)

    @property
    def has_upload(self) -> bool:
        return self.file is not None and bool(self.file.filename)

    def uploaded(self, limit: int) -> tuple[bytes, str] | None:
        """A new upload (at most `limit` + 1 bytes read: more is refused as too big), or None."""
        if self.file is None or not self.file.filename:
            return None
        return self.file.file.read(limit + 1), self.file.filename

    def carried(self) -> tuple[bytes, str]:
        """The file the previous page held."""
        try:
            data = base64.b64decode(self.content, validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if not data:
            raise InvalidRequest("choose a file to import (an .xlsx workbook or a .csv file)")
        return data, self.filename or "plan"

    def mapping(self) -> dict[str, str] | None:
        """Field → column letter ('' for not read); None on the first upload (the headers are guessed)."""
        chosen = {name: getattr(self, f"map_{name}") for name in FIELDS}
        if all(value is None for value in chosen.values()) or self.has_upload:
            return None
        return {name: "" if value in (None, NOT_READ) else value for name, value in chosen.items()}
