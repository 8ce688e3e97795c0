"""What a task's row says in the plan's spreadsheets: its stored values, or the words people read, in the
chosen language (the website's catalogues, cer.views.i18n; English by default)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from cer.db.tables import TaskRow
from cer.views.i18n import N_
from workstreams.framework import Framework
from workstreams.status import task_reference

Translate = Callable[[str], str]

STATUS_WORDS = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "blocked": N_("Blocked"),
    "completed": N_("Completed"),
    "dropped": N_("Dropped"),
}


def translator(lang: str = "en") -> Translate:
    """The website's catalogue for `lang` as a function; English (the words as written here) by default."""
    from cer.views.i18n import translations

    return translations(lang).gettext


def workstream_titles(framework: Framework) -> dict[str, str]:
    """Each workstream's name as the toolkit gives it, qualifier too: 'Common Premises (where feasible)'."""
    return {w.code: f"{w.name} {w.qualifier or ''}".rstrip() for w in framework.workstreams}


def workstream_label(code: str, names: Mapping[str, str]) -> str:
    """'D Common Premises (where feasible)': the code and the name, or the code alone when it has none."""
    return f"{code} {names[code]}" if names.get(code) else code


def raw_values(task: TaskRow, country: str) -> dict[str, object]:
    """A task's columns as stored: codes, booleans, lists of keys."""
    values = task.model_dump()
    return {**values, "ref": task_reference(country, task.key), "progress": task.progress_note}


def worded_values(
    task: TaskRow, country: str, names: Mapping[str, str], words: Translate
) -> dict[str, object]:
    """A task's columns as people read them: status and yes/no in words, workstreams by name, dependencies
    by reference ('MWI-B-5.1', as in the reference column), contributors one list."""
    return {
        **raw_values(task, country),
        "workstreams": [workstream_label(code, names) for code in task.workstreams],
        "status": words(STATUS_WORDS.get(task.status, task.status)),
        "critical": words("Yes") if task.critical else words("No"),
        "depends_on": [task_reference(country, key) for key in task.depends_on],
    }
