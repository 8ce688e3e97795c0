"""Several respondents for one country, through the browser: a member answers the questionnaire as
herself, an agency's submission is imported with `cer answers import`, a third uploaded on the respondents
page; the tie they leave is resolved by the coordinator, the consensus diagnosed and its reasons cite the
spread ("1 of 3 respondents answered …").

Every page visited is saved under var/screenshots/."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from cer.content import Content
from cer.content.countries import all_countries
from cer.views.xlsform import questionnaire_xlsform
from tests.e2e.harness import require_browser, shoot, sign_in
from tests.e2e.test_questionnaire_journey import answer_every_page
from tests.factories import make_answers
from tests.kobo_exports import Respondent, form_fields, kobo_csv, table

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.harness import LiveServer, OpenPage

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(fresh_server: LiveServer) -> LiveServer:
    """The journey changes data: a database of its own (the pages open on it)."""
    return fresh_server


def kobo_file(content: Content, said: list[tuple[str, str]], first: int = 1) -> bytes:
    """KoBo's CSV export made from the questionnaire's XLSForm: one submission per (submitter, dq05)."""
    fields = form_fields(questionnaire_xlsform(content.questionnaire, all_countries()))

    def doc(dq05: str) -> dict[str, Any]:
        answers = make_answers(content) | {"dq05": dq05}
        return {"questionnaire_version": content.questionnaire.version, "country": "MWI", "answers": answers}

    people = [Respondent(doc(v), n, submitter=who) for n, (who, v) in enumerate(said, start=first)]
    return kobo_csv(table(fields, people))


def test_three_respondents_a_tie_resolved_and_the_consensus_diagnosed_with_the_spread(
    site: LiveServer, open_page: OpenPage, content: Content, tmp_path: Path
) -> None:
    site.add_user("chidi", "MWI", "coordinator")
    site.add_user("amina", "MWI", "member")
    one = tmp_path / "unicef.csv"
    one.write_bytes(kobo_file(content, [("unicef", "no")]))
    site.cer("answers", "import", str(one), "--country", "MWI", "--as", "chidi")
    herself = open_page()
    sign_in(herself, "amina", next="/diagnose")
    answer_every_page(herself, "MWI")  # Malawi's answers page by page ("Yes" to dq05), to the review page
    herself.get_by_role("button", name="Give them as my answers to the country's round").click()
    expect(herself).to_have_url(re.compile(r"/countries/MWI/respondents$"))
    kept = "Your answers are kept as yours in the country's round."
    expect(herself.locator(".notices")).to_contain_text(kept)  # said once, held on the server
    expect(herself.locator("#respondents")).to_contain_text("Amina")
    shoot(herself, "respondents-herself")
    page = open_page()
    sign_in(page, "chidi", next="/countries/MWI/respondents")
    expect(page.locator("#respondents")).to_contain_text("unicef")
    shoot(page, "respondents-two")
    third = kobo_file(content, [("wfp", "partly")], first=3)
    page.get_by_label("File of submissions").set_input_files(
        {"name": "wfp.csv", "mimeType": "text/csv", "buffer": third}
    )
    page.get_by_role("button", name="Import the submissions").click()
    expect(page.get_by_role("status").first).to_contain_text("1 respondent stored from the file.")
    dq05 = page.locator("#q-dq05")
    expect(dq05).to_contain_text("1 of 3 respondents answered “No”")
    expect(dq05).to_contain_text("TIE between")
    shoot(page, "respondents-tie")
    page.get_by_role("button", name="Diagnose the consensus").click()
    expect(page.locator("#consensus-error")).to_contain_text("decide the tied questions first: dq05")
    dq05 = page.locator("#q-dq05")
    dq05.get_by_label("Consensus answer").select_option(label="No")
    dq05.get_by_label("Why").fill("the staff survey")
    dq05.get_by_role("button", name="Decide").click()
    expect(page.locator("#q-dq05")).to_contain_text("Decided: No, by chidi — the staff survey")
    shoot(page, "respondents-decided")
    page.get_by_role("button", name="Diagnose the consensus").click()
    expect(page).to_have_url(re.compile(r"/diagnoses/\d+$"))
    expect(page.locator("main")).to_contain_text("(1 of 3 respondents answered “No”; decided by chidi)")
    shoot(page, "respondents-diagnosis")
