"""Sign-in, sessions, CSRF, security headers, API tokens, and hostile text: what an attacker tries, refused;
what a user types, shown as typed and never run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import AuditEventRow, CountryRow, PlanRow, TaskEventRow, TaskRow, UserRow, WebSessionRow
from cer.runtime.config import get_settings
from cer.services import throttle, users
from cer.services.throttle import PER_USER
from cer.web.identities import IDENTITIES
from tests.web.conftest import (
    PASSWORD,
    _client,
    add_user,
    csrf_of,
    db_session,
    seed_plan,
    sign_in,
    signed_in,
    unsafe_routes,
)
from workstreams.errors import InvalidRequest

HOSTILE = """<script>alert(1)</script>"'><img src=x onerror=alert(2)>"""
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_signing_in_sets_a_server_side_session_that_logout_and_expiry_end(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = _client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path, web_stale_seconds=0.0)
    add_user(client, "amina", "viewer")
    assert client.get("/countries", follow_redirects=False).headers["location"] == "/login?next=%2Fcountries"
    wrong = sign_in(client, "amina", PASSWORD + "x")
    assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
    assert "cer_session" not in wrong.headers.get("set-cookie", "")
    done = sign_in(client, "amina")
    cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith("cer_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # http on loopback
    token = client.cookies["cer_session"]
    with db_session(client) as session:  # only a digest is kept
        assert session.exec(select(WebSessionRow)).one().token_hash != token
    assert client.get("/countries").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client, "/account")})
    assert client.get("/countries", follow_redirects=False).status_code == 303
    client.cookies.set("cer_session", token)  # a copy of the old cookie is worth nothing
    assert client.get("/countries", follow_redirects=False).status_code == 303
    client.cookies.clear()
    sign_in(client, "amina")
    with db_session(client) as session:
        row = session.exec(select(WebSessionRow)).one()
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        session.add(row)
        session.commit()
    assert client.get("/countries", follow_redirects=False).status_code == 303
    with db_session(client) as session:
        assert session.exec(select(WebSessionRow)).all() == []  # an expired session is removed
        actions = [e.action for e in session.exec(select(AuditEventRow).order_by(AuditEventRow.id)).all()]
    assert actions[-4:] == ["login_failed", "login", "logout", "login"]
    assert PASSWORD not in caplog.text and token not in caplog.text  # nothing secret is logged


def test_a_new_password_or_a_disabled_account_ends_every_sign_in(tmp_path: Path) -> None:
    client = signed_in(
        _client(f"sqlite:///{tmp_path / 'c.db'}", tmp_path, web_stale_seconds=0.0), "bo", "viewer"
    )
    assert client.get("/countries").status_code == 200
    with db_session(client) as session:
        users.set_password(session=session, username="bo", password="another long password", by="t")
    assert client.get("/countries", follow_redirects=False).status_code == 303
    assert sign_in(client, "bo").status_code == 401  # the old password no longer works
    with db_session(client) as session:
        users.set_active(session=session, username="bo", active=False, by="t")
    client.cookies.clear()
    del client.headers["X-CSRF-Token"]
    assert sign_in(client, "bo", "another long password").status_code == 401


def test_secure_cookies_over_https_and_in_production(tmp_path: Path) -> None:
    client = _client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path)
    client.base_url = client.base_url.copy_with(scheme="https")
    add_user(client, "amina", "viewer")
    done = sign_in(client, "amina")
    assert all("Secure" in c for c in done.headers.get_list("set-cookie"))
    production = _client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path, env="production", secret_key="s" * 40)
    assert "Secure" in production.get("/login").headers["set-cookie"]


def test_outside_development_a_real_secret_key_is_required() -> None:
    with pytest.raises(InvalidRequest, match="CER_SECRET_KEY"):
        get_settings({"CER_ENV": "production"})
    with pytest.raises(InvalidRequest, match="CER_SECRET_KEY"):
        get_settings({"CER_ENV": "production", "CER_SECRET_KEY": "short"})
    with pytest.raises(InvalidRequest, match="CER_ENV"):
        get_settings({"CER_ENV": "staging"})
    with pytest.raises(InvalidRequest, match="CER_SESSION_HOURS"):
        get_settings({"CER_SESSION_HOURS": "forever"})
    key = "k" * 48
    assert get_settings({"CER_ENV": "production", "CER_SECRET_KEY": key}).secret_key == key
    assert get_settings({}).env == "development"


