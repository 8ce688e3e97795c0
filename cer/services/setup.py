"""Getting a database ready: migrate it to the newest schema, then bring its reference data up to date."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cer.content import Content
from cer.db.migrate import head, upgrade
from cer.db.session import engine_for
from cer.runtime.config import Settings
from cer.services.agencies import sync_agencies
from cer.services.users import FIRST_ADMIN, ensure_first_admin
from diagnostics.questionnaire import Questionnaire


def prepare_database(*, url: str, questionnaire: Questionnaire) -> str:
    """Returns the schema revision the database is at."""
    upgrade(url)
    with Session(engine_for(url)) as session:
        sync_agencies(session=session, questionnaire=questionnaire)
    return head() or ""


@dataclass(frozen=True)
class Ready:
    """The product ready to start: its content, its database at `schema`, and — on a database that had no
    users — the first admin's generated password, to be shown once."""

    version: str
    counts: dict[str, int]
    database: str
    schema: str
    first_admin_password: str | None

    def json(self) -> dict[str, object]:
        admin = {"username": FIRST_ADMIN, "password": self.first_admin_password}
        return {
            "version": self.version,
            "counts": self.counts,
            "database": self.database,
            "schema": self.schema,
            "first_admin": admin if self.first_admin_password else None,
        }


def ready_product(*, settings: Settings, content: Content, by: str) -> Ready:
    """Migrate the database, bring its reference data up to date, and make the first admin if it has none."""
    schema = prepare_database(url=settings.database_url, questionnaire=content.questionnaire)
    with Session(engine_for(settings.database_url)) as session:
        password = ensure_first_admin(session=session, by=by)
    return Ready(content.version, content.counts(), settings.database_url, schema, password)
