"""Several respondents per country: a country's diagnostic round, each respondent's own answers (a user
answering as themself, an agency a coordinator answers for, a submission imported from KoBo/ODK).

The coordinator's side (answers side by side, decisions, diagnosing the consensus) is in
cer.services.consensus. Every change is audited; each respondent's answers stay kept after diagnosing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cer.content import Content, get_content
from cer.content.countries import find_country
from cer.db.tables import CountryRow, DiagnosticRoundRow, RespondentRow, utcnow
from cer.services import audit
from cer.services.access import Action, Principal, require
from cer.services.errors import Conflict
from diagnostics.answers import AnswerProblem, AnswersError, AnswerSet, validate_answers
from workstreams.errors import N_, InvalidRequest, Message, NotFound
from workstreams.status import check_text

KINDS = ("user", "agency", "import")
MAX_ANSWER_CHARS = 4000
MAX_RESPONDENTS = 2000  # as many submissions as one file may hold (cer.services.submissions)


def country_code(country: str) -> str:
    """The ISO 3166 alpha-3 code of `country` (a code or a name): NotFound otherwise."""
    return find_country(country.strip()).code


def open_round(*, session: Session, country: str, content: Content, by: str) -> DiagnosticRoundRow:
    """The country's open round, opened now (in the session, not committed) when it has none."""
    place = find_country(country.strip())
    found = current_round(session=session, country=place.code)
    if found is not None and found.status == "open":
        return found
    number = (found.number + 1) if found is not None else 1
    row = DiagnosticRoundRow(
        country_code=place.code,
        number=number,
        questionnaire_version=content.questionnaire.version,
        opened_by=by,
    )
    try:
        if session.get(CountryRow, place.code) is None:
            country_row = CountryRow(
                code=place.code, name=place.name, region=place.region, subregion=place.subregion
            )
            session.add(country_row)
            session.flush()
        session.add(row)
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(N_("a round of %(code)s was opened meanwhile: try again"), code=place.code) from None
    audit.record(
        session=session,
        actor=by,
        action="round_opened",
        target=f"{place.code} round {number}",
        country=place.code,
    )
    return row


def current_round(*, session: Session, country: str) -> DiagnosticRoundRow | None:
    """The country's newest round (open or closed), if it has one."""
    query = select(DiagnosticRoundRow).where(DiagnosticRoundRow.country_code == country)
    return session.exec(query.order_by(col(DiagnosticRoundRow.number).desc())).first()


def round_respondents(*, session: Session, round_id: int) -> list[RespondentRow]:
    query = select(RespondentRow).where(RespondentRow.round_id == round_id).order_by(col(RespondentRow.id))
    return list(session.exec(query).all())


def checked_answers(content: Content, answers: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    """`answers` as stored: each of the right type for its question and within its constraint (a partial
    set is fine), dates as ISO text; AnswersError naming every problem otherwise (prefixed by `where`)."""
    problems: list[AnswerProblem] = []
    for qid, value in answers.items():
        if len(str(value)) > MAX_ANSWER_CHARS or "\x00" in str(value):
            problems.append(
                AnswerProblem(qid, Message(N_("the answer is too long or holds control characters")))
            )
    if not problems:
        answer_set = AnswerSet(questionnaire_version=content.questionnaire.version, answers=dict(answers))
        try:
            validate_answers(content.questionnaire, answer_set, final=False)
        except AnswersError as exc:
            problems = exc.problems
    if problems:
        raise AnswersError([AnswerProblem(f"{where}{p.where}", p.message) for p in problems])
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in answers.items() if v is not None}


