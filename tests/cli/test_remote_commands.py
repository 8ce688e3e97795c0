"""`cer` against a running server's JSON API (CER_SERVER_URL + CER_TOKEN): the same commands, the token's
user and roles, the server's refusals as exit codes. The server is uvicorn on loopback, in this process."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlmodel import Session, select
from typer.testing import Result

from cer.content import Content
from cer.db.migrate import upgrade
from cer.db.session import engine_for
from cer.db.tables import PlanRevisionRow, PlanRow, TaskEventRow, TaskRow
from cer.runtime.config import Settings
from cer.services import users
from cer.services.plans import create_plan
from cer.web.app import create_app
from tests.factories import make_report

PASSWORD = "correct horse battery"
MALAWI = Path(__file__).resolve().parents[2] / "examples" / "malawi.yaml"
ACTION_PLAN = MALAWI.parent / "plans" / "malawi_action_plan.xlsx"


@pytest.fixture
def server(tmp_path: Path, content: Content) -> Iterator[tuple[str, dict[str, str], str]]:
    """A server on a free loopback port over a database with Malawi's plan; (url, tokens by user, a ref)."""
    url = f"sqlite:///{tmp_path / 'cer.db'}"
    upgrade(url)
    tokens: dict[str, str] = {}
    with Session(engine_for(url)) as session:
        report, answer_set = make_report(content, "malawi")
        plan = create_plan(session=session, report=report, answer_set=answer_set, by="seed")
        task = session.exec(select(TaskRow).where(TaskRow.plan_id == plan.id).order_by(TaskRow.id)).first()
        assert task is not None
        ref = f"{plan.country_code}-{task.key}"
        for name, role in (("amina", "member"), ("vic", "viewer"), ("cora", "coordinator")):
            users.create_user(session=session, username=name, name=name.title(), password=PASSWORD, by="t")
            users.grant(session=session, username=name, country="MWI", role=role, by="t")
            tokens[name] = users.create_token(session=session, username=name, name="cli", by="t")[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(settings=Settings(database_url=url, var_dir=tmp_path, web_stale_seconds=0.0))
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    while not uv.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", tokens, ref
    uv.should_exit = True
    thread.join(timeout=10)


def remote(cer: Callable[..., Result], url: str, token: str) -> Callable[..., Result]:
    return lambda *args: cer(*args, env={"CER_SERVER_URL": url, "CER_TOKEN": token})


def test_a_member_lists_and_updates_tasks_on_the_server_as_themselves(
    cer: Callable[..., Result], server: tuple[str, dict[str, str], str], tmp_path: Path
) -> None:
    url, tokens, ref = server
    amina = remote(cer, url, tokens["amina"])
    listed = amina("tasks", "list", "--country", "MWI", "--json")
    assert listed.exit_code == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert ref in {i["ref"] for i in items} and len(items) > 10
    assert ref in amina("tasks", "list", "--country", "mwi").stdout  # the same table as a local cer
    done = amina("tasks", "update", ref, "--status", "in_progress", "--comment", "kick-off held")
    assert done.exit_code == 0, done.stderr
    assert "in_progress" in done.stdout
    history = amina("tasks", "history", ref)
    assert "amina: status: not_started → in_progress" in history.stdout
    stale = amina("tasks", "update", ref, "--status", "completed", "--version", "1")
    assert stale.exit_code == 3 and "changed since version 1" in stale.stderr
    assert amina("tasks", "update", ref, "--status", "completed", "--as", "bob").exit_code == 2
    shown = amina("plan", "show", "MWI")
    assert shown.exit_code == 0 and shown.stdout.startswith("Plan for MWI:")
    with Session(engine_for(f"sqlite:///{tmp_path / 'cer.db'}")) as session:
        events = session.exec(select(TaskEventRow)).all()
    assert {(e.field, e.by) for e in events} == {("status", "amina"), ("comment", "amina")}


def test_the_servers_refusals_are_told_and_nothing_changes(
    cer: Callable[..., Result], server: tuple[str, dict[str, str], str], tmp_path: Path
) -> None:
    url, tokens, ref = server
    viewer = remote(cer, url, tokens["vic"])
    assert viewer("tasks", "list", "--country", "MWI").exit_code == 0
    refused = viewer("tasks", "update", ref, "--status", "in_progress")
    assert refused.exit_code == 4 and "needs the member role" in refused.stderr
    assert viewer("signoff", "MWI", "A", "--step", "1").exit_code == 4
    wrong = remote(cer, url, "cer_not-a-real-token")("tasks", "list", "--country", "MWI")
    assert wrong.exit_code == 4 and "CER_TOKEN" in wrong.stderr
    clear = cer("tasks", "list", "--country", "MWI", env={"CER_SERVER_URL": "http://cer.example.org",
                                                          "CER_TOKEN": tokens["vic"]})  # fmt: skip
    assert clear.exit_code == 2 and "https" in clear.stderr
    missing = cer("tasks", "list", "--country", "MWI", env={"CER_SERVER_URL": url})
    assert missing.exit_code == 2 and "CER_TOKEN" in missing.stderr
    gone = remote(cer, "http://127.0.0.1:9", tokens["vic"])("tasks", "list", "--country", "MWI")
    assert gone.exit_code == 2 and "cannot reach the server" in gone.stderr
    with Session(engine_for(f"sqlite:///{tmp_path / 'cer.db'}")) as session:
        assert session.exec(select(TaskEventRow)).all() == []
        assert session.exec(select(PlanRow)).one().country_code == "MWI"


def test_each_command_prints_the_same_from_the_database_and_from_the_server(
    cer: Callable[..., Result], server: tuple[str, dict[str, str], str], tmp_path: Path
) -> None:
    url, tokens, ref = server
    amina = remote(cer, url, tokens["amina"])
    assert amina("tasks", "update", ref, "--status", "in_progress", "--comment", "kick-off").exit_code == 0
    local = {"CER_DATABASE_URL": f"sqlite:///{tmp_path / 'cer.db'}"}
    for command in (
        ("plan", "show", "MWI"),
        ("tasks", "list", "--country", "MWI", "--workstream", "B"),
        ("tasks", "list", "--country", "MWI", "--overdue"),
        ("tasks", "history", ref),
        ("signoffs", "MWI", "B"),
        ("runs", "MWI"),
        ("plan", "import", "MWI", str(ACTION_PLAN), "--dry-run"),
    ):
        for json_ in ((), ("--json",)):
            here, there = cer(*command, *json_, env=local), amina(*command, *json_)
            assert here.exit_code == there.exit_code == 0, (command, here.stderr, there.stderr)
            assert here.stdout == there.stdout, command


def test_a_coordinator_creates_and_rediagnoses_plans_on_the_server(
    cer: Callable[..., Result], server: tuple[str, dict[str, str], str], tmp_path: Path
) -> None:
    url, tokens, _ = server
    cora, amina = remote(cer, url, tokens["cora"]), remote(cer, url, tokens["amina"])
    again = cora("plan", "create", str(MALAWI))
    assert again.exit_code == 3 and "already has a plan" in again.stderr
    assert amina("plan", "rediagnose", "MWI", str(MALAWI)).exit_code == 4  # a member may not
    merged = cora("plan", "rediagnose", "MWI", str(MALAWI), "--json")
    assert merged.exit_code == 0, merged.stderr
    assert json.loads(merged.stdout)["by"] == "cora"
    assert cora("plan", "rediagnose", "MWI", str(MALAWI)).stdout.startswith("Re-diagnosis recorded.")
    started = cora("run", "change-process", "MWI", str(MALAWI))
    assert started.exit_code == 2 and "works on the database only" in started.stderr
    with Session(engine_for(f"sqlite:///{tmp_path / 'cer.db'}")) as session:
        assert [r.by for r in session.exec(select(PlanRevisionRow)).all()] == ["cora", "cora"]


def test_a_redirect_is_refused_and_the_token_goes_nowhere_else(cer: Callable[..., Result]) -> None:
    seen: list[str | None] = []

    class Redirecting(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.headers.get("Authorization"))
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:9/elsewhere")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with http.server.HTTPServer(("127.0.0.1", 0), Redirecting) as httpd:
        threading.Thread(target=httpd.handle_request, daemon=True).start()
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        answer = remote(cer, url, "cer_secret")("tasks", "list", "--country", "MWI")
    assert answer.exit_code == 2 and "redirected" in answer.stderr
    assert seen == ["Bearer cer_secret"]  # asked once, of the server named, and never followed
