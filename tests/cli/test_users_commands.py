"""`cer users`, `cer tokens`, `cer audit` and the first admin made by `cer up --check`, on a real database."""

from __future__ import annotations

import json
from collections.abc import Callable

from typer.testing import Result

from tests.cli.test_tracking_commands import MALAWI, as_json


def test_cer_up_makes_the_first_admin_once_and_prints_the_password_once(db: Callable[..., Result]) -> None:
    first = db("up", "--check")
    assert first.exit_code == 0 and "First admin created: user admin" in first.stdout
    password = first.stdout.split("keep it safe): ", 1)[1].split()[0]
    again = db("up", "--check")
    assert again.exit_code == 0 and "First admin" not in again.stdout and password not in again.stdout
    listed = as_json(db("users", "list", "--json"))
    assert [(u["username"], u["roles"]) for u in listed] == [("admin", {"*": "admin"})]
    assert password not in json.dumps(as_json(db("audit", "--json")))


def test_users_roles_and_tokens_from_the_command_line_are_audited(db: Callable[..., Result]) -> None:
    made = as_json(db("users", "add", "amina", "--name", "Amina D", "--email", "amina@un.org", "--json"))
    assert made["username"] == "amina" and len(made["password"]) >= 20
    granted = db("users", "grant", "amina", "Malawi", "coordinator")
    assert granted.stdout == "amina is now coordinator in MWI.\n"
    token = as_json(db("tokens", "create", "amina", "--name", "laptop", "--json"))
    listed = db("tokens", "list", "amina")
    assert token["token"][:12] in listed.stdout and token["token"] not in listed.stdout
    assert db("tokens", "revoke", str(token["id"])).exit_code == 0
    assert "revoked" in db("tokens", "list").stdout
    assert db("users", "disable", "amina").stdout == "amina is disabled.\n"
    assert [u["active"] for u in as_json(db("users", "list", "--json"))] == [False]
    assert db("users", "enable", "amina").stdout == "amina is enabled.\n"
    trail = as_json(db("audit", "--json"))
    actions = [
        "user_enabled",
        "user_disabled",
        "token_revoked",
        "token_created",
        "role_granted",
        "user_created",
    ]
    assert [e["action"] for e in trail] == actions
    assert all(e["actor"].startswith("cli:") for e in trail)
    assert made["password"] not in json.dumps(trail) and token["token"] not in json.dumps(trail)


def test_bad_input_names_each_field_and_changes_nothing(db: Callable[..., Result]) -> None:
    bad = db("users", "add", "Not OK", "--name", "", "--password-stdin", input="short\n")
    assert bad.exit_code == 2
    for field in ("username:", "name:", "password:"):
        assert field in bad.stderr
    assert "short" not in bad.stderr
    assert as_json(db("users", "list", "--json")) == []
    assert db("users", "grant", "ghost", "MWI", "member").exit_code == 2
    refused = db("users", "grant", "ghost", "MWI", "boss")
    assert refused.exit_code == 2 and "role: not a role" in refused.stderr
    assert as_json(db("audit", "--json")) == []


def test_a_country_audit_shows_plan_and_task_changes_with_who_made_them(db: Callable[..., Result]) -> None:
    assert db("plan", "create", MALAWI, "--as", "amina").exit_code == 0
    ref = as_json(db("tasks", "list", "--country", "MWI", "--json"))[0]["ref"]
    changed = db("tasks", "update", ref, "--status", "in_progress", "--comment", "kick-off", "--as", "bo")
    assert changed.exit_code == 0, changed.stderr
    trail = as_json(db("audit", "--country", "MWI", "--json"))
    assert [(e["actor"], e["action"], e["target"]) for e in trail][-1] == ("amina", "plan_created", "MWI")
    change = next(e for e in trail if e["action"] == "task_changed")
    assert change["actor"] == "bo" and change["target"] == ref
    assert change["detail"]["status"] == ["not_started", "in_progress"]
    assert any(e["detail"].get("comment") == "kick-off" and e["actor"] == "bo" for e in trail)
    assert as_json(db("audit", "--country", "SOM", "--json")) == []
    assert db("audit", "--since", "someday").exit_code == 2
