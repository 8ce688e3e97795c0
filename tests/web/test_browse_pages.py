"""The website's browse sections and the tool API, through FastAPI's TestClient (no JavaScript involved)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from cer.content import Content
from cer.web.app import SECTIONS, create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_every_page_has_the_six_toolkit_sections_and_landmarks(client: TestClient) -> None:
    pages = ["/", "/steps", "/steps/4", "/workstreams", "/workstreams/D", "/tools", "/tools/T054", "/support"]
    for path in [*pages, "/diagnose"]:
        html = client.get(path).text
        labels = re.findall(r'<nav aria-label="Toolkit sections">.*?</nav>', html, re.S)[0]
        assert [label for _, label in SECTIONS] == re.findall(r'">([^<]+)</a></li>', labels), path
        assert '<main id="main">' in html and 'href="#main"' in html and "<footer>" in html


def test_the_overview_shows_the_change_process_and_the_workstreams(
    client: TestClient, content: Content
) -> None:
    html = client.get("/").text
    for step in content.framework.steps:
        assert f'<a href="/steps/{step.number}"><strong>{step.number}. {step.name}</strong>' in html.replace(
            "&amp;", "&"
        )
    assert html.count("(alongside)") == 3  # steps 7, 8 and 9
    assert '<a href="/workstreams/D">D Common Premises (where feasible)</a>' in html


def test_a_step_page_lists_its_actions_with_workstreams_and_tools(
    client: TestClient, content: Content
) -> None:
    html = client.get("/steps/4").text
    for action in content.framework.step(4).actions:
        assert f'id="a{action.id}"' in html
    assert 'href="/steps/3"' in html and 'href="/steps/5"' in html


def test_browse_to_a_tool_through_a_workstream(client: TestClient, content: Content) -> None:
    html = client.get("/workstreams/D").text
    assert "Security" in html or "security" in html  # D may not apply where security rules it out
    first = re.search(r'<a href="/tools/(T\d{3})">', html)
    assert first is not None
    tool = content.catalogue.tool(first.group(1))
    page = client.get(f"/tools/{tool.id}").text
    assert "D" in tool.workstreams and f"<h1>{tool.title}</h1>".replace("&", "&amp;") in page


def test_tool_facets_and_search_live_in_the_url(client: TestClient, content: Content) -> None:
    html = client.get("/tools", params={"workstream": "D", "type": "template"}).text
    expected = [t.id for t in content.catalogue.tools if "D" in t.workstreams and t.type.value == "template"]
    assert re.findall(r'<a href="/tools/(T\d{3})">', html) == expected and expected
    assert '<option value="D" selected>' in html and "<option selected>template</option>" in html
    ranked = client.get("/tools", params={"q": "common premises"}).text
    ids = re.findall(r'<a href="/tools/(T\d{3})">', ranked)
    assert ids[:3] == [h.tool.id for h in content.catalogue.search("common premises", limit=3).hits]
    assert "best first" in ranked


def test_search_text_is_escaped(client: TestClient) -> None:
    html = client.get("/tools", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_unknown_ids_are_404_pages_and_bad_values_422(client: TestClient) -> None:
    for path in ("/tools/T999", "/steps/12", "/workstreams/Z", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 404 and 'role="alert"' in response.text, path
    bad = client.get("/tools", params={"type": "poster"})
    assert bad.status_code == 422 and "Type: Choose one of: " in bad.text and "(got “poster”)" in bad.text


def test_support_is_filtered_by_workstream_and_step(client: TestClient, content: Content) -> None:
    html = client.get("/support", params={"workstream": "D", "step": "4"}).text
    names = [p.name for p in content.catalogue.providers_for(workstream="D", step=4)]
    assert names and all(name.replace("&", "&amp;") in html for name in names)
    assert html.count("<section") == len(names)


def test_the_api_pages_tools_and_reports_errors_by_field(client: TestClient, content: Content) -> None:
    first = client.get("/api/tools", params={"per_page": 10}).json()
    second = client.get("/api/tools", params={"per_page": 10, "page": 2}).json()
    assert first["total"] == len(content.catalogue.tools) == second["total"]
    assert [t["id"] for t in first["items"] + second["items"]] == [t.id for t in content.catalogue.tools[:20]]
    assert client.get("/api/tools/T054").json()["id"] == "T054"
    missing = client.get("/api/tools/T999")
    assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "tool"
    bad = client.get("/api/tools", params={"step": "x", "per_page": 0})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"step", "per_page"}
    assert "/api/tools" in client.get("/api/openapi.json").json()["paths"]
