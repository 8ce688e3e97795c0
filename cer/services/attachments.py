"""A country team's own documents and links, attached to a tool of the catalogue ("our adapted work plan") or
to a task of its plan: attached by a member of the country, read by its viewers, removed by whoever
attached it or a coordinator. Every change is audited. A file's bytes are checked for what its name says
(cer.services.attachment_files) and kept under the var folder by a random name; they are only ever sent
as a download.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, col, select

from cer.content import Content
from cer.content.countries import find_country
from cer.db.tables import AttachmentRow, PlanRow, TaskRow
from cer.runtime.config import Settings
from cer.services import attachment_files as files
from cer.services import audit
from cer.services.access import EVERY_COUNTRY, Action, Principal, Role, require
from cer.services.country_plans import task_on_plan
from cer.services.errors import Forbidden
from workstreams.errors import N_, InvalidFields, Message, NotFound
from workstreams.status import task_reference

TITLE_CHARS = 200
LINK_CHARS = 2000

CHOOSE_COUNTRY = N_("Choose the country whose team uses it.")
GIVE_ONE = N_("Choose a file to attach, or give a link: one of the two.")
NOT_BOTH = N_("Give a file or a link, not both: attach them one at a time.")
WEB_LINKS_ONLY = N_("Give a web address starting with http:// or https://, e.g. https://example.org/plan.")
TOO_LONG = N_("Enter at most %(max_length)s characters.")  # as pydantic's refusal says it
NO_CONTROL = N_("Remove the control characters (such as line breaks) from the title.")
NOT_THE_TASKS = N_("Choose one of the task's tools: %(tools)s.")
NOT_YOURS = N_("Only who attached it, or a coordinator of %(country)s, may remove it.")
AN_ATTACHMENT = N_("attachment")
ITS_NUMBER = N_("the number of an attachment listed on a tool's or a task's page")


def folder(settings: Settings) -> Path:
    """Where attached files are kept: `attachments/` in the var folder."""
    return settings.var_dir / "attachments"


@dataclass(frozen=True)
class Upload:
    """A file as it was sent: the name the user gave it and its bytes (read up to MAX_BYTES + 1)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Attached:
    """An attachment as a page lists it: the task it is on (its reference, if still in the plan) and whether
    the reader may remove it."""

    row: AttachmentRow
    task_ref: str | None
    removable: bool


@dataclass(frozen=True)
class CountryAttachments:
    code: str
    name: str
    items: list[Attached]


@dataclass(frozen=True)
class Download:
    """An attached file open for reading (whoever removes it meanwhile, these bytes are still sent whole):
    the reader closes it."""

    file: BinaryIO
    size: int
    name: str
    media_type: str


def _title(title: str) -> str:
    text = " ".join(title.split())  # line breaks and runs of spaces: one space
    if len(text) > TITLE_CHARS:
        raise InvalidFields.of("title", TOO_LONG, max_length=TITLE_CHARS)
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise InvalidFields.of("title", NO_CONTROL)
    return text


def _link(link: str) -> str:
    url = link.strip()
    if len(url) > LINK_CHARS:
        raise InvalidFields.of("link", TOO_LONG, max_length=LINK_CHARS)
    try:
        parts = urlsplit(url)
        web = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        web = False
    if not web or any(c.isspace() or ord(c) < 32 or 127 <= ord(c) < 160 for c in url):
        raise InvalidFields.of("link", WEB_LINKS_ONLY)
    return url


