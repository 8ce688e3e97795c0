"""Errors of the service layer beyond the domain's own."""

from __future__ import annotations


class Conflict(Exception):
    """The change was based on a stale version, or would duplicate what exists; nothing was written."""
