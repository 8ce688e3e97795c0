"""The questionnaire as an XLSForm to download from the Diagnose page, to field it in KoBoToolbox or ODK."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from cer.content import Content


def test_the_diagnose_page_links_to_the_xlsform(public_site: TestClient) -> None:
    assert 'href="/diagnose/questionnaire.xlsx"' in public_site.get("/diagnose").text


def test_anyone_downloads_the_questionnaire_as_an_xlsform_workbook(
    public_site: TestClient, content: Content
) -> None:
    response = public_site.get("/diagnose/questionnaire.xlsx")
    assert response.status_code == 200
    assert (
        response.headers["content-type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"cer-questionnaire-{content.questionnaire.version}.xlsx"
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings"]
    settings = dict(zip(*book["settings"].iter_rows(values_only=True), strict=True))
    assert (settings["form_id"], settings["version"]) == ("cer_diagnostic", content.questionnaire.version)


def test_the_download_is_the_same_in_every_page_language(public_site: TestClient) -> None:
    english = public_site.get("/diagnose/questionnaire.xlsx").content
    french = public_site.get("/diagnose/questionnaire.xlsx", headers={"Accept-Language": "fr"}).content
    survey = [list(load_workbook(io.BytesIO(b))["survey"].values) for b in (english, french)]
    assert survey[0] == survey[1]