def test_sign_in_is_limited_after_repeated_failures(tmp_path: Path) -> None:
    client = _client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path)
    add_user(client, "cleo", "viewer")
    assert client.get("/login?next=//[x").status_code == 200  # not an address: back to the overview
    assert (
        sign_in(client, "a\x00b").status_code == 422
    )  # a control character is refused at the gate (issue 17)
    for _ in range(5):
        assert sign_in(client, "cleo", "guess " * 3).status_code == 401
    blocked = sign_in(client, "cleo")  # even the right password, for a while
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 60
    assert "Too many failed sign-ins" in blocked.text
    with db_session(client) as session:
        failures = session.exec(select(AuditEventRow).where(AuditEventRow.action == "login_failed")).all()
    assert len(failures) == 5  # the refused attempts never reached the password check (nor the NUL one)


def test_attempts_made_at_once_are_counted_before_any_password_is_checked(any_site: TestClient) -> None:
    with db_session(any_site) as session:
        made = [
            throttle.attempt(session=session, address="10.0.0.1", username="cleo") for _ in range(PER_USER)
        ]
        with pytest.raises(throttle.Throttled):  # the sixth waits, though none has failed yet
            throttle.attempt(session=session, address="10.0.0.1", username="cleo")
        throttle.succeeded(session=session, address="10.0.0.1", username="cleo", attempt_id=made[-1])
        assert throttle.attempt(
            session=session, address="10.0.0.1", username="cleo"
        )  # forgiven: counted anew


def test_failed_sign_ins_count_in_the_database_for_every_process(tmp_path: Path) -> None:
    """Two websites on one database (two processes, two machines): failures on one count on the other."""
    url = f"sqlite:///{tmp_path / 'cer.db'}"
    one, other = _client(url, tmp_path), _client(url, tmp_path)
    add_user(one, "cleo", "viewer")
    for site in (one, other, one, other, one):
        assert sign_in(site, "cleo", "guess " * 3).status_code == 401
    assert sign_in(other, "cleo").status_code == 429  # the sixth, on the other one