def attach(
    *,
    session: Session,
    who: Principal,
    content: Content,
    store: Path,
    country: str,
    tool: str | None = None,
    task_id: int | None = None,
    title: str = "",
    upload: Upload | None = None,
    link: str = "",
) -> AttachmentRow:
    """Attach a file or a link (one of them) for `country` to `tool`, to its task `task_id`, or to both
    (the tool one of the task's); member role in the country. InvalidFields names the field refused."""
    if not country.strip():
        raise InvalidFields.of("country", CHOOSE_COUNTRY)
    code = find_country(country).code
    require(who, Action.change_task, code)
    task_key = None
    if task_id is not None:
        task = task_on_plan(
            session=session, who=who, country=code, task_id=task_id, action=Action.change_task
        )
        if tool and tool not in task.task.tools:
            raise InvalidFields.of("tool", NOT_THE_TASKS, tools=task.task.tools or ["—"])
        task_key = task.task.key
    tool_id = content.catalogue.tool(tool).id if tool else None
    row = AttachmentRow(
        country_code=code, tool_id=tool_id, task_id=task_id, kind="link", title=_title(title),
        added_by=who.username, added_by_id=who.id,
    )  # fmt: skip
    if upload is not None and link.strip():
        raise InvalidFields.of("link", NOT_BOTH)
    if upload is not None:
        _file(row, upload, store)
    elif link.strip():
        row.url = _link(link)
        row.title = row.title or row.url[:TITLE_CHARS]
    else:
        raise InvalidFields.of("file", GIVE_ONE)
    return _store(session, who, row, task_key, store)


def _file(row: AttachmentRow, upload: Upload, store: Path) -> None:
    kind = files.checked_kind(upload.name, upload.data)
    row.kind, row.file_key = "file", files.new_key()
    row.file_name = files.download_name(upload.name, kind)
    row.media_type, row.size = kind.media_type, len(upload.data)
    row.title = row.title or row.file_name
    files.keep(store, row.file_key, upload.data)


def _store(
    session: Session, who: Principal, row: AttachmentRow, task_key: str | None, store: Path
) -> AttachmentRow:
    try:
        session.add(row)
        session.flush()
        audit.record(
            session=session, actor=who.username, action="attachment_added", target=_target(row, task_key),
            country=row.country_code, attachment=row.id, kind=row.kind, title=row.title,
            file_name=row.file_name, size=row.size, url=row.url,
        )  # fmt: skip
        session.commit()
    except BaseException:
        session.rollback()
        files.discard(store, row.file_key)
        raise
    session.refresh(row)
    return row


def _target(row: AttachmentRow, task_key: str | None) -> str:
    on = [f"tool {row.tool_id}"] if row.tool_id else []
    on += [f"task {task_reference(row.country_code, task_key)}"] if task_key else []
    return f"attachment {row.id} on " + ", ".join(on) if on else f"attachment {row.id}"


def _found(session: Session, who: Principal, attachment_id: int, action: Action) -> AttachmentRow:
    """An attachment by number, if `who` may do `action` in its country (NotFound when they may not even
    read it: not whether it exists)."""
    row = session.get(AttachmentRow, attachment_id)
    if row is None or not who.can(Action.read_plan, row.country_code):
        raise NotFound(AN_ATTACHMENT, attachment_id, [Message(ITS_NUMBER)])
    require(who, action, row.country_code)
    return row


def removable(who: Principal | None, row: AttachmentRow) -> bool:
    """Whoever attached it (still a member of the country) or a coordinator of the country."""
    if who is None:
        return False
    mine = row.added_by_id == who.id if row.added_by_id is not None else row.added_by == who.username
    return who.can(Action.manage_plan, row.country_code) or (
        mine and who.can(Action.change_task, row.country_code)
    )


def remove(*, session: Session, who: Principal, store: Path, attachment_id: int) -> AttachmentRow:
    """Remove an attachment (its author or a coordinator), its file too; audited."""
    row = _found(session, who, attachment_id, Action.read_plan)
    if not removable(who, row):
        raise Forbidden(NOT_YOURS, country=row.country_code)
    task = session.get(TaskRow, row.task_id) if row.task_id is not None else None
    audit.record(
        session=session, actor=who.username, action="attachment_removed",
        target=_target(row, task.key if task else None), country=row.country_code, attachment=row.id,
        kind=row.kind, title=row.title, file_name=row.file_name, url=row.url, added_by=row.added_by,
    )  # fmt: skip
    session.delete(row)
    session.commit()
    files.discard(store, row.file_key)
    return row