def save_my_answers(
    *, session: Session, who: Principal, content: Content, country: str, answers: Mapping[str, Any]
) -> RespondentRow:
    """`who` answers for themself in the country's open round (member role): their respondent, made the
    first time, its answers replaced by `answers`."""
    code = country_code(country)
    require(who, Action.diagnose, code)
    kept = checked_answers(content, answers)
    found = open_round(session=session, country=code, content=content, by=who.username)
    mine = [r for r in round_respondents(session=session, round_id=found.id or 0) if _is_of(r, who)]
    row = mine[0] if mine else _new(session, found, label=who.name or who.username, kind="user", who=who)
    return _save(session, row, kept, who, "respondent_answered")


def add_respondent(
    *,
    session: Session,
    who: Principal,
    content: Content,
    country: str,
    label: str,
    answers: Mapping[str, Any] | None = None,
) -> RespondentRow:
    """An agency as a respondent of the country's open round (coordinator), with its answers if given."""
    code = country_code(country)
    require(who, Action.manage_plan, code)
    check_text(by=label)
    kept = checked_answers(content, answers or {})
    found = open_round(session=session, country=code, content=content, by=who.username)
    row = _new(session, found, label=label.strip(), kind="agency", who=None)
    return _save(session, row, kept, who, "respondent_added")


def save_answers(
    *,
    session: Session,
    who: Principal,
    content: Content,
    country: str,
    respondent_id: int,
    answers: Mapping[str, Any],
) -> RespondentRow:
    """Replace a respondent's answers: one's own (member role), anyone's (coordinator)."""
    code = country_code(country)
    row = respondent_for(session=session, who=who, country=code, respondent_id=respondent_id)
    if not _is_of(row, who):
        require(who, Action.manage_plan, code)
    elif not who.can(Action.diagnose, code):
        require(who, Action.diagnose, code)
    found = session.get(DiagnosticRoundRow, row.round_id)
    if found is None or found.status != "open":
        raise Conflict(N_("the round of %(code)s is closed: its answers no longer change"), code=code)
    return _save(session, row, checked_answers(content, answers), who, "respondent_answered")


def respondent_for(*, session: Session, who: Principal, country: str, respondent_id: int) -> RespondentRow:
    """A respondent of the country's rounds (NotFound otherwise), if `who` answers there (member role)."""
    code = country_code(country)
    require(who, Action.diagnose, code)
    row = session.get(RespondentRow, respondent_id)
    found = session.get(DiagnosticRoundRow, row.round_id) if row is not None else None
    if row is None or found is None or found.country_code != code:
        raise NotFound(N_("respondent"), respondent_id, [Message(N_("a respondent's number, from the list"))])
    return row


def import_submissions(
    *,
    session: Session,
    who: Principal,
    country: str,
    submissions: Iterable[Any],
    content: Content | None = None,
) -> list[RespondentRow]:
    """Each submission (a KoBo/ODK row: `.row`, `.provenance`, `.answer_set`) as one respondent of the
    country's open round (coordinator), named by its agency or its submitter, its provenance kept. A
    submission imported again (same uuid) replaces that respondent's answers. All or nothing: any problem in
    any row raises AnswersError naming every one ("row 3: dq05: ..."), and nothing is written."""
    content = content or get_content()
    code = country_code(country)
    require(who, Action.manage_plan, code)
    checked = [_checked_submission(content, s) for s in submissions]
    if len(checked) > MAX_RESPONDENTS:
        raise InvalidRequest(N_("at most %(most)s submissions at once"), most=MAX_RESPONDENTS)
    problems = [p for c in checked if isinstance(c, AnswersError) for p in c.problems]
    if problems:
        raise AnswersError(problems)
    found = open_round(session=session, country=code, content=content, by=who.username)
    existing = round_respondents(session=session, round_id=found.id or 0)
    rows = [_imported(session, found, existing, who, kept, provenance) for kept, provenance in checked]
    audit.record(
        session=session,
        actor=who.username,
        action="submissions_imported",
        country=code,
        target=f"{code} round {found.number}",
        count=len(rows),
    )
    _commit(session, code)
    for row in rows:
        session.refresh(row)
    return rows


