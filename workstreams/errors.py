"""Domain errors that entry points map to exit codes or HTTP statuses."""

from __future__ import annotations

from collections.abc import Iterable


class InvalidRequest(ValueError):
    """A request the content cannot answer as asked, e.g. an empty search."""


class NotFound(LookupError):
    """An id, code or filter value that the content does not know."""

    def __init__(self, kind: str, value: object, known: Iterable[object]) -> None:
        self.kind = kind
        self.value = value
        self.known = [str(k) for k in known]
        super().__init__(f"unknown {kind} {value!r}; known: {_summarize(self.known)}")


def _summarize(known: list[str], limit: int = 12) -> str:
    if len(known) <= limit:
        return ", ".join(known)
    return ", ".join(known[: limit - 2]) + f", … , {known[-1]} ({len(known)} in all)"
