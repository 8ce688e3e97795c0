"""Calendar feeds to subscribe to: a user's tasks and a country's plan, read-only, by a revocable token in
the address."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
