"""Decisions changed in place (issue 21): beside each workstream, action and tool of a diagnosis' result, a
coordinator includes or excludes it with a justification; the page comes back to the item with a notice and
the reasons say who decided and why. Without JavaScript (a form and a redirect) and with htmx (the result
re-rendered in place)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import func, select

from cer.content import Content
from cer.db.tables import DiagnosisRow
from tests.web.conftest import db_session, signed_in
from tests.web.test_diagnose_pages import form

WHY = "Common premises wait for the new government compound."
HX = {"HX-Request": "true"}


def diagnosed(client: TestClient, content: Content) -> str:
    """A diagnosis of Malawi where no step is ready (every action needed); its address."""
    done = client.post(
        "/diagnose", data=form(content, readiness="no") | {"action": "diagnose"}, follow_redirects=False
    )
    assert done.status_code == 303
    return str(done.headers["location"])


def decide(client: TestClient, url: str, **fields: str) -> Response:
    return client.post(f"{url}/overrides", data=fields, follow_redirects=False)


def item(page: str, anchor: str) -> str:
    """The page's block for one item, from its anchor to the next item."""
    found = re.search(
        rf'<li id="{re.escape(anchor)}"[^>]*>(.*?)(?=<li id=|</ul>\n\s*</(?:section|details)>)', page, re.S
    )
    assert found, f"no item {anchor} on the page"
    return found.group(1)


def diagnoses(client: TestClient) -> int:
    with db_session(client) as session:
        return int(session.exec(select(func.count()).select_from(DiagnosisRow)).one())


def test_a_coordinator_has_a_change_form_beside_every_item_and_a_viewer_only_reads(
    public_site: TestClient, content: Content
) -> None:
    coordinator = signed_in(public_site, "cora", "coordinator", "MWI")
    url = diagnosed(coordinator, content)
    page = coordinator.get(url).text
    for code in (w.code for w in content.framework.workstreams):
        assert '<summary>Change<span class="visually-hidden">' in item(page, f"ws-{code}"), code
    assert 'name="decision" value="exclude">Exclude</button>' in item(page, "ws-A")
    actions = re.findall(r'<li id="(a-[A-G]-[\d-]+)"', page)
    tools = re.findall(r'<li id="(t-T\d+)"', page)
    assert actions and tools
    assert all('name="justification"' in item(page, a) for a in actions + tools)
    viewer = signed_in(TestClient(public_site.app), "vic", "viewer", "MWI")
    read = viewer.get(url).text
    assert read.count('<div class="decision') == len(content.framework.workstreams)
    assert 'name="justification"' not in read and "Include something else" not in read


def test_the_result_is_summed_up_at_the_top_and_its_long_lists_are_folded(
    site: TestClient, content: Content
) -> None:
    page = site.get(diagnosed(site, content)).text
    summary = re.search(r'<nav class="result-summary".*?</nav>', page, re.S)
    assert summary, "no summary at the top"
    for anchor in ("#ws-h", "#actions-h", "#tools-h", "#overrides-h", "#plan-h"):
        assert f'href="{anchor}"' in summary.group(0)
    assert re.search(r"Workstreams selected: \d of 7", summary.group(0))
    assert page.index("result-summary") < page.index('id="ws-h"')
    steps = re.findall(r'<details class="group"( open)?>', page)
    assert steps and not any(steps)  # the actions, step by step, folded until opened


def test_excluding_a_workstream_in_place_comes_back_to_it_with_a_notice_and_the_reason(
    site: TestClient, content: Content
) -> None:
    url = diagnosed(site, content)
    done = decide(site, url, target="workstream", id="D", at="ws-D", decision="exclude", justification=WHY)
    assert done.status_code == 303
    where = done.headers["location"]
    assert re.fullmatch(r"/diagnoses/\d+#ws-D", where) and "?" not in where
    page = site.get(where.split("#")[0]).text
    notice = re.search(r'<p class="notice">([^<]+)</p>', page)
    title = content.framework.workstream("D").title
    assert notice and notice.group(1).startswith(f"Excluded: D {html.escape(title)}.")
    d = item(page, "ws-D")
    assert 'class="decision excluded"' in d and "not selected" in d
    assert html.escape(f"Overridden by the country team (tester): {WHY}", quote=False) in d
    assert ">Include again</button>" in d
    assert "override" in d
    assert site.get(where.split("#")[0]).text.count('class="notice"') == 0  # shown once


