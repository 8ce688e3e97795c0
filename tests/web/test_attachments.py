"""Tools you can open: a tool's published address as a link (its archived copies when the site is gone), and
a country team's own documents and links on a tool or a task, through the pages as a browser without
JavaScript posts them: "Used in Malawi", downloads that are only ever downloads, who may see, attach and
remove what."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import col, select

from cer.content import Content
from cer.db.tables import AttachmentRow, AuditEventRow, PlanRow, TaskRow
from tests.web.conftest import _client, csrf_of, db_session, seed_plan, signed_in

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
GONE = "T020"  # seen at www.undg.org, a site that is gone
LIVE = "T018"  # seen at paperzz.com
MB = 2**20


PEOPLE = {"amina": ("member", "MWI"), "bob": ("member", "MWI"), "vera": ("viewer", "MWI")}
PEOPLE |= {"chidi": ("coordinator", "MWI"), "sami": ("member", "SOM")}


class Clients(dict[str, TestClient]):
    """A browser per person, signed in when first asked for (`nobody`: no sign-in): see PEOPLE."""

    def __missing__(self, name: str) -> TestClient:
        self[name] = signed_in(TestClient(self["nobody"].app), name, *PEOPLE[name])
        return self[name]


@dataclass
class World:
    clients: Clients
    var: Path

    def attach(self, who: str, tool: str = GONE, country: str = "MWI", **form: object) -> Response:
        upload = form.pop("file", None)
        files = {"file": upload} if upload else {"file": ("", b"", "application/octet-stream")}
        data = {"country": country, **form}
        return self.clients[who].post(
            f"/tools/{tool}/attachments", data=data, files=files, follow_redirects=False
        )

    def rows(self) -> list[AttachmentRow]:
        with db_session(self.clients["nobody"]) as session:
            return list(session.exec(select(AttachmentRow).order_by(col(AttachmentRow.id))).all())

    def stored(self) -> list[Path]:
        folder = self.var / "attachments"
        return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def world(tmp_path: Path, content: Content) -> World:
    first = _client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path)
    assert [seed_plan(first, content, "malawi"), seed_plan(first, content, "somalia")] == ["MWI", "SOM"]
    first.headers["X-CSRF-Token"] = csrf_of(first)
    return World(Clients(nobody=first), tmp_path)


def section(page: str, id_: str) -> str:
    found = re.search(rf'<section id="{id_}".*?</section>', page, re.S)
    assert found, f"no section #{id_}"
    return found.group(0)


def link_to(page: str, id_: str) -> str:
    found = re.search(rf'<a [^>]*id="{id_}"[^>]*>', page)
    assert found, f"no link #{id_}"
    return found.group(0)


def test_a_gone_address_offers_its_archived_copies_and_a_live_one_does_not(
    content: Content, world: World
) -> None:
    page = world.clients["nobody"].get(f"/tools/{GONE}").text
    seen = link_to(page, "seen-at")
    assert 'href="http://www.undg.org/index.cfm?P=232"' in seen and 'rel="noopener noreferrer"' in seen
    archived = link_to(page, "archived")
    assert 'href="https://web.archive.org/web/*/http://www.undg.org/index.cfm?P=232"' in archived
    assert 'rel="noopener noreferrer"' in archived and "That site is gone" in page
    live = world.clients["nobody"].get(f"/tools/{LIVE}").text
    assert 'rel="noopener noreferrer"' in link_to(live, "seen-at") and 'id="archived"' not in live
    assert "may no longer resolve" not in page + live
    undg = [t for t in content.catalogue.tools if t.url and "undg.org" in t.url]
    assert undg and all(t.url_gone and t.archived_url for t in undg), "the old undg.org sites are gone"


def test_a_member_attaches_a_pdf_and_a_link_and_sees_them_listed_as_used_in_malawi(world: World) -> None:
    amina = world.clients["amina"]
    assert "Used in Malawi" not in amina.get(f"/tools/{GONE}").text  # the page is cached: it must change
    done = world.attach(
        "amina", file=("Plan de travail – MWI.pdf", PDF, "application/pdf"), title="Our work plan"
    )
    assert done.status_code == 303 and done.headers["location"] == f"/tools/{GONE}#used-in"
    assert world.attach("amina", link="https://mw.one.un.org/plan", title="").status_code == 303
    page = amina.get(f"/tools/{GONE}").text
    assert "Attached “https://mw.one.un.org/plan”." in page  # the notice after the second
    used = section(page, "used-in")
    assert "Used in Malawi" in used and used.count("attached by amina on") == 2
    assert re.search(r'<a class="address" href="/attachments/\d+" download>Our work plan</a>', used)
    assert "Plan de travail – MWI.pdf" in used
    assert '<a class="address" href="https://mw.one.un.org/plan" rel="noopener noreferrer">' in used
    [kept] = world.stored()  # named by a random id, never the user's name
    assert re.fullmatch(r"[0-9a-f]{32}", kept.name) and kept.read_bytes() == PDF


def test_a_file_is_only_ever_sent_as_a_download(world: World) -> None:
    world.attach("amina", file=("Plan – Malawi.pdf", PDF, "text/html"))
    world.attach("amina", file=("notes.txt", b"Meeting on 3 March\n", "text/html"))
    pdf, text = (world.clients["vera"].get(f"/attachments/{row.id}") for row in world.rows())
    assert pdf.status_code == 200 and pdf.content == PDF
    assert pdf.headers["content-type"] == "application/pdf"  # the type its bytes were found, not the one sent
    assert pdf.headers["content-disposition"] == (
        "attachment; filename=\"Plan _ Malawi.pdf\"; filename*=UTF-8''Plan%20%E2%80%93%20Malawi.pdf"
    )
    assert text.headers["content-type"].startswith("text/plain") and text.content == b"Meeting on 3 March\n"
    for answer in (pdf, text):
        assert answer.headers["content-disposition"].startswith("attachment;")
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in answer.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("plan.pdf", b"", 422, "Document: The file is empty"),
        ("plan.pdf", b"<html><script>alert(1)</script>", 422, "Document: This file&#39;s name says PDF but"),
        ("logo.svg", b"<svg/>", 422, "Document: Files ending .svg cannot be attached"),
        ("page.html", b"<p>hi</p>", 422, "Document: Files ending .html cannot be attached"),
        ("notes.txt", b"<svg onload=alert(1)>", 422, "Document: The text is a web page or markup"),
        ("plan.pdf", PDF + b"\0" * (10 * MB), 413, "Document: The file is larger than 10 MB"),
    ],
)
def test_a_file_refused_says_why_next_to_its_field_and_nothing_is_kept(
    world: World, name: str, data: bytes, status: int, words: str
) -> None:
    refused = world.attach("amina", file=(name, data, "application/pdf"), title="Ours")
    assert refused.status_code == status
    assert words in re.sub(r"<[^>]+>", "", refused.text)
    assert 'id="att-file" name="file"' in refused.text and 'aria-invalid="true"' in refused.text
    assert 'value="Ours"' in refused.text  # what was typed is kept
    assert world.rows() == [] and world.stored() == []


def test_a_body_larger_than_any_file_is_refused_before_it_is_read(world: World) -> None:
    refused = world.attach("amina", file=("big.pdf", PDF + b"\0" * (12 * MB), "application/pdf"))
    assert refused.status_code == 413 and "Document: The file is larger than 10 MB" in refused.text
    assert world.rows() == []


def test_only_the_upload_routes_take_a_body_larger_than_2_mb(world: World) -> None:
    three = PDF + b"\0" * (3 * MB)
    amina = world.clients["amina"]
    assert amina.post("/diagnose", data={"country": "MWI", "note": "x" * (3 * MB)}).status_code == 413
    token = amina.headers.pop("X-CSRF-Token")  # the token in the multipart form itself, as a browser posts it
    done = world.attach("amina", file=("big.pdf", three, "application/pdf"), csrf_token=token)
    assert done.status_code == 303 and world.rows()[0].size == len(three)


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://example.org/a.pdf", "https://", "www.example.org"]
)
def test_a_link_is_a_web_address_or_refused_naming_the_field(world: World, link: str) -> None:
    refused = world.attach("amina", link=link)
    assert (
        refused.status_code == 422
        and "or a link</a>: Give a web address starting with http://" in refused.text
    )
    assert world.rows() == []


def test_neither_a_file_nor_a_link_is_refused(world: World) -> None:
    refused = world.attach("amina", title="Nothing")
    assert refused.status_code == 422 and "Choose a file to attach, or give a link" in refused.text


def test_who_sees_attaches_and_downloads_what(world: World) -> None:
    world.attach("amina", file=("plan.pdf", PDF, "application/pdf"))
    [row] = world.rows()
    nobody, vera, sami = (world.clients[n] for n in ("nobody", "vera", "sami"))
    page = nobody.get(f"/tools/{GONE}").text
    assert (
        "Used in" not in page
        and f'href="/login?next=/tools/{GONE}"' in page
        and "<form" not in section(page, "used-in")
    )
    assert (
        nobody.get(f"/attachments/{row.id}", follow_redirects=False).headers["location"].startswith("/login")
    )
    seen = vera.get(f"/tools/{GONE}").text  # a viewer reads, downloads, but attaches nothing
    assert "Used in Malawi" in seen and 'action="/tools/T020/attachments"' not in seen
    assert vera.get(f"/attachments/{row.id}").content == PDF
    assert world.attach("vera", link="https://example.org").status_code == 403
    other = sami.get(f"/tools/{GONE}").text  # another country's member sees only their own country's
    assert "Used in Malawi" not in other and '<option value="SOM">Somalia</option>' in other
    assert sami.get(f"/attachments/{row.id}").status_code == 404
    assert world.attach("sami", link="https://example.org", country="MWI").status_code == 403
    assert world.attach("nobody", link="https://example.org").status_code == 401
    assert len(world.rows()) == 1


def _task_with_tools(world: World, country: str = "MWI") -> TaskRow:
    with db_session(world.clients["nobody"]) as session:
        plan = session.exec(select(PlanRow).where(PlanRow.country_code == country)).one()
        tasks = session.exec(
            select(TaskRow).where(TaskRow.plan_id == plan.id).order_by(col(TaskRow.id))
        ).all()
        return next(t for t in tasks if t.tools)


def test_a_document_attached_to_a_task_for_one_of_its_tools_shows_on_both_pages(world: World) -> None:
    task = _task_with_tools(world)
    tool, page = task.tools[0], f"/countries/MWI/tasks/{task.id}"
    amina = world.clients["amina"]
    assert "Nothing attached to this task yet." in section(amina.get(page).text, "attachments")
    files = {"file": ("minutes.pdf", PDF, "application/pdf")}
    done = amina.post(
        f"{page}/attachments", data={"tool": tool, "title": "Minutes"}, files=files, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == f"{page}#attachments"
    listed = section(amina.get(page).text, "attachments")
    assert "Minutes" in listed and "attached by amina on" in listed
    used = section(amina.get(f"/tools/{tool}").text, "used-in")
    assert "Used in Malawi" in used and f'for task <a href="{page}">' in used
    wrong = amina.post(f"{page}/attachments", data={"tool": "T999"}, files=files, follow_redirects=False)
    assert wrong.status_code == 422 and "For the tool</a>: Choose one of the task&#39;s tools" in wrong.text
    assert "Documents and links" not in world.clients["sami"].get(page).text  # not even the page: 403
    assert (
        world.clients["sami"].post(f"{page}/attachments", data={"link": "https://x.org"}).status_code == 403
    )
    assert len(world.rows()) == 1


def test_its_author_or_a_coordinator_removes_an_attachment_and_each_change_is_audited(world: World) -> None:
    world.attach("amina", file=("plan.pdf", PDF, "application/pdf"))
    world.attach("amina", link="https://example.org/mwi")
    first, second = world.rows()
    bob, amina, chidi = (world.clients[n] for n in ("bob", "amina", "chidi"))
    assert f'action="/attachments/{first.id}/delete"' not in bob.get(f"/tools/{GONE}").text
    assert bob.post(f"/attachments/{first.id}/delete").status_code == 403
    gone = amina.post(
        f"/attachments/{first.id}/delete", data={"next": f"/tools/{GONE}#used-in"}, follow_redirects=False
    )
    assert gone.status_code == 303 and gone.headers["location"] == f"/tools/{GONE}#used-in"
    assert world.stored() == []  # its file too
    assert chidi.post(f"/attachments/{second.id}/delete", follow_redirects=False).status_code == 303
    assert world.rows() == []
    with db_session(bob) as session:
        events = session.exec(
            select(AuditEventRow).where(col(AuditEventRow.action).startswith("attachment_"))
        ).all()
    said = [(e.actor, e.action, e.country_code) for e in events]
    assert said == [
        ("amina", "attachment_added", "MWI"),
        ("amina", "attachment_added", "MWI"),
        ("amina", "attachment_removed", "MWI"),
        ("chidi", "attachment_removed", "MWI"),
    ]
    assert (
        events[0].detail["file_name"] == "plan.pdf" and events[3].detail["url"] == "https://example.org/mwi"
    )
