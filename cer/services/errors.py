"""Errors of the service layer beyond the domain's own."""

from __future__ import annotations

from workstreams.errors import InvalidFields as InvalidFields  # re-exported: the doors catch it here


class Conflict(Exception):
    """The change was based on a stale version, or would duplicate what exists; nothing was written."""


class Forbidden(Exception):
    """The user's role in that country does not allow it; nothing was written."""


class Unauthenticated(Exception):
    """No valid sign-in, session or token: say who you are first."""
