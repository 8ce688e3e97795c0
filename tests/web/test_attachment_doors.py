"""Attachments at the doors: an upload by nobody signed in is refused before its body is read, a file too big
is refused in the reader's language however it is sent, a file removed meanwhile is not found in words, and
HEAD on a download or a file gives its headers without a body."""

from __future__ import annotations

import html
import io
import os

import anyio
import pytest

from cer.services.attachment_files import TOO_BIG
from cer.views.error_words import NAMED, in_language
from tests.web import test_attachments
from tests.web.test_attachments import GONE, MB, PDF, World
from workstreams.errors import Message

world = test_attachments.world  # the same fixture: each person's browser on a seeded site


def asgi(
    app: object, method: str, path: str, headers: dict[str, str], chunks: int = 0, **scope: object
) -> tuple[list[dict[str, object]], int]:
    """The app asked directly as a server would (a body sent in `chunks` of 1 MB, as a slow upload comes in):
    what it sent back, and how many chunks it read."""
    read, sent = [0], []

    async def receive() -> dict[str, object]:
        read[0] += 1
        return {"type": "http.request", "body": b"\0" * MB, "more_body": read[0] < chunks}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    whole = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": raw,
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
        **scope,
    }
    anyio.run(app, whole, receive, send)  # type: ignore[arg-type]
    return sent, (read[0] if chunks else 0)


@pytest.mark.parametrize("csrf", ["header", "form", "none"])
def test_an_upload_by_nobody_signed_in_is_refused_before_its_body_is_read(world: World, csrf: str) -> None:
    nobody = world.clients["nobody"]
    token = str(nobody.headers["X-CSRF-Token"])
    headers = {
        "content-type": "multipart/form-data; boundary=x",
        "cookie": f"cer_csrf={nobody.cookies['cer_csrf']}",
    }
    headers |= {"x-csrf-token": token} if csrf == "header" else {}
    if csrf == "none":
        del headers["cookie"]
    sent, read = asgi(nobody.app, "POST", f"/tools/{GONE}/attachments", headers, chunks=12)
    assert sent[0]["status"] == 401 and read == 0, "not one byte of 12 MB read before the answer"
    assert b'href="/login?next=' in b"".join(m.get("body", b"") for m in sent[1:])  # type: ignore[misc]


def test_a_file_too_big_is_refused_in_the_readers_language_naming_the_field_by_its_label(
    world: World,
) -> None:
    big, amina = PDF + b"\0" * (12 * MB), world.clients["amina"]
    amina.cookies.set("cer_lang", "fr")  # the language picker's choice
    french = world.attach("amina", file=("big.pdf", big, "application/pdf"))
    assert french.status_code == 413 and french.headers["content-language"] == "fr"
    said = in_language(Message(NAMED, field=Message("Document"), problem=Message(TOO_BIG, limit=10)), "fr")
    assert "Action impossible" in french.text and html.escape(said, quote=True) in french.text
    amina.cookies.delete("cer_lang")  # a slow upload without a declared length, the token in the form
    token = amina.headers.pop("X-CSRF-Token")
    body = (
        b'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode() + b"\r\n"
        b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n' + big
    )
    chunked = amina.post(
        f"/tools/{GONE}/attachments",
        content=iter([body[i : i + MB] for i in range(0, len(body), MB)]),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert chunked.status_code == 413 and "content-length" not in chunked.request.headers
    assert "Document: The file is larger than 10 MB: attach a smaller copy" in chunked.text
    assert "<html" in chunked.text and world.rows() == []


def test_a_file_removed_by_another_server_just_as_it_is_downloaded_is_not_found_in_words(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another web server (sharing var/attachments) removes the file at the moment this one has found it."""
    world.attach("amina", file=("plan.pdf", PDF, "application/pdf"))
    [kept], [row] = world.stored(), world.rows()
    stat, opened = os.stat, io.open

    def removed_after_stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        found = stat(path, *args, **kwargs)  # type: ignore[arg-type]
        if str(path) == str(kept):
            kept.unlink(missing_ok=True)
        return found

    def removed_before_open(path: object, *args: object, **kwargs: object) -> object:
        if str(path) == str(kept):
            kept.unlink(missing_ok=True)
        return opened(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "stat", removed_after_stat)
    monkeypatch.setattr(io, "open", removed_before_open)
    answer = world.clients["vera"].get(f"/attachments/{row.id}")
    assert answer.status_code == 404 and "attachment" in answer.text and "<html" in answer.text


def test_head_on_a_download_gives_its_headers_and_no_body(world: World) -> None:
    world.attach("amina", file=("plan.pdf", PDF, "application/pdf"))
    [row] = world.rows()
    head = world.clients["vera"].head(f"/attachments/{row.id}")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-disposition"].startswith('attachment; filename="plan.pdf"')
    assert (
        head.headers["content-length"] == str(len(PDF)) and head.headers["content-type"] == "application/pdf"
    )


def test_head_on_a_file_sent_by_path_gives_no_body(world: World) -> None:
    """A server that sends files itself (the ASGI `pathsend` extension) is given no path to send on HEAD."""
    sent, _ = asgi(
        world.clients["nobody"].app,
        "HEAD",
        "/static/style.css",
        {},
        extensions={"http.response.pathsend": {}},
    )
    assert sent[0]["status"] == 200 and int(dict(sent[0]["headers"])[b"content-length"]) > 1000  # type: ignore[call-overload]
    assert [m["type"] for m in sent[1:]] == ["http.response.body"] and sent[1]["body"] == b""
