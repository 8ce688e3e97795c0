"""Workstream D reads "Common Premises (where feasible)" wherever a person reads its name, in the page's
language (issue 19): the qualifier is content, translated with the name."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from cer.content import Content, get_content
from tests.web.conftest import seed_plan
from workstreams.parameters import run_name


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_premises_workstream_keeps_its_qualifier_on_every_page(
    site: TestClient, content: Content, lang: str
) -> None:
    code = seed_plan(site, content)
    premises = get_content(None, lang).framework.workstream("D")
    assert premises.qualifier and premises.title.endswith(premises.qualifier)
    pages = ["/", "/workstreams", "/tools", f"/countries/{code}?group=workstream",
             f"/countries/{code}/timeline", "/portfolio", f"/countries/{code}/report.html",
             "/portfolio/report.html"]  # fmt: skip
    for path in pages:
        page = site.get(path, params={"lang": lang})
        assert page.status_code == 200, path
        assert premises.title in page.text.replace("&#39;", "'"), f"{path} says D without its qualifier"


def test_a_premises_run_is_named_with_the_qualifier() -> None:
    named = run_name("D", "MWI", dt.date(2027, 1, 15))
    assert named == "MWI · D Common Premises (where feasible) · 2027-01-15"