def test_every_form_post_without_or_with_a_wrong_csrf_token_is_refused(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    with db_session(site) as session:
        plan = session.exec(select(PlanRow)).one()
        task = session.exec(select(TaskRow).where(TaskRow.plan_id == plan.id)).first()
        assert task is not None
    values = {
        "code": code,
        "task_id": task.id,
        "workstream": "E",
        "draft_id": "x",
        "token_id": 1,
        "question": "dq05",
    }
    values |= {"diagnosis_id": plan.diagnosis_id}
    values |= {"invitation_id": 1, "username": "tester", "token": "x" * 20}
    values |= {"tool_id": "T020", "attachment_id": 1}
    routes = sorted(r for r in unsafe_routes() if not r.startswith("/api/"))
    assert {"/login", "/logout", "/countries/{code}/tasks/{task_id}", "/diagnose"} <= set(routes)
    form = {"version": "1", "status": "in_progress", "username": "tester", "password": PASSWORD}
    del site.headers["X-CSRF-Token"]
    for path in routes:
        url = path.format(**values)
        for token in (None, "0" * 64, csrf_of(site, "/account") + "0"):
            data = form if token is None else form | {"csrf_token": token}
            refused = site.post(url, data=data, follow_redirects=False)
            assert refused.status_code == 403 and "CSRF" in refused.text, (url, token, refused.status_code)
        assert site.post(url, data=form, headers={"X-CSRF-Token": "nope"}).status_code == 403
        assert site.post(url, data=form | {"csrf_token": "é"}).status_code == 403  # refused, not a 500
    with db_session(site) as session:
        assert session.exec(select(TaskEventRow)).all() == []
    accepted = site.post(
        f"/countries/{code}/tasks/{task.id}", data=form | {"csrf_token": csrf_of(site, "/account")}
    )
    assert accepted.status_code == 200 and "was changed" in accepted.text


def test_every_answer_carries_the_security_headers_and_no_page_has_inline_script(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    pages = ["/", "/steps/1", "/workstreams/B", "/tools?q=premises", "/diagnose", "/login", "/account"]
    pages += ["/api/docs"]
    pages += [f"/countries/{code}", f"/countries/{code}/timeline", f"/countries/{code}/flows", "/portfolio"]
    for path in [*pages, "/api/tools", "/nope", "/static/style.css", f"/countries/{code}/report.html"]:
        answer = site.get(path)
        policy = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
        assert "script-src" not in policy or "script-src 'self'" in policy or "default-src 'none'" in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    for path in pages:
        html = site.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert "javascript:" not in html, path


def test_the_api_answers_401_without_a_valid_token_and_acts_as_its_owner(
    public_site: TestClient, content: Content
) -> None:
    site = public_site
    code = seed_plan(site, content)
    add_user(site, "dana", "member", code)
    with db_session(site) as session:
        token_row, token = users.create_token(session=session, username="dana", name="laptop", by="t")
        ref = f"{code}-{session.exec(select(TaskRow)).first().key}"  # type: ignore[union-attr]
    outsider = {"Authorization": f"Bearer {token}"}
    for elsewhere in (
        "SOM-A-1.1",
        "VNM-B-4.1",
    ):  # a country without a role: 403 whether the task exists or not
        assert site.get(f"/api/tasks/{elsewhere}", headers=outsider).status_code == 403
    missing = site.get("/api/tasks")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.json()["errors"][0]["message"]
    for header in ("Bearer cer_not-a-token", "Basic ZGFuYTpwdw==", "Bearer "):
        assert site.get("/api/tasks", headers={"Authorization": header}).status_code == 401
    assert site.get("/api/tools").status_code == 200  # the toolkit stays public
    auth = {"Authorization": f"Bearer {token}"}
    changed = site.patch(f"/api/tasks/{ref}", json={"version": 1, "status": "in_progress"}, headers=auth)
    assert changed.status_code == 200
    history = site.get(f"/api/tasks/{ref}/history", headers=auth).json()["items"]
    assert history[-1]["by"] == "dana"
    with db_session(site) as session:
        users.revoke_token(session=session, token_id=token_row.id or 0, by="t")
    IDENTITIES.forget()  # as the stale window passing would (revoked by another process: the CLI)
    assert site.get("/api/tasks", headers=auth).status_code == 401


def test_hostile_text_is_shown_escaped_in_pages_reports_and_exports(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    with db_session(site) as session:
        task = session.exec(select(TaskRow)).first()
        assert task is not None
        task.title = HOSTILE
        task.lead = '=HYPERLINK("http://x")'
        session.add(task)
        country = session.get(CountryRow, code)
        assert country is not None
        country.name = HOSTILE
        session.add(country)
        user = session.exec(select(UserRow).where(UserRow.username == "tester")).one()
        user.name = HOSTILE
        session.add(user)
        session.commit()
        task_id = task.id
    site.post(f"/countries/{code}/tasks/{task_id}", data={"version": "1", "comment": HOSTILE})
    pages = [f"/countries/{code}", f"/countries/{code}/tasks/{task_id}", f"/countries/{code}/history"]
    pages += [f"/countries/{code}/timeline", "/countries", "/portfolio", f"/countries/{code}/report.html"]
    pages += ["/portfolio/report.html", "/account", f"/tools?q={HOSTILE}", f"/countries/{code}/timeline.svg"]
    for path in pages:
        text = site.get(path).text
        assert HOSTILE not in text and "<script>alert" not in text and "<img src=x" not in text, path
    assert ESCAPED in site.get(f"/countries/{code}/tasks/{task_id}").text
    rows = list(csv.reader(io.StringIO(site.get(f"/countries/{code}/export.csv").text)))
    header = rows[0]
    mine = next(r for r in rows[1:] if r[header.index("title")] == HOSTILE)
    assert mine[header.index("lead")] == '\'=HYPERLINK("http://x")'  # not a formula
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")) and not re.match(r"-[^\d]", cell), cell


def test_a_token_made_on_the_account_page_is_shown_once_and_only_its_owner_or_an_admin_revokes_it(
    site: TestClient,
) -> None:
    made = site.post("/account/tokens", data={"name": "laptop"})
    secret = re.search(r'<code id="new-token">(cer_[^<]+)</code>', made.text)
    assert made.status_code == 200 and secret and made.headers["cache-control"] == "no-store"
    again = site.get("/account").text
    assert secret.group(1) not in again and secret.group(1)[:12] in again  # listed by its first characters
    assert site.post("/account/tokens", data={"name": ""}).status_code == 422
    with db_session(site) as session:
        token_id = users.list_tokens(session=session, username="tester")[0][0].id
    other = signed_in(TestClient(site.app), "eve", "coordinator", "MWI")
    assert other.post(f"/account/tokens/{token_id}/revoke").status_code == 403
    assert site.get("/api/tasks", headers={"Authorization": f"Bearer {secret.group(1)}"}).status_code == 200
    assert site.post(f"/account/tokens/{token_id}/revoke", follow_redirects=False).status_code == 303
    IDENTITIES.forget()
    assert site.get("/api/tasks", headers={"Authorization": f"Bearer {secret.group(1)}"}).status_code == 401
    with db_session(site) as session:
        events = session.exec(select(AuditEventRow)).all()
    assert [e.action for e in events].count("token_created") == 1
    assert [e.action for e in events].count("token_revoked") == 1
    assert secret.group(1) not in str([e.model_dump() for e in events])
