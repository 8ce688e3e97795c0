"""Several respondents per country, on SQLite and PostgreSQL: each answers in the country's round, imported
submissions become respondents all or nothing, the coordinator decides ties and diagnoses the consensus, whose
reasons cite the spread; every respondent's answers stay kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlmodel import Session, select

from cer.content import Content
from cer.db.tables import AuditEventRow, RespondentRow, UserRow
from cer.services.access import Principal, Role
from cer.services.consensus import decide, diagnose_consensus, diagnosis_spread, side_by_side
from cer.services.errors import Conflict, Forbidden
from cer.services.respondents import add_respondent, import_submissions, save_answers, save_my_answers
from cer.services.submission_values import Provenance
from cer.views.render_spread import cited
from diagnostics.answers import AnswersError, AnswerSet
from tests.factories import make_answers


def person(session: Session, username: str, role: Role) -> Principal:
    user = UserRow(username=username, name=username.title(), password_hash="x")
    session.add(user)
    session.commit()
    return Principal(id=user.id or 0, username=username, name=user.name, roles={"MWI": role})


@dataclass
class Submission:
    row: int
    provenance: dict[str, Any]
    answer_set: AnswerSet
    extra: dict[str, Any] = field(default_factory=dict)


def submission(content: Content, row: int, agency: str, **answers: Any) -> Submission:
    provenance = {"uuid": f"uuid:{agency}", "submission_id": row, "submitter": "enumerator", "agency": agency}
    return Submission(
        row, provenance, AnswerSet(questionnaire_version=content.questionnaire.version, answers=answers)
    )


def test_three_respondents_a_tie_decided_and_the_consensus_diagnosed_with_its_spread(
    session: Session, content: Content
) -> None:
    member, coordinator = person(session, "amina", Role.member), person(session, "chidi", Role.coordinator)
    base = make_answers(content)
    mine = save_my_answers(
        session=session, who=member, content=content, country="MWI", answers={**base, "dq05": "no"}
    )
    unicef = add_respondent(
        session=session,
        who=coordinator,
        content=content,
        country="mwi",
        label="UNICEF",
        answers={**base, "dq05": "yes"},
    )
    imported = import_submissions(
        session=session,
        who=coordinator,
        country="MWI",
        content=content,
        submissions=[submission(content, 2, "WFP", **{**base, "dq05": "partly"})],
    )
    assert [r.label for r in imported] == ["WFP"] and imported[0].provenance["uuid"] == "uuid:WFP"
    seen = side_by_side(session=session, who=member, content=content, country="MWI")
    dq05 = next(q for q in seen.questions if q.spread.question == "dq05")
    assert dq05.spread.tie and dq05.chosen is None and seen.consensus.undecided == ["dq05"]
    assert dict(dq05.spread.given) == {"Amina": "no", "UNICEF": "yes", "WFP": "partly"}
    with pytest.raises(Conflict):
        diagnose_consensus(session=session, who=coordinator, content=content, country="MWI")
    decide(
        session=session,
        who=coordinator,
        content=content,
        country="MWI",
        question="dq05",
        value="no",
        why="the staff survey says so",
    )
    done = diagnose_consensus(session=session, who=coordinator, content=content, country="MWI")
    assert done.spreads["dq05"]["counts"] == [["yes", 1], ["partly", 1], ["no", 1]]
    assert diagnosis_spread(session=session, diagnosis_id=done.row.id or 0) == (done.spreads, "respondent")
    reason = next(r for a in done.report.diagnosis.actions for r in a.reasons if r.source == "dq05")
    assert "(1 of 3 respondents answered “No”; decided by chidi)" in cited(
        reason, done.spreads, done.word, content
    )
    kept = session.exec(select(RespondentRow).order_by(RespondentRow.id)).all()
    assert [r.answers["dq05"] for r in kept] == ["no", "yes", "partly"]
    assert {mine.id, unicef.id} <= {r.id for r in kept}
    actions = set(session.exec(select(AuditEventRow.action)).all())
    assert {
        "respondent_answered",
        "respondent_added",
        "submissions_imported",
        "consensus_decided",
        "consensus_diagnosed",
    } <= actions


def test_agencies_in_the_majority_are_named_as_agencies_in_the_reasons(
    session: Session, content: Content
) -> None:
    coordinator = person(session, "chidi", Role.coordinator)
    base = make_answers(content)
    said = ["no", "no", "yes", "no", "partly", "no"]
    rows = [submission(content, i + 2, f"AG{i}", **{**base, "dq05": v}) for i, v in enumerate(said)]
    import_submissions(session=session, who=coordinator, country="MWI", content=content, submissions=rows)
    done = diagnose_consensus(session=session, who=coordinator, content=content, country="MWI")
    reason = next(r for a in done.report.diagnosis.actions for r in a.reasons if r.source == "dq05")
    assert "(4 of 6 agencies answered “No”)" in cited(reason, done.spreads, done.word, content)


def test_an_import_with_one_bad_row_writes_nothing(session: Session, content: Content) -> None:
    coordinator = person(session, "chidi", Role.coordinator)
    good = submission(content, 2, "UNDP", dq05="no")
    bad = submission(content, 3, "WFP", dq05="maybe")
    with pytest.raises(AnswersError) as refused:
        import_submissions(
            session=session, who=coordinator, country="MWI", content=content, submissions=[good, bad]
        )
    assert [p.where for p in refused.value.problems] == ["row 3: dq05"]
    assert session.exec(select(RespondentRow)).all() == []


def test_importing_the_same_submission_again_replaces_its_answers(session: Session, content: Content) -> None:
    coordinator = person(session, "chidi", Role.coordinator)
    import_submissions(
        session=session,
        who=coordinator,
        country="MWI",
        content=content,
        submissions=[submission(content, 2, "UNDP", dq05="no")],
    )
    import_submissions(
        session=session,
        who=coordinator,
        country="MWI",
        content=content,
        submissions=[submission(content, 2, "UNDP", dq05="yes")],
    )
    rows = session.exec(select(RespondentRow)).all()
    assert [(r.label, r.answers) for r in rows] == [("UNDP", {"dq05": "yes"})]


def test_who_may_do_what(session: Session, content: Content) -> None:
    viewer, member = person(session, "vera", Role.viewer), person(session, "amina", Role.member)
    other = person(session, "bola", Role.member)
    with pytest.raises(Forbidden):
        save_my_answers(session=session, who=viewer, content=content, country="MWI", answers={"dq05": "no"})
    with pytest.raises(Forbidden):
        add_respondent(session=session, who=member, content=content, country="MWI", label="UNDP")
    with pytest.raises(Forbidden):
        import_submissions(session=session, who=member, country="MWI", content=content, submissions=[])
    mine = save_my_answers(
        session=session, who=member, content=content, country="MWI", answers={"dq05": "no"}
    )
    with pytest.raises(Forbidden):
        save_answers(
            session=session,
            who=other,
            content=content,
            country="MWI",
            respondent_id=mine.id or 0,
            answers={"dq05": "yes"},
        )
    with pytest.raises(Forbidden):
        decide(session=session, who=member, content=content, country="MWI", question="dq05", value="no")
    again = save_my_answers(
        session=session, who=member, content=content, country="MWI", answers={"dq05": "yes"}
    )
    assert again.id == mine.id and again.answers == {"dq05": "yes"}


def test_bad_answers_and_words_are_refused_before_postgresql_sees_them(
    session: Session, content: Content
) -> None:
    member, coordinator = person(session, "amina", Role.member), person(session, "chidi", Role.coordinator)
    with pytest.raises(AnswersError):
        save_my_answers(
            session=session, who=member, content=content, country="MWI", answers={"dq05": "n\x00o"}
        )
    with pytest.raises(AnswersError):
        save_my_answers(
            session=session, who=member, content=content, country="MWI", answers={"comments": "a\x00b"}
        )
    save_my_answers(session=session, who=member, content=content, country="MWI", answers={"dq05": "no"})
    with pytest.raises(Exception, match="control"):
        decide(
            session=session,
            who=coordinator,
            content=content,
            country="MWI",
            question="dq05",
            value="no",
            why="nul\x00",
        )
    with pytest.raises(Exception, match="control"):
        add_respondent(session=session, who=coordinator, content=content, country="MWI", label="UN\x00DP")


def test_a_kobo_submission_keeps_its_provenance_and_is_named_by_its_submitter(
    session: Session, content: Content
) -> None:
    coordinator = person(session, "chidi", Role.coordinator)
    when = dt.datetime(2027, 1, 5, 9, 30, tzinfo=dt.UTC)
    said = Provenance(submission_id="101", uuid="abc", submitted_at=when, submitter="enumerator1")
    sent = AnswerSet(questionnaire_version=content.questionnaire.version, answers={"dq05": "no"})
    rows = import_submissions(
        session=session,
        who=coordinator,
        country="Malawi",
        content=content,
        submissions=[Submission(4, said, sent)],
    )
    assert rows[0].label == "enumerator1" and rows[0].kind == "import"
    assert rows[0].provenance == {
        "row": 4, "submission_id": "101", "uuid": "abc", "submitted_at": "2027-01-05T09:30:00+00:00",
        "submitter": "enumerator1", "form_version": None,
    }  # fmt: skip
