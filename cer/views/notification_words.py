"""Reminder and escalation e-mails in the e-mails' language (`CER_LANG`), written when they are sent.

A notification is stored in English (its subject and body, for the record and the `cer notifications`
listing) with the facts it is about: its kind, its task, the due date and, for an escalation, the day of the
task's last change (in its key), and the day it was checked (in its body). The e-mail is written from those
facts and the task as it is now, in the chosen language; a notification whose task is gone is sent as stored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cer.views.formats import format_date, format_words
from cer.views.i18n import translations
from cer.views.report_words import STATUS
from workstreams.status import task_reference

_CHECKED = re.compile(r"\(checked on (\d{4}-\d{2}-\d{2})\)")


def email(note: Any, task: Any | None, plan: Any | None, lang: str) -> tuple[str, str]:
    """The subject and body of `note` (a NotificationRow) in `lang`."""
    if task is None or plan is None or note.kind not in ("overdue", "escalation", "due_soon"):
        return note.subject, f"For: {note.recipient}\n\n{note.body}"
    t = translations(lang)
    checked = _checked(note)
    ref = task_reference(plan.country_code, task.key)
    days = (checked - task.due).days
    if note.kind == "due_soon":
        subject = t.gettext("%(ref)s is due on %(due)s: %(title)s") % {
            "ref": ref,
            "due": format_date(task.due, lang),
            "title": task.title,
        }
    elif note.kind == "overdue":
        late = t.ngettext("%(ref)s is overdue by %(num)s day", "%(ref)s is overdue by %(num)s days", days)
        subject = t.gettext("%(late)s: %(title)s") % {
            "late": late % {"ref": ref, "num": days},
            "title": task.title,
        }
    else:
        last_change = note.key.split(":")[3] if note.key.count(":") >= 3 else None
        unchanged = (checked - dt.date.fromisoformat(last_change)).days if last_change else 0
        late = t.ngettext("%(ref)s is %(num)s day overdue", "%(ref)s is %(num)s days overdue", days)
        still = t.ngettext("unchanged for %(num)s day", "unchanged for %(num)s days", unchanged)
        subject = t.gettext("%(late)s and %(unchanged)s: %(title)s") % {
            "late": late % {"ref": ref, "num": days},
            "unchanged": still % {"num": unchanged},
            "title": task.title,
        }
    lines = [
        t.gettext("For: %(recipient)s") % {"recipient": note.recipient},
        "",
        subject,
        "",
        t.gettext("Country: %(country)s") % {"country": plan.country_code},
        t.gettext("Workstream: %(workstreams)s, step %(step)s")
        % {"workstreams": format_words(list(task.workstreams), lang), "step": task.step},
        t.gettext("Lead: %(lead)s") % {"lead": task.lead},
        t.gettext("Start: %(start)s  Due: %(due)s  Status: %(status)s")
        % {
            "start": format_date(task.start, lang),
            "due": format_date(task.due, lang),
            "status": t.gettext(STATUS.get(task.status, task.status)),
        },
        t.gettext("(checked on %(day)s)") % {"day": format_date(checked, lang)},
    ]
    return subject, "\n".join(lines)


def _checked(note: Any) -> dt.date:
    found = _CHECKED.search(note.body or "")
    if found:
        return dt.date.fromisoformat(found.group(1))
    created: dt.datetime = note.created_at
    return created.date()
