"""Attachments through the service on SQLite and PostgreSQL: a file's name as a user's machine may send it
(a NUL, folders, line breaks, right-to-left marks, emoji, 300 characters) never breaks the database, which
refuses NUL in text; what cannot be stored is refused in words and leaves neither a row nor a file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from cer.content import Content
from cer.db.tables import AttachmentRow, AuditEventRow, PlanRow, TaskRow
from cer.services import attachments
from cer.services.access import Principal, Role
from cer.services.plans import create_plan
from tests.factories import make_report
from workstreams.errors import InvalidFields

PDF = b"%PDF-1.7\n%%EOF\n"
AMINA = Principal(id=7, username="amina", name="Amina", roles={"MWI": Role.member})
SAMI = Principal(id=8, username="sami", name="Sami", roles={"SOM": Role.member})


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "attachments"  # beside the SQLite database's files


@pytest.fixture
def session(engine: Engine, content: Content) -> Iterator[Session]:
    with Session(engine) as session:
        report, answers = make_report(content, "malawi")
        create_plan(session=session, report=report, answer_set=answers, by="seed")
        yield session


def attach(session: Session, content: Content, store: Path, **given: object) -> AttachmentRow:
    return attachments.attach(
        session=session, who=AMINA, content=content, store=store, country="MWI", **given
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("plan\x00.pdf", "plan.pdf"),
        ("..\\..\\Windows\\system32\\a\x00b.pdf", "a b.pdf"),
        ("/etc/passwd\r\nX-Evil: 1.pdf", "passwd X-Evil: 1.pdf"),
        ("\u202eFDP.exe\u202c.pdf", "FDP.exe.pdf"),
        ("Plan 🇲🇼 2027.pdf", "Plan 🇲🇼 2027.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_an_odd_file_name_is_stored_cleaned_and_the_file_downloads_under_it(
    session: Session, content: Content, store: Path, name: str, kept: str
) -> None:
    row = attach(session, content, store, tool="T020", upload=attachments.Upload(name, PDF))
    got = attachments.download(session=session, who=AMINA, store=store, attachment_id=row.id or 0)
    with got.file:
        assert got.name == kept and got.file.read() == PDF and got.size == len(PDF)
    assert row.title == kept  # no title given: the file's name
    event = session.exec(select(AuditEventRow).where(AuditEventRow.action == "attachment_added")).one()
    assert event.detail["file_name"] == kept and event.target == f"attachment {row.id} on tool T020"


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"title": "Our\x00plan", "upload": attachments.Upload("plan.pdf", PDF)}, "title"),
        ({"title": "x" * 201, "link": "https://example.org"}, "title"),
        ({"link": "https://example.org/\x00plan"}, "link"),
        ({"link": "https://exa mple.org/"}, "link"),
        ({"link": "https://example.org/" + "x" * 2000}, "link"),
        ({"upload": attachments.Upload("plan.pdf", b"%PDX")}, "file"),
        ({"upload": attachments.Upload("plan.pdf", PDF), "link": "https://example.org"}, "link"),
        ({}, "file"),
    ],
)
def test_what_cannot_be_stored_is_refused_naming_the_field_and_leaves_nothing(
    session: Session, content: Content, store: Path, given: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidFields) as refused:
        attach(session, content, store, tool="T020", **given)
    assert [e["field"] for e in refused.value.errors] == [field]
    session.rollback()
    assert (
        session.exec(select(AttachmentRow)).all() == [] and not store.exists() or list(store.iterdir()) == []
    )


def test_a_task_attachment_lists_on_its_task_and_its_tool_for_readers_of_the_country_only(
    session: Session, content: Content, store: Path
) -> None:
    plan = session.exec(select(PlanRow).where(PlanRow.country_code == "MWI")).one()
    tasks = session.exec(select(TaskRow).where(TaskRow.plan_id == plan.id).order_by(col(TaskRow.id))).all()
    task = next(t for t in tasks if t.tools)
    made = attach(session, content, store, task_id=task.id, tool=task.tools[0], link="https://example.org/a")
    on_task = attachments.for_task(session=session, who=AMINA, country="mwi", task_id=task.id or 0)
    assert [a.row.id for a in on_task.items] == [made.id] and on_task.tools == task.tools
    [malawi] = attachments.for_tool(session=session, who=AMINA, tool=task.tools[0])
    assert (malawi.name, malawi.items[0].task_ref) == ("Malawi", f"MWI-{task.key}")
    assert attachments.for_tool(session=session, who=SAMI, tool=task.tools[0]) == []
    assert attachments.for_tool(session=session, who=None, tool=task.tools[0]) == []
    before = attachments.tool_stamp(session=session, tool=task.tools[0])
    attachments.remove(session=session, who=AMINA, store=store, attachment_id=made.id or 0)
    assert attachments.tool_stamp(session=session, tool=task.tools[0]) != before
