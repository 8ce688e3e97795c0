"""`HEAD` is answered on every page as `GET` is, without a body (uptime monitors and link checkers ask it;
it was 405 on `/`)."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from cer.content import Content
from tests.web.conftest import seed_plan

FILLED = {
    "{code}": "MWI",
    "{number}": "1",
    "{tool_id}": "T001",
    "{diagnosis_id}": "1",
    "{task_id}": "1",
    "{workstream}": "A",
}


def test_every_page_answers_head_like_get_without_a_body(site: TestClient, content: Content) -> None:
    seed_plan(site, content)
    paths = sorted(
        {
            route.path
            for route in site.app.routes  # type: ignore[attr-defined]
            if isinstance(route, APIRoute) and "GET" in route.methods
        }
    )
    asked = 0
    for template in paths:
        path = template
        for name, value in FILLED.items():
            path = path.replace(name, value)
        if "{" in path:
            continue  # a parameter no seed gives a value to (an invitation's token, a draft's id)
        got = site.get(path, follow_redirects=False)
        head = site.head(path, follow_redirects=False)
        assert head.status_code == got.status_code, (path, head.status_code, got.status_code)
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path
        asked += 1
    assert asked > 40  # the site's pages, the API's lists and the exports
    assert site.head("/static/style.css").status_code == 200


def test_head_on_the_overview_signed_out(public_site: TestClient) -> None:
    answer = public_site.head("/")
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-type"].startswith("text/html")
    assert int(answer.headers["content-length"]) > 1000  # the length the page would have
