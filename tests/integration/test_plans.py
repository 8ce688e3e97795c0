"""Creating a country plan from a diagnosis: everything is stored together, or nothing is."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from cer.content import Content
from cer.db.tables import CountryRow, DiagnosisRow, PlanRow, TaskRow
from cer.services.errors import Conflict
from cer.services.plans import create_plan, get_plan, plan_tasks
from tests.factories import make_report
from workstreams.errors import NotFound


def _count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def test_a_plan_is_stored_with_its_diagnosis_country_and_every_task(
    session: Session, content: Content
) -> None:
    report, answers = make_report(content, "malawi")
    plan = create_plan(session=session, report=report, answer_set=answers, by="rco@mw")
    assert plan.country_code == "MWI" and plan.start == report.plan.start and plan.end == report.plan.end
    country = session.get(CountryRow, "MWI")
    assert country is not None and (country.name, country.region, country.subregion) == (
        "Malawi", "Africa", "Sub-Saharan Africa",
    )  # fmt: skip
    diagnosis = session.get(DiagnosisRow, plan.diagnosis_id)
    assert diagnosis is not None and diagnosis.answers["resident_agencies"] == 18
    tasks = plan_tasks(session=session, plan=plan)
    assert sorted(t.key for t in tasks) == sorted(t.id for t in report.plan.tasks)
    b41 = next(t for t in tasks if t.key == "4.1")  # the business process review B and G share
    planned = next(t for t in report.plan.tasks if t.id == "4.1")
    assert (b41.lead, b41.due, b41.depends_on, b41.status, b41.version, b41.workstreams) == (
        planned.lead, planned.due, planned.depends_on, "not_started", 1, ["B", "G"],
    )  # fmt: skip
    assert get_plan(session=session, country="mwi").id == plan.id


def test_a_second_plan_for_the_same_country_is_refused_and_changes_nothing(
    session: Session, content: Content
) -> None:
    report, answers = make_report(content, "viet_nam")
    create_plan(session=session, report=report, answer_set=answers, by="a")
    before = (_count(session, PlanRow), _count(session, TaskRow), _count(session, DiagnosisRow))
    with pytest.raises(Conflict, match="VNM already has a plan"):
        create_plan(session=session, report=report, answer_set=answers, by="b")
    assert (_count(session, PlanRow), _count(session, TaskRow), _count(session, DiagnosisRow)) == before


def test_a_failure_in_the_middle_of_plan_creation_leaves_nothing_behind(
    session: Session, content: Content
) -> None:
    report, answers = make_report(content, "somalia")
    tasks = report.plan.tasks
    broken_plan = dataclasses.replace(
        report.plan, tasks=[*tasks, tasks[-1]]
    )  # the last task twice: unique key
    broken = dataclasses.replace(report, plan=broken_plan)
    with pytest.raises(IntegrityError):
        create_plan(session=session, report=broken, answer_set=answers, by="a")
    session.rollback()
    assert [_count(session, t) for t in (CountryRow, DiagnosisRow, PlanRow, TaskRow)] == [0, 0, 0, 0]


def test_an_unknown_country_has_no_plan(session: Session) -> None:
    with pytest.raises(NotFound, match="unknown plan for country 'XYZ'"):
        get_plan(session=session, country="XYZ")


def test_agencies_are_kept_in_step_with_the_questionnaire(session: Session, content: Content) -> None:
    from cer.db.tables import AgencyRow
    from cer.services.agencies import sync_agencies

    assert sync_agencies(session=session, questionnaire=content.questionnaire) == 20
    unicef = session.get(AgencyRow, "UNICEF")
    assert unicef is not None and unicef.name == "United Nations Children's Fund"
    assert (
        sync_agencies(session=session, questionnaire=content.questionnaire) == 0
    )  # nothing new the second time
