"""Errors of the service layer beyond the domain's own."""

from __future__ import annotations

from pydantic import ValidationError

from workstreams.errors import InvalidRequest, field_errors


class Conflict(Exception):
    """The change was based on a stale version, or would duplicate what exists; nothing was written."""


class Forbidden(Exception):
    """The user's role in that country does not allow it; nothing was written."""


class Unauthenticated(Exception):
    """No valid sign-in, session or token: say who you are first."""


class InvalidFields(InvalidRequest):
    """Input refused field by field (`errors`: [{field, message}]); the message names each field."""

    def __init__(self, errors: list[dict[str, str | None]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))

    @classmethod
    def of(cls, field: str, message: str) -> InvalidFields:
        return cls([{"field": field, "message": message}])

    def under(self, parent: str) -> InvalidFields:
        """The same errors, each field named inside `parent` (e.g. `parameters.service_lines`)."""
        return InvalidFields(
            [{**e, "field": f"{parent}.{e['field']}" if e["field"] else parent} for e in self.errors]
        )

    def by_field(self) -> dict[str, str]:
        """The first message of each top-level field (`form`: the input as a whole), as forms show them."""
        found: dict[str, str] = {}
        for e in self.errors:
            found.setdefault(str(e["field"] or "form").split(".")[0], str(e["message"]))
        return found

    @classmethod
    def from_validation(cls, exc: ValidationError) -> InvalidFields:
        """From a pydantic model's errors, in words a person acts on; never the input itself (a password may
        be in it)."""
        return cls(field_errors(exc.errors()))
