"""Pages served again unrendered while nothing they show has changed: ETag revalidation (304), gzip, a change
made through the site showing at once, one made by another process once the stale window has passed."""

from __future__ import annotations

import gzip
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cer.content import Content
from cer.runtime.config import get_settings
from cer.web.page_cache import _Pages
from tests.factories import advance
from tests.web.conftest import _client, db_session, seed_plan, signed_in
from workstreams.errors import InvalidRequest
from workstreams.status import TaskStatus, task_reference

from .test_plan_pages import tasks_of


def status_in_row(html: str, task_id: int) -> str:
    row = re.search(rf'<tr id="t-{task_id}".*?</tr>', html, re.S)
    assert row, f"no row for task {task_id}"
    return row.group(0)


def test_a_plan_page_revalidates_with_its_etag_and_a_change_through_the_site_shows_at_once(
    any_site: TestClient, content: Content
) -> None:
    site = any_site
    code = seed_plan(site, content)
    task = tasks_of(site, code)[0]
    first = site.get(f"/countries/{code}")
    assert first.status_code == 200 and first.headers["content-encoding"] == "gzip"
    etag = first.headers["etag"]
    again = site.get(f"/countries/{code}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert "Accept-Encoding" in again.headers["vary"] and "HX-Request" in again.headers["vary"]
    fragment = site.get(f"/countries/{code}", headers={"HX-Request": "true"})
    assert fragment.headers["etag"] != etag and "<html" not in fragment.text and "<html" in first.text

    # the no-JavaScript form post, then the page the browser is sent back to: fresh, not the cached one
    site.post(
        f"/countries/{code}/tasks/{task.id}",
        data={"version": "1", "status": "in_progress", "comment": ""},
    )
    after = site.get(f"/countries/{code}", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["etag"] != etag
    assert "in progress" in status_in_row(after.text, task.id)
    assert "in progress" not in status_in_row(first.text, task.id)


def test_api_tasks_show_a_change_at_once_and_answer_304_while_nothing_changed(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    url = f"/api/tasks?country={code}&per_page=5"
    first = site.get(url)
    ref = first.json()["items"][0]["ref"]
    assert site.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    change = {"version": 1, "status": "in_progress"}
    assert site.patch(f"/api/tasks/{ref}", json=change).status_code == 200
    now = site.get(url)
    assert now.status_code == 200 and now.headers["etag"] != first.headers["etag"]
    item = next(i for i in now.json()["items"] if i["ref"] == ref)
    assert (item["status"], item["version"]) == ("in_progress", 2)


def _site(tmp_path: Path, stale_seconds: float) -> TestClient:
    """The site, a viewer of every country signed in."""
    client = _client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path, web_stale_seconds=stale_seconds)
    return signed_in(client, "reader", "viewer")


@pytest.mark.parametrize("stale_seconds", [0.0, 0.3])
def test_a_change_made_by_another_process_shows_once_the_stale_window_has_passed(
    tmp_path: Path, content: Content, stale_seconds: float
) -> None:
    """A flow run or the CLI writes to the database, not through the site: the page shows it once the stamps
    the site read have expired (at once with CER_WEB_STALE_SECONDS=0)."""
    site = _site(tmp_path, stale_seconds)
    code = seed_plan(site, content)
    task = tasks_of(site, code)[0]
    assert "in progress" not in status_in_row(site.get(f"/countries/{code}").text, task.id)
    with db_session(site) as session:  # as another process would: straight to the database
        advance(session, task_reference(code, task.key), TaskStatus.in_progress)
    time.sleep(stale_seconds + 0.05)
    assert "in progress" in status_in_row(site.get(f"/countries/{code}").text, task.id)
    api = site.get(f"/api/tasks?country={code}&per_page=500").json()["items"]
    assert next(i for i in api if i["ref"] == task_reference(code, task.key))["status"] == "in_progress"


def test_the_stale_window_is_validated_by_name() -> None:
    assert get_settings({"CER_WEB_STALE_SECONDS": "2.5"}).web_stale_seconds == 2.5
    for bad in ("soon", "-1", "3600"):
        with pytest.raises(InvalidRequest, match="CER_WEB_STALE_SECONDS"):
            get_settings({"CER_WEB_STALE_SECONDS": bad})


def test_the_page_cache_keeps_the_most_recent_pages_within_its_byte_budget() -> None:
    pages = _Pages(budget=10_000)
    for n in range(8):
        body = bytes([n]) * 2_000
        pages.put(("page", n), (body, gzip.compress(body), "text/html", f'W/"{n}"'))
    assert pages.used <= 10_000
    kept = [n for n in range(8) if pages.get(("page", n)) is not None]
    assert kept == list(range(8 - len(kept), 8)) and len(kept) >= 4
    pages.get(("page", kept[0]))  # used again: now the most recent
    body = b"x" * 2_000
    pages.put(("page", 99), (body, gzip.compress(body), "text/html", 'W/"99"'))
    assert pages.get(("page", kept[0])) is not None and pages.get(("page", kept[1])) is None
