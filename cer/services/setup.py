"""Getting a database ready: migrate it to the newest schema, then bring its reference data up to date."""

from __future__ import annotations

from sqlmodel import Session

from cer.db.migrate import head, upgrade
from cer.db.session import engine_for
from cer.services.agencies import sync_agencies
from diagnostics.questionnaire import Questionnaire


def prepare_database(*, url: str, questionnaire: Questionnaire) -> str:
    """Returns the schema revision the database is at."""
    upgrade(url)
    with Session(engine_for(url)) as session:
        sync_agencies(session=session, questionnaire=questionnaire)
    return head() or ""
