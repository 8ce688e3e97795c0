"""The base of every API answer's shape (cer.views.public and the modules beside it)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)
