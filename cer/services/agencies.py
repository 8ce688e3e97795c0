"""The UN agencies the questionnaire offers, kept in the database as reference data."""

from __future__ import annotations

from sqlmodel import Session, select

from cer.db.tables import AgencyRow
from diagnostics.questionnaire import Questionnaire


def sync_agencies(*, session: Session, questionnaire: Questionnaire) -> int:
    """One row per agency of the questionnaire's `agencies` list, added or renamed; returns how many."""
    existing = {a.acronym: a for a in session.exec(select(AgencyRow)).all()}
    changed = 0
    for choice in questionnaire.choice_lists.get("agencies", []):
        acronym, name = choice.label.en, choice.name or choice.label.en
        row = existing.get(acronym)
        if row is None or row.name != name:
            session.add(AgencyRow(acronym=acronym, name=name) if row is None else _renamed(row, name))
            changed += 1
    session.commit()
    return changed


def list_agencies(*, session: Session) -> list[tuple[str, str]]:
    """Every agency as (acronym, name), by acronym: the choices for a task's lead and contributors."""
    return [(a.acronym, a.name) for a in session.exec(select(AgencyRow).order_by(AgencyRow.acronym)).all()]


def _renamed(row: AgencyRow, name: str) -> AgencyRow:
    row.name = name
    return row