def test_including_again_replaces_the_earlier_decision(site: TestClient, content: Content) -> None:
    url = diagnosed(site, content)
    first = decide(site, url, target="workstream", id="D", at="ws-D", decision="exclude", justification=WHY)
    again_url = first.headers["location"].split("#")[0]
    why = "The government compound is ready after all."
    again = decide(
        site, again_url, target="workstream", id="D", at="ws-D", decision="include", justification=why
    )
    assert again.status_code == 303
    page = site.get(again.headers["location"].split("#")[0]).text
    d = item(page, "ws-D")
    assert 'class="decision selected"' in d and why in d and WHY not in d
    assert ">Exclude</button>" in d
    with db_session(site) as session:
        last = session.exec(select(DiagnosisRow).order_by(DiagnosisRow.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None and [(o["id"], o["decision"]) for o in last.overrides] == [("D", "include")]


def test_an_action_and_a_tool_are_excluded_where_they_are_and_marked_so(
    site: TestClient, content: Content
) -> None:
    url = diagnosed(site, content)
    page = site.get(url).text
    action = re.findall(r'<li id="(a-([A-G])-([\d-]+))"', page)[0]
    anchor, ws, dashed = action
    action_id = dashed.replace("-", ".")
    done = decide(
        site,
        url,
        target="action",
        id=action_id,
        workstream=ws,
        at=anchor,
        decision="exclude",
        justification="Already done by the regional office.",
    )
    assert done.headers["location"].endswith(f"#{anchor}")
    page = site.get(done.headers["location"].split("#")[0]).text
    shown = item(page, anchor)
    assert "Already done by the regional office." in shown and ">excluded</strong>" in shown
    assert ">Include again</button>" in shown
    opened = page[: page.index(f'<li id="{anchor}"')].rsplit('<details class="group"', 1)[1]
    assert opened.startswith(" open>")  # its step is shown open: the decision is in sight


def test_an_empty_justification_is_refused_in_the_item_s_form_naming_the_field_in_french(
    site: TestClient, content: Content
) -> None:
    url = diagnosed(site, content)
    before = diagnoses(site)
    refused = site.post(
        f"{url}/overrides?lang=fr",
        data={"target": "workstream", "id": "D", "at": "ws-D", "decision": "exclude", "justification": " "},
    )
    assert refused.status_code == 422 and diagnoses(site) == before
    d = item(refused.text, "ws-D")
    assert '<details class="change" open>' in d and 'aria-invalid="true"' in d
    assert 'id="e-j-ws-D"' in d and "Obligatoire" in d
    summary = re.search(r'<div class="error-summary".*?</div>', refused.text, re.S)
    assert summary and re.search(r'href="#j-ws-D">Justification\s?: Obligatoire', summary.group(0))
    assert "Input should" not in refused.text and "Required" not in refused.text
    typed = site.post(
        f"{url}/overrides",
        data={
            "target": "workstream",
            "id": "D",
            "at": "ws-D",
            "decision": "exclude",
            "justification": "too short",
        },
    )
    assert typed.status_code == 422 and ">too short</textarea>" in typed.text  # nothing typed is lost
    assert "Enter at least 10 character(s)." in item(typed.text, "ws-D")


def test_something_the_result_leaves_out_is_included_from_a_list_of_what_exists(
    site: TestClient, content: Content
) -> None:
    url = diagnosed(site, content)
    page = site.get(url).text
    other = re.search(r'<select id="o-item" name="item".*?</select>', page, re.S)
    assert other
    values = re.findall(r'<option value="([^"]+)"', other.group(0))
    recommended = set(re.findall(r'<li id="t-(T\d+)"', page))
    tools = [v.removeprefix("tool:") for v in values if v.startswith("tool:")]
    assert tools and not recommended & set(tools)
    assert all(t in {x.id for x in content.catalogue.tools} for t in tools)
    chosen = tools[0]
    done = decide(
        site,
        url,
        item=f"tool:{chosen}",
        at="more",
        decision="include",
        justification="The country team asked for it.",
    )
    assert done.headers["location"].endswith(f"#t-{chosen}")
    page = site.get(done.headers["location"].split("#")[0]).text
    shown = item(page, f"t-{chosen}")
    assert "The country team asked for it." in shown and ">included</strong>" in shown
    assert f"Included: {chosen}" in page


def test_an_unknown_id_is_refused_in_words_on_the_page_and_by_the_api(
    site: TestClient, content: Content
) -> None:
    url = diagnosed(site, content)
    before = diagnoses(site)
    page = decide(site, url, item="tool:T999", at="more", decision="include", justification=WHY)
    assert page.status_code == 422 and diagnoses(site) == before
    summary = re.search(r'<div class="error-summary".*?</div>', page.text, re.S)
    assert summary and "What to include: unknown tool" in html.unescape(summary.group(0))
    assert "Input should" not in page.text
    number = int(url.rsplit("/", 1)[1])
    with db_session(site) as session:
        row = session.get(DiagnosisRow, number)
        assert row is not None
        body = {
            "questionnaire_version": row.questionnaire_version,
            "country": "MWI",
            "answers": row.answers,
            "overrides": [{"target": "workstream", "id": "Z", "decision": "exclude", "justification": WHY}],
        }
    answer = site.post("/api/diagnoses", json=body, headers={"Accept-Language": "fr"})
    assert answer.status_code == 422
    assert {"field": "overrides[0].id", "message": "volet 'Z' introuvable"} in answer.json()["errors"]


def test_with_htmx_the_result_is_re_rendered_in_place_at_the_item(site: TestClient, content: Content) -> None:
    url = diagnosed(site, content)
    page = site.get(url).text
    assert 'hx-post="' + url + '/overrides" hx-target="#main"' in page
    done = site.post(
        f"{url}/overrides",
        headers=HX,
        data={"target": "workstream", "id": "D", "at": "ws-D", "decision": "exclude", "justification": WHY},
    )
    assert done.status_code == 200 and "<html" not in done.text
    assert re.fullmatch(r"/diagnoses/\d+#ws-D", done.headers["HX-Push-Url"])
    assert done.headers["HX-Reswap"] == "innerHTML show:#ws-D:top"
    assert f"Excluded: D {html.escape(content.framework.workstream('D').title)}." in done.text
    new = done.headers["HX-Push-Url"].split("#")[0]
    assert f'action="{new}/overrides"' in done.text  # the forms now act on the new diagnosis
    assert 'class="decision excluded"' in item(done.text, "ws-D")
    refused = site.post(
        f"{new}/overrides",
        headers=HX,
        data={"target": "workstream", "id": "A", "at": "ws-A", "decision": "exclude", "justification": ""},
    )
    assert refused.status_code == 422 and 'id="e-j-ws-A"' in refused.text and "<html" not in refused.text


def test_a_decision_from_an_older_tab_is_refused_pointing_at_the_newest_diagnosis(
    site: TestClient, content: Content
) -> None:
    url = diagnosed(site, content)
    first = decide(site, url, target="workstream", id="D", decision="exclude", justification=WHY)
    newest = first.headers["location"].split("#")[0]
    before = diagnoses(site)
    stale = decide(site, url, target="workstream", id="A", at="ws-A", decision="exclude", justification=WHY)
    assert stale.status_code == 409 and diagnoses(site) == before  # nothing made without the decision on D
    number = newest.rsplit("/", 1)[1]
    assert f"diagnosis {number} holds the decisions made since" in html.unescape(stale.text)
    assert f'action="{newest}/overrides"' in stale.text  # the newest shown, its forms to decide again
    assert 'class="decision excluded"' in item(stale.text, "ws-D")
    again = decide(site, newest, target="workstream", id="A", decision="exclude", justification=WHY)
    assert again.status_code == 303 and diagnoses(site) == before + 1


def test_with_htmx_a_decisions_notice_comes_after_those_waiting(site: TestClient, content: Content) -> None:
    url = diagnosed(site, content)
    first = decide(site, url, target="workstream", id="D", decision="exclude", justification=WHY)
    newest = first.headers["location"].split("#")[0]  # its notice waits, the page not yet shown
    done = site.post(
        f"{newest}/overrides",
        headers=HX,
        data={"target": "workstream", "id": "A", "at": "ws-A", "decision": "exclude", "justification": WHY},
    )
    said = re.findall(r'<p class="notice">([^<]+)</p>', done.text)
    assert [s.split(":")[0] for s in said] == ["Excluded", "Excluded"] and "D " in said[0] and "A " in said[1]
