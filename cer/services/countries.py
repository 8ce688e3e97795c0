"""Countries as the database knows them: their names, for pages that show a code's country."""

from __future__ import annotations

from sqlmodel import Session, select

from cer.db.tables import CountryRow


def country_names(*, session: Session) -> dict[str, str]:
    """Every country the database knows, its name by its ISO code."""
    return {c.code: c.name for c in session.exec(select(CountryRow)).all()}


def country_name(*, session: Session, code: str) -> str:
    """A country's name; its code when the database does not know it."""
    row = session.get(CountryRow, code)
    return row.name if row else code
