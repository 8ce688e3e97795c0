"""The toolkit's checklist by step and main action: generic, and per country with each task's status."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
