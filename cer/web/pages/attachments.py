"""A country team's own documents and links on a tool or a task: attaching one (a multipart form: a file or a
link), downloading a file (only ever as a download, never shown in the browser), removing one. The lists
are on the tool's page ("Used in Malawi", cer.web.pages.browse) and the task's (cer.web.pages.tasks)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from cer.services import attachments
from cer.services.access import Principal
from cer.services.attachment_files import ACCEPTED, MAX_BYTES, TOO_BIG
from cer.services.errors import InvalidFields
from cer.views.error_words import by_field_in
from cer.web.deps import DB, CurrentUser, RowId, content, language, settings
from cer.web.notices import redirect_with_notice
from cer.web.templating import local_path, render, tr

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
ToolId = Annotated[str, Path(pattern=r"^T[0-9]{3,4}$")]
Title = Annotated[str, Form(max_length=1000)]
Link = Annotated[str, Form(max_length=4000)]
Upload = Annotated[UploadFile | None, File()]


@dataclass
class Attaching:
    """What the form asks for, and where the attachment goes: a tool (`country` chosen) or a task."""

    country: str
    tool: str = ""
    task_id: int | None = None
    title: str = ""
    link: str = ""
    file: UploadFile | None = field(default=None, repr=False)

    def back(self) -> str:
        return back_to(self.country, self.tool, self.task_id)


def back_to(country: str, tool: str | None, task_id: int | None) -> str:
    """The page an attachment is listed on: its task's, else its tool's."""
    if task_id is not None:
        return f"/countries/{country}/tasks/{task_id}#attachments"
    return f"/tools/{tool}#used-in"


@router.post("/tools/{tool_id}/attachments", response_class=HTMLResponse)
def attach_to_tool(
    request: Request, tool_id: ToolId, session: DB, who: CurrentUser, title: Title = "", link: Link = "",
    country: Annotated[str, Form(max_length=80)] = "", file: Upload = None,
) -> Response:  # fmt: skip
    """A member's document or link for their country, attached to a tool: back to the tool's page."""
    return _attach(request, session, who, Attaching(country, tool_id, None, title, link, file))


@router.post("/countries/{code}/tasks/{task_id}/attachments", response_class=HTMLResponse)
def attach_to_task(
    request: Request, code: str, task_id: RowId, session: DB, who: CurrentUser, title: Title = "",
    link: Link = "", tool: Annotated[str, Form(max_length=10)] = "", file: Upload = None,
) -> Response:  # fmt: skip
    """A member's document or link attached to a task of the country's plan (for one of its tools, if
    chosen): back to the task's page."""
    return _attach(request, session, who, Attaching(code.strip().upper(), tool, task_id, title, link, file))


@router.get("/attachments/{attachment_id}")
def download_attachment(request: Request, attachment_id: RowId, session: DB, who: CurrentUser) -> Response:
    """An attached file, as a download (viewer role in its country): never shown inline."""
    found = attachments.download(
        session=session, who=who, store=attachments.folder(settings(request)), attachment_id=attachment_id
    )
    headers = download_headers(found.name) | {"Content-Length": str(found.size)}
    return StreamingResponse(read_through(found.file), media_type=found.media_type, headers=headers)


@router.post("/attachments/{attachment_id}/delete", response_class=HTMLResponse)
def remove_attachment(
    request: Request, attachment_id: RowId, session: DB, who: CurrentUser,
    next: Annotated[str, Form(max_length=400)] = "",  # noqa: A002  (the form's field)
) -> Response:  # fmt: skip
    """Remove an attachment (whoever attached it, or a coordinator): back to the page it was listed on."""
    store = attachments.folder(settings(request))
    gone = attachments.remove(session=session, who=who, store=store, attachment_id=attachment_id)
    said = tr(request, "Removed “%(title)s”.", title=gone.title)
    back = back_to(gone.country_code, gone.tool_id, gone.task_id)
    return redirect_with_notice(request, local_path(next, back), said)


def read_through(file: BinaryIO) -> Iterator[bytes]:
    """A file's bytes in pieces of 64 KB, then closed."""
    with file:
        while piece := file.read(2**16):
            yield piece


def download_headers(name: str) -> dict[str, str]:
    """Sent as a file to save, whatever its type: its name in ASCII and, exactly, in UTF-8 (RFC 6266)."""
    plain = "".join(c if c.isascii() and (c.isalnum() or c in " ._-()") else "_" for c in name)
    return {
        "Content-Disposition": f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }


def _attach(request: Request, session: DB, who: Principal, asked: Attaching) -> Response:
    try:
        made = attachments.attach(
            session=session, who=who, content=content(request), store=attachments.folder(settings(request)),
            country=asked.country, tool=asked.tool or None, task_id=asked.task_id, title=asked.title,
            upload=_upload(asked.file), link=asked.link,
        )  # fmt: skip
    except InvalidFields as exc:
        return _refused(request, session, who, asked, exc)
    said = tr(request, "Attached “%(title)s”.", title=made.title)
    return redirect_with_notice(request, asked.back(), said)


def _upload(file: UploadFile | None) -> attachments.Upload | None:
    if file is None or not file.filename:
        return None  # the form sent without a file chosen
    return attachments.Upload(file.filename, file.file.read(MAX_BYTES + 1))  # more: too big, unread


def _refused(
    request: Request, session: DB, who: Principal, asked: Attaching, exc: InvalidFields
) -> HTMLResponse:
    """The form again with what was typed, each refusal beside its field (413 for a file too big)."""
    too_big = any(getattr(e["message"], "template", None) == TOO_BIG for e in exc.errors)
    shown: dict[str, Any] = {"asked": asked, "errors": by_field_in(exc, language(request))}
    if asked.task_id is None:
        shown["tool"] = content(request).catalogue.tool(asked.tool)
        shown["countries"] = attachments.attachable_countries(session=session, who=who)
    else:
        shown["task"] = attachments.for_task(
            session=session, who=who, country=asked.country, task_id=asked.task_id
        )
    return render(
        request, "attach.html", 413 if too_big else 422, title=tr(request, "Attach a document or a link"),
        accepted=ACCEPTED, most=MAX_BYTES // 2**20, **shown,
    )  # fmt: skip
