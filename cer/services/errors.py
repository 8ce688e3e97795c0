"""Errors of the service layer beyond the domain's own. Each says its text as a Message (workstreams.errors):
`raise Conflict(N_("%(code)s already has a plan"), code=code)`; `str(exc)` is the English text and the doors
say it in their reader's language (cer.views.error_words.in_words)."""

from __future__ import annotations

from workstreams.errors import InvalidFields as InvalidFields  # re-exported: the doors catch it here
from workstreams.errors import Said


class Conflict(Said):
    """The change was based on a stale version, or would duplicate what exists; nothing was written."""


class Forbidden(Said):
    """The user's role in that country does not allow it; nothing was written."""


class Unauthenticated(Said):
    """No valid sign-in, session or token: say who you are first."""