def download(*, session: Session, who: Principal, store: Path, attachment_id: int) -> Download:
    """An attached file to send as a download (viewer role in its country), opened at once: one removed
    meanwhile (by another web server sharing the folder) is not found, never half sent."""
    row = _found(session, who, attachment_id, Action.read_plan)
    try:
        opened = files.stored_path(store, row.file_key).open("rb") if row.file_key else None
    except (FileNotFoundError, IsADirectoryError):
        opened = None
    if opened is None:
        raise NotFound(AN_ATTACHMENT, attachment_id, [Message(ITS_NUMBER)])
    size = os.fstat(opened.fileno()).st_size
    name, media_type = row.file_name or "attachment", row.media_type or "application/octet-stream"
    return Download(opened, size, name, media_type)


def _listed(
    who: Principal | None, rows: Iterable[tuple[AttachmentRow, str | None]]
) -> list[CountryAttachments]:
    by_country: dict[str, list[Attached]] = {}
    for row, key in rows:
        ref = task_reference(row.country_code, key) if key else None
        by_country.setdefault(row.country_code, []).append(Attached(row, ref, removable(who, row)))
    return [CountryAttachments(c, find_country(c).name, items) for c, items in sorted(by_country.items())]


def _query() -> Any:  # a select of (AttachmentRow, its task's key or None)
    return (
        select(AttachmentRow, TaskRow.key)
        .outerjoin(TaskRow, col(TaskRow.id) == col(AttachmentRow.task_id))
        .order_by(col(AttachmentRow.country_code), col(AttachmentRow.id).desc())
    )


def for_tool(*, session: Session, who: Principal | None, tool: str) -> list[CountryAttachments]:
    """A tool's attachments in each country whose plan `who` may read, newest first; none for nobody."""
    if who is None:
        return []
    query = _query().where(AttachmentRow.tool_id == tool)
    if (readable := who.readable()) is not None:
        query = query.where(col(AttachmentRow.country_code).in_(sorted(readable)))
    return _listed(who, session.exec(query).all())


@dataclass(frozen=True)
class TaskAttachments:
    """A task's attachments, newest first, with what its form offers: the task's tools."""

    ref: str
    tools: list[str]
    items: list[Attached]
    accepted: str = files.ACCEPTED  # the file input's `accept`
    most: int = files.MAX_BYTES // 2**20  # MB


def for_task(*, session: Session, who: Principal, country: str, task_id: int) -> TaskAttachments:
    """A task's attachments (viewer role in the country)."""
    found = task_on_plan(session=session, who=who, country=country, task_id=task_id)
    query = _query().where(AttachmentRow.task_id == found.task.id)
    query = query.where(AttachmentRow.country_code == found.plan.country_code)
    listed = _listed(who, session.exec(query).all())
    ref = task_reference(found.plan.country_code, found.task.key)
    return TaskAttachments(ref, list(found.task.tools), listed[0].items if listed else [])


def attachable_countries(*, session: Session, who: Principal | None) -> list[tuple[str, str]]:
    """(code, name) of the countries `who` may attach for (member role): theirs, and with a role in every
    country, every country that has a plan."""
    if who is None:
        return []
    codes = {c for c, r in who.roles.items() if c != EVERY_COUNTRY and r >= Role.member}
    if who.can(Action.change_task, None):
        codes |= set(session.exec(select(PlanRow.country_code)).all())
    return sorted(((c, find_country(c).name) for c in codes), key=lambda pair: pair[1])


def tool_stamp(*, session: Session, tool: str) -> tuple[object, ...]:
    """What changes whenever a tool's attachments do (ids are never reused): their count and highest id."""
    query = select(func.count(col(AttachmentRow.id)), func.max(col(AttachmentRow.id)))
    return tuple(session.exec(query.where(AttachmentRow.tool_id == tool)).one())


def added_at(row: AttachmentRow) -> dt.datetime:
    return row.added_at if row.added_at.tzinfo else row.added_at.replace(tzinfo=dt.UTC)
