"""A report's facts in words, in the reader's language: statuses, field names, dates as dates, lists joined,
and each change of the change log as a sentence ("contributors: Programme groups → Programme groups,
Government"). English is marked with `N_` and translated when a report is rendered (cer/locale)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from cer.content import Content
from cer.db.tables import TaskEventRow, TaskRow
from cer.services.reports import CountryReport
from cer.views import task_words
from cer.views.i18n import LANGUAGES, N_, translations

LOCALES = {"en": "en_GB", "fr": "fr", "es": "es", "ar": "ar"}  # British English writes "1 March 2027"
STATUS = {
    "not_started": N_("not started"),
    "in_progress": N_("in progress"),
    "blocked": N_("blocked"),
    "completed": N_("completed"),
    "dropped": N_("dropped"),
}
FIELDS = {
    "status": N_("status"),
    "status_on": N_("status date"),
    "status_reason": N_("reason"),
    "reason": N_("reason"),
    "lead": N_("lead"),
    "contributors": N_("contributors"),
    "assignee": N_("assigned to"),
    "start": N_("start"),
    "due": N_("due"),
    "depends_on": N_("depends on"),
    "title": N_("title"),
    "description": N_("description"),
    "note": N_("note"),
    "progress": N_("progress"),
    "progress_on": N_("progress date"),
    "created": N_("added"),
    "replanned": N_("re-planned"),
    "critical": N_("critical"),
    "slack_days": N_("slack days"),
    "workstreams": N_("workstreams"),
}
NOTHING = "—"


def language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "en"


@dataclass(frozen=True)
class Words:
    """The words of one report, in `lang`; a toolkit task's lead and contributors named in the language of
    `shown` (cer.views.task_words) when it is given."""

    lang: str = "en"
    shown: Content | None = None

    def named(self, name: str) -> str:
        return task_words.who(name, self.shown) if self.shown is not None else name

    def _(self, text: str, **variables: Any) -> str:
        translated: str = translations(self.lang).gettext(text)
        return translated % variables if variables else translated

    def day(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return NOTHING
        return format_date(value, format="long", locale=LOCALES.get(self.lang, "en_GB"))

    def status(self, code: str) -> str:
        return self._(STATUS[code]) if code in STATUS else code.replace("_", " ")

    def field(self, name: str) -> str:
        return self._(FIELDS[name]) if name in FIELDS else name.replace("_", " ")

    def value(self, name: str, value: Any) -> str:
        """One recorded value as a person reads it: a status in words, a date as a date, a list joined."""
        if value is None or value == "" or value == []:
            return NOTHING
        if isinstance(value, list):
            return ", ".join(self.value(name, v) for v in value)
        if isinstance(value, dict):
            return "; ".join(f"{self.field(k)} {self.value(k, v)}" for k, v in value.items())
        if isinstance(value, bool):
            return self._("yes") if value else self._("no")
        if name == "status" and isinstance(value, str):
            return self.status(value)
        if isinstance(value, dt.date):
            return self.day(value)
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return self.day(dt.date.fromisoformat(value))
            except ValueError:
                return value
        return str(value)

    def change(self, event: TaskEventRow) -> str:
        """One event of the change log as a sentence."""
        if event.field == "comment":
            return self._("comment: “%(words)s”", words=event.comment or "")
        if event.field == "created":
            return self._("added to the plan") + (f": {event.new}" if event.new else "")
        old, new = event.old, event.new
        if isinstance(old, dict) and isinstance(new, dict):  # facts re-derived: only those that changed
            keys = [k for k in new if old.get(k) != new.get(k)]
            old, new = {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}
        text = f"{self.field(event.field)}: {self.value(event.field, old)} → {self.value(event.field, new)}"
        if event.as_of:
            text += " (" + self._("as of %(day)s", day=self.day(event.as_of)) + ")"
        if event.comment and event.field != "comment":
            text += f" — “{event.comment}”"
        return text

    def state(self, task: TaskRow, today: dt.date) -> str:
        """A task's status in words, with the dates that matter for it."""
        status = self.status(task.status)
        if task.status == "completed":
            return self._("%(status)s on %(day)s", status=status, day=self.day(task.status_on or task.due))
        if task.status == "dropped" or task.status == "blocked":
            return f"{status}: {task.status_reason}" if task.status_reason else status
        if task.status == "not_started" and task.start > today:
            start, due = self.day(task.start), self.day(task.due)
            return self._("%(status)s; starts %(start)s, due %(due)s", status=status, start=start, due=due)
        text = self._("%(status)s, due %(day)s", status=status, day=self.day(task.due))
        if task.due < today:
            text += " · " + self._("%(days)s days late", days=(today - task.due).days)
        return text

    def period(self, report: CountryReport) -> str:
        """The reporting period: as the coordinator wrote it, else from the previous report (or the plan's
        start) to the report's day."""
        if report.summary and report.summary.period:
            return report.summary.period
        start = report.since.date() if report.since else report.progress.plan.start
        if start > report.today:
            return self._("up to %(day)s", day=self.day(report.today))
        return self._("%(start)s to %(end)s", start=self.day(start), end=self.day(report.today))

    def progress(self, task: TaskRow) -> str:
        """The latest progress note, dated when it says which day it describes."""
        if not task.progress_note:
            return ""
        if task.progress_on is None:
            return task.progress_note
        return f"{self.day(task.progress_on)}: {task.progress_note}"

    def people(self, task: TaskRow) -> str:
        """Lead and contributing, as country teams write them: "OMT (lead); contributing: UNDP, WFP"."""
        text = self._("%(lead)s (lead)", lead=self.named(task.lead))
        if task.contributors:
            names = ", ".join(self.named(n) for n in task.contributors)
            text += "; " + self._("contributing: %(names)s", names=names)
        return text
