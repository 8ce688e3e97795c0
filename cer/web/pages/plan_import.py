"""Importing a plan a country team already keeps (XLSX or CSV): upload, map the columns, check, import."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
