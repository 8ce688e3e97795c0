"""The diagnostic questionnaire as an XLSForm to download (issue 20), to field it in KoBoToolbox or ODK
Central: one workbook with every language (cer.views.xlsform). Made from the content here, offline."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cer.content.countries import all_countries
from cer.views.xlsform import questionnaire_xlsform
from cer.web.deps import stored_content

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/diagnose/questionnaire.xlsx")
def questionnaire_file(request: Request) -> Response:
    """The questionnaire as an XLSForm workbook, named for its version: upload it to KoBo or ODK Central."""
    questionnaire = stored_content(request).questionnaire
    filename = f"cer-questionnaire-{questionnaire.version}.xlsx"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(questionnaire_xlsform(questionnaire, all_countries()), media_type=XLSX, headers=headers)
