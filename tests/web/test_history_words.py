"""A task's history in the page's language (issue 19): the field changed and its statuses in words, its dates
written as dates ("statut : non commencée → en cours", not "status: not_started → in_progress")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from cer.content import Content
from tests.web.conftest import seed_plan
from tests.web.test_task_planning_pages import a_task_with_dependants, form_of

SAID = {  # French puts a space before the colon (once its catalogue words the line)
    "en": (r"status: not started → in progress", "due:"),
    "fr": (r"statut\s?: non commencée → en cours", r"échéance\s?:"),
}


@pytest.mark.parametrize("lang", sorted(SAID))
def test_the_history_says_fields_statuses_and_dates_in_words(
    site: TestClient, content: Content, lang: str
) -> None:
    code = seed_plan(site, content)
    task, _ = a_task_with_dependants(site)
    url = f"/countries/{code}/tasks/{task.id}"
    assert site.post(url, data={"version": "1", "status": "in_progress"}).status_code == 200
    due = task.due + dt.timedelta(days=30)
    planned = site.post(url + "/plan", data=form_of(task, version=2, due=due.isoformat()))
    assert planned.status_code == 200, planned.text
    status, field = SAID[lang]
    dates = f'<time datetime="{task.due.isoformat()}">'
    for page in (
        site.get(f"{url}?lang={lang}").text,
        site.get(f"/countries/{code}/history?lang={lang}").text,
    ):
        assert re.search(status, page), page
        assert "not_started" not in page and "in_progress →" not in page
        assert re.search(field + " " + re.escape(dates), page), page