def _checked_submission(content: Content, submission: Any) -> Any:
    where = f"row {getattr(submission, 'row', '?')}: "
    answer_set: AnswerSet = submission.answer_set
    provenance = {"row": getattr(submission, "row", None)} | _plain(getattr(submission, "provenance", None))
    try:
        return checked_answers(content, answer_set.answers, where), provenance
    except AnswersError as exc:
        return exc


def _plain(provenance: Any) -> dict[str, Any]:
    if provenance is None:
        return {}
    if hasattr(provenance, "model_dump"):
        provenance = provenance.model_dump(mode="json")
    elif dataclasses.is_dataclass(provenance) and not isinstance(provenance, type):
        provenance = dataclasses.asdict(provenance)
    return {str(k): v.isoformat() if isinstance(v, dt.date) else v for k, v in dict(provenance).items()}


def _imported(
    session: Session,
    found: DiagnosticRoundRow,
    existing: list[RespondentRow],
    who: Principal,
    kept: dict[str, Any],
    provenance: dict[str, Any],
) -> RespondentRow:
    uuid = provenance.get("uuid")
    same = [r for r in existing if uuid and (r.provenance or {}).get("uuid") == uuid]
    if same:
        row = same[0]
    else:
        name = str(
            provenance.get("agency") or provenance.get("submitter") or f"row {provenance.get('row', '')}"
        )
        label = name.strip()[:100] or "submission"
        taken = {r.label for r in existing}
        if label in taken:
            label = f"{label} ({str(uuid or provenance.get('submission_id') or len(existing) + 1)[:12]})"
        row = _new(session, found, label=label, kind="import", who=None)
        existing.append(row)
    row.answers, row.provenance = kept, provenance
    row.updated_by, row.updated_at = who.username, utcnow()
    session.add(row)
    return row


def _is_of(row: RespondentRow, who: Principal) -> bool:
    if row.kind != "user":
        return False
    return (
        row.user_id == who.id if who.id else row.user_id is None and row.label == (who.name or who.username)
    )


def _new(
    session: Session,
    found: DiagnosticRoundRow,
    *,
    label: str,
    kind: str,
    who: Principal | None,
) -> RespondentRow:
    taken = session.exec(
        select(RespondentRow).where(RespondentRow.round_id == found.id, RespondentRow.label == label)
    ).first()
    if taken is not None:
        raise Conflict(N_("%(label)s already answers in this round"), label=label)
    row = RespondentRow(
        round_id=found.id or 0,
        label=label,
        kind=kind,
        user_id=(who.id or None) if who else None,
        updated_by=who.username if who else "",
    )
    return row


def _save(
    session: Session, row: RespondentRow, answers: dict[str, Any], who: Principal, action: str
) -> RespondentRow:
    row.answers = answers
    row.updated_by, row.updated_at = who.username, utcnow()
    session.add(row)
    found = session.get(DiagnosticRoundRow, row.round_id)
    code = found.country_code if found else None
    audit.record(
        session=session,
        actor=who.username,
        action=action,
        country=code,
        target=row.label,
        answers=len(answers),
    )
    _commit(session, code or "")
    session.refresh(row)
    return row


def _commit(session: Session, code: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            N_("the answers of %(code)s changed meanwhile (a respondent or a round was added): try again"),
            code=code,
        ) from None


def join_round(
    *,
    session: Session,
    who: Principal,
    content: Content,
    country: str,
    kind: str,
    label: str | None,
    answers: Mapping[str, Any],
) -> RespondentRow:
    """A respondent joins the country's round: `who` themself (kind 'user', member role), or an agency a
    coordinator answers for (kind 'agency', its `label`)."""
    if kind == "agency":
        if not label:
            raise InvalidRequest(N_("name the agency that answers (its acronym, e.g. WFP)"))
        return add_respondent(
            session=session, who=who, content=content, country=country, label=label, answers=answers
        )
    return save_my_answers(session=session, who=who, content=content, country=country, answers=answers)
