"""Importing a plan from the website and the API (issue 18): upload, see the columns read and each row, fix
the mapping, import; problems named by row and column; only members of the country may."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import func, select

from cer.content import Content
from cer.db.tables import TaskRow
from tests.web.conftest import add_user, db_session, seed_plan, signed_in

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plans" / "malawi_action_plan.xlsx"
HIDDEN = re.compile(r'name="content" value="([^"]+)"')
SELECTED = re.compile(r'name="map_(\w+)">(?:(?!</select>).)*?<option value="(\w)" selected', re.S)


def _tasks(client: TestClient) -> int:
    with db_session(client) as session:
        return session.exec(select(func.count()).select_from(TaskRow)).one()


def test_an_upload_is_checked_then_imported_with_the_mapping_shown(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    before = _tasks(site)
    form = site.get(f"/countries/{code}/import")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    files = {"file": (EXAMPLE.name, EXAMPLE.read_bytes(), "application/octet-stream")}
    checked = site.post(f"/countries/{code}/import", data={"action": "check"}, files=files)
    assert checked.status_code == 200, checked.text
    page = checked.text
    assert "header in row 4" in page and "J (Toolkit action)" in page
    assert re.search(r'<option value="G" selected>G \(Due\)</option>', page)  # the guess, shown selected
    assert "“Delayed” → in progress" in page and "updates MWI-B-2.4" in page
    assert _tasks(site) == before  # checking writes nothing
    carried = HIDDEN.search(page)
    assert carried and base64.b64decode(carried.group(1)) == EXAMPLE.read_bytes()
    # The due column left unread, then imported with the file carried by the page: no second upload.
    mapping = dict(
        re.findall(r'name="map_(\w+)">(?:(?!</select>).)*?<option value="(\w)" selected', page, re.S)
    )
    fields = {f"map_{name}": letter for name, letter in mapping.items()} | {"map_due": "-"}
    fields |= {"content": carried.group(1), "filename": EXAMPLE.name, "action": "import"}
    done = site.post(f"/countries/{code}/import", follow_redirects=False, data=fields)
    assert done.status_code == 303 and done.headers["location"] == f"/countries/{code}"
    assert _tasks(site) == before + 4


def test_a_file_with_problems_shows_each_by_row_and_column_and_offers_no_import(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    csv = b"No.;Key action;Lead;Due\n1;Run the retreat;RCO;2027-13-45\n1;Hold it again;RCO;2027-05-31\n"
    answer = site.post(f"/countries/{code}/import", data={"action": "check"},
                       files={"file": ("plan.csv", csv, "text/csv")})  # fmt: skip
    assert answer.status_code == 422
    assert "Row 2, column D (Due): &#39;2027-13-45&#39; is not a date" in answer.text
    assert "Row 3, column A (No.): 1 appears again (first in row 2)" in answer.text
    assert 'value="import"' not in answer.text
    forced = site.post(f"/countries/{code}/import", data={"action": "import"},
                       files={"file": ("plan.csv", csv, "text/csv")})  # fmt: skip
    assert forced.status_code == 422 and "nothing was imported" in forced.text


def test_only_a_member_of_the_country_may_import_and_a_viewer_sees_why(
    public_site: TestClient, content: Content
) -> None:
    code = seed_plan(public_site, content)
    viewer = signed_in(public_site, "vera", "viewer", code)
    assert viewer.get(f"/countries/{code}/import").status_code == 403
    files = {"file": (EXAMPLE.name, EXAMPLE.read_bytes(), "application/octet-stream")}
    assert viewer.post(f"/countries/{code}/import", data={"action": "check"}, files=files).status_code == 403


def test_the_api_imports_a_base64_file_and_answers_problems_in_its_error_shape(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    add_user(site, "mo", "member", code)
    body = {"filename": EXAMPLE.name, "content_base64": base64.b64encode(EXAMPLE.read_bytes()).decode()}
    dry = site.post(f"/api/plans/{code}/import", json=body | {"dry_run": True})
    assert dry.status_code == 200 and not dry.json()["imported"] and dry.json()["added"] == 4
    assert dry.json()["mapping"]["due"] == "G (Due)"
    done = site.post(f"/api/plans/{code}/import", json=body)
    assert done.status_code == 200 and done.json()["imported"] and done.json()["updated"] == 1
    bad = site.post(f"/api/plans/{code}/import", json={"filename": "x.csv", "content_base64": "not base64!"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "content_base64"
    csv = base64.b64encode(b"No.;Key action;Lead\n1;Retreat;RCO\n1;Retreat again;RCO\n").decode()
    refused = site.post(f"/api/plans/{code}/import", json={"filename": "x.csv", "content_base64": csv})
    assert refused.status_code == 422
    assert {
        "field": "row 3, column A (No.)",
        "message": "1 appears again (first in row 2)",
    } in refused.json()["errors"]


def test_a_browser_without_javascript_uploads_with_the_form_s_own_csrf_token(
    site: TestClient, content: Content
) -> None:
    """A plain multipart form carries its CSRF token as a field, not a header (found in Chromium: the upload
    was refused as a forged form)."""
    code = seed_plan(site, content)
    token = site.headers.pop("X-CSRF-Token")  # what htmx would send: a plain form has only the field
    files = {"file": (EXAMPLE.name, EXAMPLE.read_bytes(), "application/octet-stream")}
    checked = site.post(
        f"/countries/{code}/import", data={"action": "check", "csrf_token": token}, files=files
    )
    assert checked.status_code == 200 and "updates MWI-B-2.4" in checked.text
    forged = site.post(
        f"/countries/{code}/import", data={"action": "check", "csrf_token": "x" * 40}, files=files
    )
    assert forged.status_code == 403
    bare = site.post(f"/countries/{code}/import", data={"action": "check"}, files=files)
    assert bare.status_code == 403
