"""A country's report in each of the four languages (issue 19): the summary page offers Arabic too, and a
report asked for with `?lang=ar` keeps the language in its links back to the site, as the pages do."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cer.content import Content
from tests.web.conftest import seed_plan


def test_the_summary_page_offers_the_report_in_every_language(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    page = site.get(f"/countries/{code}/report").text
    for lang in ("en", "fr", "es", "ar"):
        assert f'href="/countries/{code}/report.html?lang={lang}"' in page, lang
    assert ">العربية</a>" in page


def test_an_arabic_report_s_links_back_to_the_site_stay_in_arabic(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    report = site.get(f"/countries/{code}/report.html", params={"lang": "ar"}).text
    assert f'href="/countries/{code}?lang=ar"' in report  # Back to the plan
    assert f'href="/countries/{code}/report?lang=ar"' in report  # Write the summary
    assert 'href="?lang=fr"' in report  # the report's own language picker still changes the language
    unasked = site.get(f"/countries/{code}/report.html").text
    assert f'href="/countries/{code}"' in unasked  # asked for without ?lang=, nothing is added
