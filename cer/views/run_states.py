"""A flow run's state in words a coordinator reads, not Prefect's state types (PAUSED, CRASHED)."""

from __future__ import annotations

from cer.views.i18n import N_, say

WORDS = {
    "SCHEDULED": N_("waiting for a worker"),
    "PENDING": N_("waiting for a worker"),
    "RUNNING": N_("running"),
    "PAUSED": N_("paused"),
    "CANCELLING": N_("being stopped"),
    "COMPLETED": N_("finished"),
    "FAILED": N_("failed"),
    "CRASHED": N_("stopped unexpectedly"),
    "CANCELLED": N_("stopped"),
}
WAITING = N_("waiting for the sign-off of step %(step)s")
UNKNOWN = N_("state unknown (Prefect does not answer)")
ACTIVE = frozenset({"SCHEDULED", "PENDING", "RUNNING", "PAUSED", "CANCELLING"})


def in_words(state: str | None, waiting_for_step: int | None) -> tuple[str, dict[str, int]]:
    """The English words (to translate) and their variables: ('waiting for the sign-off of step %(step)s',
    {'step': 2})."""
    if state == "PAUSED" and waiting_for_step:
        return WAITING, {"step": waiting_for_step}
    return WORDS.get(state or "", UNKNOWN), {}


def words(state: str | None, waiting_for_step: int | None) -> str:
    """The words in English: a run's `in_words` in the JSON (the website and the command line translate)."""
    text, variables = in_words(state, waiting_for_step)
    return text % variables if variables else text


def said(state: str | None, waiting_for_step: int | None) -> str:
    """The words in the command line's language (cer.views.i18n.say)."""
    text, variables = in_words(state, waiting_for_step)
    return say(text, **variables)


def active(state: str | None) -> bool:
    return state in ACTIVE
