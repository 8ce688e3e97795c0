"""Sign-off codes (issue 17): a step signed off in Prefect's UI is signed as the account a code was made for,
once, within a day; a made-up, used, expired or other step's code is refused and nothing is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from cer.content import Content
from cer.db.tables import SignOffCodeRow, StepSignOffRow
from cer.services import signoff_codes
from cer.services.access import Principal, Role, local_operator
from cer.services.errors import Forbidden
from cer.services.plans import create_plan
from tests.factories import make_report
from workstreams.errors import InvalidRequest

BOB = local_operator("bob")


def sign(session: Session, content: Content, code: str, step: int, note: str | None = "agreed") -> str:
    return signoff_codes.sign_off_by_code(
        session=session, country="MWI", workstream="B", step=step, code=code, note=note,
        framework=content.framework, flow_run_id=None,
    ).row.signed_by  # fmt: skip


def test_a_code_signs_one_step_off_as_its_account_once(session: Session, content: Content) -> None:
    report, answers = make_report(content, "malawi")
    create_plan(session=session, report=report, answer_set=answers, by="seed")
    one = signoff_codes.issue(session=session, who=BOB, country="MWI", workstream="B", step=1).code
    two = signoff_codes.issue(session=session, who=BOB, country="MWI", workstream="B", step=2).code
    for wrong, step in (("ABCDE-FGHJK", 1), (two, 1)):  # made up; another step's
        with pytest.raises(InvalidRequest, match="not valid for this step"):
            sign(session, content, wrong, step)
    assert session.exec(select(StepSignOffRow)).all() == []
    assert sign(session, content, one.lower(), 1) == "bob"  # typed in lower case, still bob's
    later = session.exec(select(SignOffCodeRow).where(SignOffCodeRow.step == 2)).one()
    later.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    session.add(later)
    session.commit()
    with pytest.raises(InvalidRequest, match="not valid for this step"):
        sign(session, content, two, 2)  # expired
    assert [r.step for r in session.exec(select(StepSignOffRow)).all()] == [1]
    assert session.exec(select(SignOffCodeRow.code_hash)).all() and one not in str(
        session.exec(select(SignOffCodeRow)).all()
    )  # only digests are kept


def test_only_a_coordinator_of_the_country_gets_a_code(session: Session) -> None:
    member = Principal(id=5, username="mem", name="Mem", roles={"MWI": Role.member})
    with pytest.raises(Forbidden):
        signoff_codes.issue(session=session, who=member, country="MWI", workstream="B", step=1)
